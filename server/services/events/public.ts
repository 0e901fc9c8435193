import { and, asc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { Database, DbOrTx } from "../../../db/client";
import { events, holds, mediaObjects, ticketTypes, tickets, waitlistEntries, workspaces } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { decideAccess, isGrantActive, type Gated, type Viewer } from "../audience/gate";
import { toViewer, viewerQuery } from "../audience/viewer";
import type { RequestMeta } from "../auth/sessions";
import { paymentsProvider } from "../payments/payments";
import { podcastUrls } from "../podcasts/urls";
import { postUrls } from "../posts/urls";
import type { PaymentsEnv } from "../payments/provider";
import { othersCouldFreeSeat } from "./capacity";
import { startTicketCheckout } from "./orders";
import { reserveTickets } from "./reserve";
import { eventUrl, joinWaitlist } from "./waitlist";

/**
 * What the audience sees of events (ADR 030): the public event page, the creator page's upcoming list, a
 * supporter's tickets, and buying. Every read asks the one gate (ADR 022) with the viewer loaded in the same round
 * trip (ADR 016); the join link leaves this file only for the team and holders of a valid ticket.
 */

type ReaderAuth = { user: { id: string } } | null;

function gatedOf(event: { visibility: Gated["visibility"]; visibilityTierIds: readonly string[] }): Gated {
  return event.visibility === "tiers"
    ? { visibility: "tiers", visibilityTierIds: event.visibilityTierIds }
    : { visibility: event.visibility as "public" | "members" | "paid", visibilityTierIds: [] };
}

const NOBODY = "00000000-0000-0000-0000-000000000000";

function activeTierIdsOf(viewer: Viewer, now: Date): string[] {
  if (viewer.kind !== "supporter" || viewer.status === "blocked") return [];
  return viewer.grants.flatMap((grant) =>
    grant.kind === "tier" && grant.tierId && isGrantActive(grant, now) ? [grant.tierId] : [],
  );
}

export type SalesState = "open" | "not_started" | "ended" | "sold_out";

/** One published (or canceled) event as this viewer may see it, with prices and what they can do now. */
export async function getPublicEvent(opts: {
  db: DbOrTx;
  workspaceId: string;
  eventId: string;
  auth: ReaderAuth;
  now: Date;
  appUrl: string;
}) {
  const { db, now } = opts;
  const userId = opts.auth?.user.id ?? NOBODY;
  const nowIso = now.toISOString();
  const [eventRows, typeRows, mine, viewerRows] = await readBatch(db, [
    db
      .select({ event: events, workspaceName: workspaces.name, coverMediaId: mediaObjects.id })
      .from(events)
      .innerJoin(workspaces, eq(workspaces.id, events.workspaceId))
      .leftJoin(
        mediaObjects,
        and(
          eq(mediaObjects.id, events.coverMediaId),
          eq(mediaObjects.workspaceId, events.workspaceId),
          eq(mediaObjects.status, "ready"),
        ),
      )
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId), ne(events.status, "draft"))),
    db
      .select({
        type: ticketTypes,
        taken: sql<number>`((select count(*) from ${tickets} t where t.ticket_type_id = "ticket_types"."id"
          and t.status = 'valid') + (select coalesce(sum(h.quantity), 0) from ${holds} h
          where h.ticket_type_id = "ticket_types"."id" and h.status = 'held'
          and h.expires_at > ${nowIso}::timestamptz))::int`,
        // Of those, the viewer's own seats: only seats someone else holds can come free for them.
        yours: sql<number>`((select count(*) from ${tickets} t where t.ticket_type_id = "ticket_types"."id"
          and t.status = 'valid' and t.holder_user_id = ${userId}) + (select coalesce(sum(h.quantity), 0)
          from ${holds} h where h.ticket_type_id = "ticket_types"."id" and h.status = 'held'
          and h.expires_at > ${nowIso}::timestamptz and h.user_id = ${userId}))::int`,
      })
      .from(ticketTypes)
      .where(and(eq(ticketTypes.eventId, opts.eventId), eq(ticketTypes.workspaceId, opts.workspaceId)))
      .orderBy(asc(ticketTypes.position), asc(ticketTypes.createdAt)),
    db
      .select({
        ticketId: tickets.id,
        ticketTypeId: tickets.ticketTypeId,
        waitlistTypeId: sql<string | null>`null`,
      })
      .from(tickets)
      .where(and(eq(tickets.eventId, opts.eventId), eq(tickets.holderUserId, userId), eq(tickets.status, "valid")))
      .unionAll(
        db
          .select({
            ticketId: sql<string>`null`,
            ticketTypeId: waitlistEntries.ticketTypeId,
            waitlistTypeId: waitlistEntries.ticketTypeId,
          })
          .from(waitlistEntries)
          .where(
            and(
              eq(waitlistEntries.eventId, opts.eventId),
              eq(waitlistEntries.userId, userId),
              inArray(waitlistEntries.status, ["waiting", "offered"]),
            ),
          ),
      ),
    viewerQuery({ db, workspaceId: opts.workspaceId, userId: opts.auth ? userId : null }),
  ]);
  const row = eventRows[0];
  if (!row) throw notFound("Event");
  const { event } = row;
  const viewer = toViewer({ rows: viewerRows, auth: opts.auth });
  const decision = decideAccess(gatedOf(event), viewer, now);
  const tierIds = activeTierIdsOf(viewer, now);
  const myTicketIds = mine.flatMap((m) => (m.ticketId ? [m.ticketId] : []));
  const waitingTypeIds = mine.flatMap((m) => (m.waitlistTypeId ? [m.waitlistTypeId] : []));
  const eventTaken = typeRows.reduce((sum, t) => sum + t.taken, 0);
  const eventYours = typeRows.reduce((sum, t) => sum + t.yours, 0);
  const eventLeft = event.capacity === null ? Infinity : event.capacity - eventTaken;
  const ended = now >= event.endsAt || (event.salesEndAt !== null && now >= event.salesEndAt);
  const types = typeRows
    .filter((t) => t.type.archivedAt === null)
    .map(({ type, taken, yours }) => {
      const typeLeft = type.quantity === null ? Infinity : type.quantity - taken;
      const left = Math.max(0, Math.min(typeLeft, eventLeft));
      const member = type.memberPriceCents !== null && type.memberTierIds.some((id) => tierIds.includes(id));
      const early =
        type.earlyAccessStartAt !== null &&
        now >= type.earlyAccessStartAt &&
        type.earlyAccessTierIds.some((id) => tierIds.includes(id));
      const sales: SalesState = ended
        ? "ended"
        : event.salesStartAt && now < event.salesStartAt && !early
          ? "not_started"
          : left <= 0
            ? "sold_out"
            : "open";
      return {
        id: type.id,
        name: type.name,
        description: type.description,
        priceCents: type.priceCents,
        /** What this viewer pays per ticket (member price from their active grants). */
        yourPriceCents: member ? type.memberPriceCents! : type.priceCents,
        currency: type.currency,
        maxPerOrder: Math.min(type.maxPerOrder, Number.isFinite(left) ? left : type.maxPerOrder),
        remaining: Number.isFinite(left) ? left : null,
        sales,
        /** Sold out, and a seat could still come free for this viewer (someone else holds one): offer the waitlist. */
        waitlist:
          sales === "sold_out" &&
          othersCouldFreeSeat({
            typeLeft,
            typeTakenByOthers: taken - yours,
            eventLeft,
            eventTakenByOthers: eventTaken - eventYours,
          }),
        onWaitlist: waitingTypeIds.includes(type.id),
      };
    });
  const holder = myTicketIds.length > 0;
  const allowed = decision.allowed;
  return {
    workspace: { id: opts.workspaceId, name: row.workspaceName, homeUrl: `${opts.appUrl}/c/${opts.workspaceId}` },
    event: {
      id: event.id,
      title: event.title,
      description: allowed ? event.description : "",
      kind: event.kind,
      status: event.status,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timeZone: event.timeZone,
      venue: allowed ? event.venue : "",
      visibility: event.visibility,
      coverUrl: allowed && row.coverMediaId ? `${opts.appUrl}/media/events/${event.id}/cover` : null,
      salesStartAt: event.salesStartAt,
      pageUrl: eventUrl(opts.appUrl, opts.workspaceId, event.id),
      /** Only for the team and ticket holders (issue 13 item 1). */
      joinUrl: viewer.kind === "team" || holder ? event.joinUrl : null,
    },
    ticketTypes: allowed && event.status === "published" ? types : [],
    yourTicketIds: myTicketIds,
    signedIn: opts.auth !== null,
    access: allowed
      ? { allowed: true as const, reason: decision.reason }
      : {
          allowed: false as const,
          reason: decision.reason,
          joinUrl: `${opts.appUrl}/c/${opts.workspaceId}/join`,
          signInUrl: `${opts.appUrl}/c/${opts.workspaceId}/sign-in`,
        },
  };
}

/** The creator page's section: published events that have not ended, soonest first (titles and times only). */
export function upcomingEventsQuery(opts: { db: DbOrTx; workspaceId: string; now: Date; limit: number }) {
  return opts.db
    .select({
      id: events.id,
      title: events.title,
      kind: events.kind,
      startsAt: events.startsAt,
      timeZone: events.timeZone,
      visibility: events.visibility,
    })
    .from(events)
    .where(and(eq(events.workspaceId, opts.workspaceId), eq(events.status, "published"), gt(events.endsAt, opts.now)))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(opts.limit);
}

/** The supporter portal's "Your tickets": one row per valid ticket of this workspace's events, soonest first. */
interface RecordingLink {
  kind: "episode" | "post";
  id: string;
  title: string;
  showId: string | null;
}

/** A recording's public address: the episode page or the post page. */
export function recordingLinks(raw: RecordingLink[] | string, workspaceId: string, appUrl: string) {
  const list = typeof raw === "string" ? (JSON.parse(raw) as RecordingLink[]) : raw;
  return list.map((r) => ({
    kind: r.kind,
    id: r.id,
    title: r.title,
    url:
      r.kind === "episode"
        ? podcastUrls(appUrl).episodePage(r.showId!, r.id)
        : postUrls(appUrl).page(workspaceId, r.id),
  }));
}

export function myTicketsQuery(opts: { db: DbOrTx; workspaceId: string; userId: string }) {
  return opts.db
    .select({
      ticketId: tickets.id,
      eventId: events.id,
      eventTitle: events.title,
      startsAt: events.startsAt,
      timeZone: events.timeZone,
      eventStatus: events.status,
      ticketTypeName: ticketTypes.name,
      /** The event's published recordings (ADR 034): a holder's way to them from "Your tickets". */
      recordings: sql<RecordingLink[] | string>`coalesce((
        select json_agg(json_build_object('kind', r.kind, 'id', r.id, 'title', r.title, 'showId', r.show_id)
          order by r.published_at desc)
        from (
          select 'episode' as kind, e.id, e.title, e.show_id, e.published_at from episodes e
           where e.visibility_event_id = ${events.id} and e.workspace_id = ${events.workspaceId} and e.status = 'published'
          union all
          select 'post', p.id, p.title, null, p.published_at from posts p
           where p.visibility_event_id = ${events.id} and p.workspace_id = ${events.workspaceId} and p.status = 'published'
        ) r
      ), '[]'::json)`,
    })
    .from(tickets)
    .innerJoin(events, eq(events.id, tickets.eventId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .where(
      and(
        eq(tickets.workspaceId, opts.workspaceId),
        eq(tickets.holderUserId, opts.userId),
        eq(tickets.status, "valid"),
      ),
    )
    .orderBy(asc(events.startsAt), asc(tickets.id))
    .limit(200);
}

/** The event's gate for a buyer: a member-only event sells only to those the gate lets see it. */
async function requireVisible(opts: { db: DbOrTx; workspaceId: string; eventId: string; userId: string; now: Date }) {
  const [eventRows, viewerRows] = await readBatch(opts.db, [
    opts.db
      .select({ visibility: events.visibility, visibilityTierIds: events.visibilityTierIds })
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId), ne(events.status, "draft"))),
    viewerQuery({ db: opts.db, workspaceId: opts.workspaceId, userId: opts.userId }),
  ]);
  const event = eventRows[0];
  if (!event) throw notFound("Event");
  const viewer = toViewer({ rows: viewerRows, auth: { user: { id: opts.userId } } });
  if (!decideAccess(gatedOf(event), viewer, opts.now).allowed)
    throw new AppError("FORBIDDEN", "This event is for members: join or upgrade to get a ticket.");
  return viewer;
}

/**
 * Step one of buying (ADR 029, 030): free tickets are issued at once; paid ones are held and the order waits for
 * `startEventCheckout`. Two calls, each one transaction with its audit row, so neither can half happen.
 */
export async function reserveEventTickets(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  userId: string;
  lines: { ticketTypeId: string; quantity: number }[];
  promoCode: string | null;
  now: Date;
  appUrl: string;
  meta: RequestMeta;
}) {
  await requireVisible(opts);
  return reserveTickets({ ...opts });
}

/** Step two: the provider's checkout (sandbox offline) for a held order; the checkout carries the hold. */
export async function startEventCheckout(opts: {
  db: Database;
  env: PaymentsEnv;
  workspaceId: string;
  orderId: string;
  userId: string;
  now: Date;
  appUrl: string;
  meta: RequestMeta;
}) {
  const provider = paymentsProvider({ env: opts.env, appUrl: opts.appUrl });
  return startTicketCheckout({ ...opts, provider });
}

/** Joins the waitlist of a sold-out ticket type; members of the type's member tiers go first. */
export async function joinEventWaitlist(opts: {
  db: Database;
  workspaceId: string;
  eventId: string;
  ticketTypeId: string;
  userId: string;
  quantity: number;
  now: Date;
  meta: RequestMeta;
}) {
  const viewer = await requireVisible(opts);
  return joinWaitlist({ ...opts, tierIds: activeTierIdsOf(viewer, opts.now) });
}

/** An event's cover image for a reader the event's gate admits (`/media/events/:eventId/cover`). */
export async function getEventCoverForReader(opts: { db: DbOrTx; eventId: string; auth: ReaderAuth; now: Date }) {
  const [row] = await opts.db
    .select({
      workspaceId: events.workspaceId,
      status: events.status,
      visibility: events.visibility,
      visibilityTierIds: events.visibilityTierIds,
      r2Key: mediaObjects.r2Key,
      contentType: mediaObjects.contentType,
      size: mediaObjects.size,
    })
    .from(events)
    .innerJoin(
      mediaObjects,
      and(
        eq(mediaObjects.id, events.coverMediaId),
        eq(mediaObjects.workspaceId, events.workspaceId),
        eq(mediaObjects.status, "ready"),
      ),
    )
    .where(eq(events.id, opts.eventId))
    .limit(1);
  if (!row || row.size === null) throw notFound("Image");
  const viewer = opts.auth
    ? toViewer({
        rows: await viewerQuery({ db: opts.db, workspaceId: row.workspaceId, userId: opts.auth.user.id }),
        auth: opts.auth,
      })
    : toViewer({ rows: [], auth: null });
  if (row.status === "draft" && viewer.kind !== "team") throw notFound("Image");
  if (!decideAccess(gatedOf(row), viewer, opts.now).allowed) throw notFound("Image");
  return {
    object: { r2Key: row.r2Key, contentType: row.contentType, size: row.size },
    shareable: row.visibility === "public" && row.status !== "draft",
  };
}
