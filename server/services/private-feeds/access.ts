import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { grants, memberships, privateFeeds, shows, supporters, tiers, type SupporterStatus } from "../../../db/schema";
import { decideAccess, isGrantActive, type Gated, type Viewer, type ViewerGrant } from "../audience/gate";
import { checkPrivateFeedToken, type ParsedToken } from "./tokens";

/**
 * Who is asking, for the show's workspace, read in the same round trip as the content (ADR 016): the statements
 * are keyed by the show id from the URL, so they join the batch that reads the show. audcore's viewer loader
 * (server/services/audience/viewer.ts) replaces these reads once it is on main; the rows and the `Viewer` they
 * build are the gate's own types, so callers do not change.
 */

const grantColumns = {
  kind: grants.kind,
  status: grants.status,
  startsAt: grants.startsAt,
  endsAt: grants.endsAt,
  tierId: grants.tierId,
  tierIsPaid: sql<boolean>`coalesce(${tiers.kind} = 'paid', false)`,
};

const showWorkspace = (db: DbOrTx, showId: string) =>
  db.select({ workspaceId: shows.workspaceId }).from(shows).where(eq(shows.id, showId));

/** A signed-in person's team role, supporter row and grants in the workspace of `showId`: three statements. */
export function viewerReadsForShow(db: DbOrTx, showId: string, userId: string) {
  return [
    db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), sql`${memberships.workspaceId} in ${showWorkspace(db, showId)}`))
      .limit(1),
    db
      .select({ id: supporters.id, status: supporters.status })
      .from(supporters)
      .where(and(eq(supporters.userId, userId), sql`${supporters.workspaceId} in ${showWorkspace(db, showId)}`))
      .limit(1),
    db
      .select(grantColumns)
      .from(grants)
      .leftJoin(tiers, and(eq(tiers.id, grants.tierId), eq(tiers.workspaceId, grants.workspaceId)))
      .where(and(eq(grants.userId, userId), sql`${grants.workspaceId} in ${showWorkspace(db, showId)}`)),
  ] as const;
}

type ViewerRows = [
  { role: string }[],
  { id: string; status: SupporterStatus }[],
  (Omit<ViewerGrant, "tierIsPaid"> & { tierIsPaid: boolean | string })[],
];

const asGrant = (row: ViewerRows[2][number]): ViewerGrant => ({
  ...row,
  // Raw boolean expressions arrive as whatever the driver makes of them ("t"/true).
  tierIsPaid: row.tierIsPaid === true || row.tierIsPaid === "t" || row.tierIsPaid === "true",
});

export function viewerFromRows(rows: ViewerRows | null): Viewer {
  if (!rows) return { kind: "anonymous" };
  const [team, supporter, grantRows] = rows;
  if (team.length > 0) return { kind: "team" };
  // Someone who left the audience is signed in but not a member, as the gate's viewer type says.
  if (!supporter[0] || supporter[0].status === "left") return { kind: "signed_in" };
  return { kind: "supporter", status: supporter[0].status, grants: grantRows.map(asGrant) };
}

/** The feed owner's supporter row (only in the show's workspace), grants and feed generation: three statements. */
export function privateFeedReads(db: DbOrTx, parsed: Pick<ParsedToken, "supporterId" | "showId">) {
  return [
    db
      .select({
        id: supporters.id,
        workspaceId: supporters.workspaceId,
        userId: supporters.userId,
        status: supporters.status,
      })
      .from(supporters)
      .innerJoin(shows, and(eq(shows.workspaceId, supporters.workspaceId), eq(shows.id, parsed.showId)))
      .where(eq(supporters.id, parsed.supporterId))
      .limit(1),
    db
      .select(grantColumns)
      .from(grants)
      .leftJoin(tiers, and(eq(tiers.id, grants.tierId), eq(tiers.workspaceId, grants.workspaceId)))
      .where(eq(grants.supporterId, parsed.supporterId)),
    db
      .select({ generation: privateFeeds.generation })
      .from(privateFeeds)
      .where(and(eq(privateFeeds.supporterId, parsed.supporterId), eq(privateFeeds.showId, parsed.showId)))
      .limit(1),
  ] as const;
}

type PrivateFeedRows = [
  { id: string; workspaceId: string; userId: string; status: SupporterStatus }[],
  ViewerRows[2],
  { generation: number }[],
];

/** Why a private feed address is refused; each has words a podcast app shows (./feed.ts). */
export type PrivateFeedRefusal = "unknown" | "replaced" | "ended" | "blocked";

export type PrivateFeedAccess =
  | {
      ok: true;
      supporter: { id: string; workspaceId: string; userId: string };
      viewer: Extract<Viewer, { kind: "supporter" }>;
    }
  | { ok: false; refusal: PrivateFeedRefusal; workspaceId: string | null };

/**
 * A feed is live while its supporter is not blocked and holds at least one active tier or content grant in the
 * workspace: the moment the last one is cancelled, refunded, disputed, revoked or runs past its end, the next
 * request is refused (nothing caches a private feed, ADR 028). Which episodes it lists is the gate's decision.
 */
export async function decidePrivateFeed(opts: {
  key: CryptoKey;
  parsed: ParsedToken;
  rows: PrivateFeedRows;
  now: Date;
}): Promise<PrivateFeedAccess> {
  const [[supporter], grantRows, [feed]] = opts.rows;
  if (!supporter) return { ok: false, refusal: "unknown", workspaceId: null };
  const token = await checkPrivateFeedToken({ key: opts.key, parsed: opts.parsed, generation: feed?.generation ?? 0 });
  if (token === "forged") return { ok: false, refusal: "unknown", workspaceId: null };
  if (token === "retired") return { ok: false, refusal: "replaced", workspaceId: supporter.workspaceId };
  if (supporter.status === "blocked") return { ok: false, refusal: "blocked", workspaceId: supporter.workspaceId };
  // Left the audience: as good as ended, whatever grants remain.
  if (supporter.status !== "active") return { ok: false, refusal: "ended", workspaceId: supporter.workspaceId };
  const viewer = { kind: "supporter" as const, status: supporter.status, grants: grantRows.map(asGrant) };
  const live = viewer.grants.some((grant) => grant.kind !== "ticket" && isGrantActive(grant, opts.now));
  if (!live) return { ok: false, refusal: "ended", workspaceId: supporter.workspaceId };
  return { ok: true, supporter, viewer };
}

/** Whether the viewer may hear this episode now (the one gate, ADR 022). */
export function mayListen(
  episode: { visibility: Gated["visibility"]; visibilityTierIds: readonly string[] },
  viewer: Viewer,
  now: Date,
) {
  return decideAccess(episode as Gated, viewer, now).allowed;
}
