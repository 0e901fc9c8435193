import type { ContentVisibility, GrantKind, GrantStatus, SupporterStatus, Visibility } from "../../../db/schema";

/**
 * The one access decision of the audience side (ADR 022): "may this person see this here now?". It is pure: the
 * caller loads the viewer's grants in the same round trip as the content (server/services/audience/viewer.ts) and
 * every surface — pages, tRPC, feeds, newsletters, search, exports, Open Graph tags, comment previews — asks this
 * function and nothing else.
 */

export type Gated =
  | { visibility: Exclude<Visibility, "tiers">; visibilityTierIds?: readonly string[] }
  | { visibility: "tiers"; visibilityTierIds: readonly string[] }
  /** Event recordings and similar: only holders of a ticket to `eventId`. */
  | { visibility: "ticket_holders"; eventId: string };

/** A post's, episode's or event's visibility columns as read from the row (events never carry an event id). */
export interface GatedRow {
  visibility: ContentVisibility;
  visibilityTierIds: readonly string[];
  /** Required so every reader selects it: a ticket-holder row read without it would open to nobody, silently. */
  visibilityEventId: string | null;
}

/** The gate's view of a row's visibility columns; the one place that maps them (ADR 034). */
export function gatedOf(row: GatedRow): Gated {
  switch (row.visibility) {
    case "tiers":
      return { visibility: "tiers", visibilityTierIds: row.visibilityTierIds };
    case "ticket_holders":
      // The check constraint makes the event id present; an absent one would match no grant (closed, not open).
      return { visibility: "ticket_holders", eventId: row.visibilityEventId ?? "" };
    default:
      return { visibility: row.visibility, visibilityTierIds: [] };
  }
}

export interface ViewerGrant {
  kind: GrantKind;
  status: GrantStatus;
  startsAt: Date;
  endsAt: Date | null;
  tierId: string | null;
  /** Whether the grant's tier is a paid one (free tiers never open `paid` content). */
  tierIsPaid: boolean;
  /** kind = ticket: the event the ticket admits to. */
  eventId?: string | null;
}

export type Viewer =
  | { kind: "anonymous" }
  /** A team member of the content's workspace sees everything (they made it). */
  | { kind: "team" }
  | { kind: "supporter"; status: Exclude<SupporterStatus, "left">; grants: readonly ViewerGrant[] }
  /** Signed in, but not (yet) in this workspace's audience. */
  | { kind: "signed_in" };

export type GateDecision =
  | { allowed: true; reason: "public" | "team" | "granted" }
  /** sign_in: anonymous; join: signed in, not a member; upgrade: a member without a grant that opens it. */
  | { allowed: false; reason: "sign_in" | "join" | "upgrade" | "blocked" };

export function isGrantActive(grant: ViewerGrant, now: Date): boolean {
  return (
    grant.status === "active" &&
    grant.startsAt.getTime() <= now.getTime() &&
    (grant.endsAt === null || now.getTime() < grant.endsAt.getTime())
  );
}

export function decideAccess(content: Gated, viewer: Viewer, now: Date): GateDecision {
  if (content.visibility === "public") return { allowed: true, reason: "public" };
  if (viewer.kind === "team") return { allowed: true, reason: "team" };
  if (viewer.kind === "anonymous") return { allowed: false, reason: "sign_in" };
  if (viewer.kind === "signed_in") return { allowed: false, reason: "join" };
  if (viewer.status === "blocked") return { allowed: false, reason: "blocked" };
  const active = viewer.grants.filter((grant) => isGrantActive(grant, now));
  const opens = (grant: ViewerGrant) => {
    switch (content.visibility) {
      case "members":
        return grant.kind === "tier";
      case "paid":
        return grant.kind === "tier" && grant.tierIsPaid;
      case "tiers":
        return grant.kind === "tier" && grant.tierId !== null && content.visibilityTierIds.includes(grant.tierId);
      case "ticket_holders":
        return grant.kind === "ticket" && grant.eventId === content.eventId;
    }
  };
  return active.some(opens) ? { allowed: true, reason: "granted" } : { allowed: false, reason: "upgrade" };
}
