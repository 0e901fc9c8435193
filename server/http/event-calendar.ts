import { Hono } from "hono";
import type { Env } from "../env";
import { isRowId } from "../lib/text";
import { publicEventIcs, ticketIcs } from "../services/events/calendar";
import type { TrpcContext } from "../trpc/context";

type CalendarEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

/**
 * `.ics` downloads (issue 13 item 1, ADR 032): `/c/:workspaceId/events/:eventId.ics` as the gate lets the visitor
 * see the event (join link for ticket holders only), `/c/:workspaceId/tickets/:ticketId.ics` for the ticket's holder.
 * Both differ per visitor, so `private, no-store`; anything not theirs to see is a plain 404.
 */
export const eventCalendarRoutes = new Hono<CalendarEnv>();

function calendarResponse(body: string | null, filename: string) {
  if (body === null)
    return new Response("Not found.", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" },
    });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/calendar; charset=utf-8; method=PUBLISH",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

const icsId = (file: string) => (file.endsWith(".ics") ? file.slice(0, -".ics".length) : null);

eventCalendarRoutes.get("/c/:workspaceId/events/:file{[0-9a-fA-F-]+\\.ics}", async (c) => {
  const ctx = c.var.trpc;
  const workspaceId = c.req.param("workspaceId");
  const eventId = icsId(c.req.param("file"));
  if (!isRowId(workspaceId) || !isRowId(eventId)) return calendarResponse(null, "");
  const body = await publicEventIcs({
    db: ctx.db,
    workspaceId,
    eventId,
    auth: ctx.auth,
    appUrl: ctx.config.appUrl,
    now: ctx.clock(),
  });
  return calendarResponse(body, "event.ics");
});

eventCalendarRoutes.get("/c/:workspaceId/tickets/:file{[0-9a-fA-F-]+\\.ics}", async (c) => {
  const ctx = c.var.trpc;
  const workspaceId = c.req.param("workspaceId");
  const ticketId = icsId(c.req.param("file"));
  if (!ctx.auth || !isRowId(workspaceId) || !isRowId(ticketId)) return calendarResponse(null, "");
  const body = await ticketIcs({
    db: ctx.db,
    workspaceId,
    ticketId,
    userId: ctx.auth.user.id,
    appUrl: ctx.config.appUrl,
  });
  return calendarResponse(body, "ticket.ics");
});
