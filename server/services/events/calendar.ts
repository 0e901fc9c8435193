import { and, eq, ne } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { events, tickets } from "../../../db/schema";
import { decideAccess, type Gated, type Viewer } from "../audience/gate";
import { toViewer, viewerQuery } from "../audience/viewer";
import { renderEventIcs, type IcsMethod } from "./ics";
import { eventUrl } from "./waitlist";

type EventRow = typeof events.$inferSelect;

export function uidDomainOf(appUrl: string) {
  return new URL(appUrl).host;
}

function eventGated(event: EventRow): Gated {
  return event.visibility === "tiers"
    ? { visibility: "tiers", visibilityTierIds: event.visibilityTierIds }
    : { visibility: event.visibility };
}

/** The team and people holding a live ticket to this event see its join link; nobody else. */
export function mayJoin(viewer: Viewer, eventId: string, now: Date) {
  return decideAccess({ visibility: "ticket_holders", eventId }, viewer, now).allowed;
}

export async function eventIcsFor(opts: {
  event: EventRow;
  method: IcsMethod;
  appUrl: string;
  revealJoinUrl: boolean;
  organizer?: { name: string; email: string };
  attendee?: { name: string; email: string };
}) {
  return renderEventIcs({
    event: opts.event,
    method: opts.method,
    url: eventUrl(opts.appUrl, opts.event.workspaceId, opts.event.id),
    joinUrl: opts.revealJoinUrl ? opts.event.joinUrl : null,
    organizer: opts.organizer,
    attendee: opts.attendee,
    uidDomain: uidDomainOf(opts.appUrl),
  });
}

/**
 * `/c/:workspaceId/events/:eventId.ics`: the event as the gate lets this viewer see it (one wave: the event and the
 * viewer's grants together). A draft, another workspace's event, or one the viewer may not see is null (404, so
 * nothing tells members-only events apart from missing ones); the join link only for ticket holders and the team.
 */
export async function publicEventIcs(opts: {
  db: DbOrTx;
  workspaceId: string;
  eventId: string;
  auth: { user: { id: string } } | null;
  appUrl: string;
  now: Date;
}): Promise<string | null> {
  const [rows, viewerRows] = await readBatch(opts.db, [
    opts.db
      .select()
      .from(events)
      .where(and(eq(events.id, opts.eventId), eq(events.workspaceId, opts.workspaceId), ne(events.status, "draft")))
      .limit(1),
    viewerQuery({ db: opts.db, workspaceId: opts.workspaceId, userId: opts.auth?.user.id ?? null }),
  ]);
  const event = rows[0];
  if (!event) return null;
  const viewer = toViewer({ rows: viewerRows, auth: opts.auth });
  if (!decideAccess(eventGated(event), viewer, opts.now).allowed) return null;
  return eventIcsFor({
    event,
    method: "PUBLISH",
    appUrl: opts.appUrl,
    revealJoinUrl: mayJoin(viewer, event.id, opts.now),
  });
}

/**
 * `/c/:workspaceId/tickets/:ticketId.ics`: only the ticket's holder, only while it admits; with the join link.
 */
export async function ticketIcs(opts: {
  db: DbOrTx;
  workspaceId: string;
  ticketId: string;
  userId: string;
  appUrl: string;
}): Promise<string | null> {
  const [row] = await opts.db
    .select({ event: events })
    .from(tickets)
    .innerJoin(events, eq(events.id, tickets.eventId))
    .where(
      and(
        eq(tickets.id, opts.ticketId),
        eq(tickets.workspaceId, opts.workspaceId),
        eq(tickets.holderUserId, opts.userId),
        eq(tickets.status, "valid"),
        ne(events.status, "draft"),
      ),
    )
    .limit(1);
  if (!row) return null;
  return eventIcsFor({ event: row.event, method: "PUBLISH", appUrl: opts.appUrl, revealJoinUrl: true });
}
