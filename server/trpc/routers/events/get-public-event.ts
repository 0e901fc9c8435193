import * as z from "zod";
import { EVENT_KINDS, EVENT_STATUSES, VISIBILITIES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { getPublicEvent } from "../../../services/events/public";
import { publicProcedure } from "../../init";
import { ZEventId } from "./schemas";

export const ZGetPublicEventInput = z.object({ workspaceId: rowId("Unknown creator."), eventId: ZEventId });
export const ZGetPublicEventOutput = z.object({
  workspace: z.object({ id: z.uuid(), name: z.string(), homeUrl: z.string() }),
  event: z.object({
    id: z.uuid(),
    title: z.string(),
    /** Empty unless the gate lets this viewer see the event. */
    description: z.string(),
    kind: z.enum(EVENT_KINDS),
    status: z.enum(EVENT_STATUSES),
    startsAt: z.date(),
    endsAt: z.date(),
    timeZone: z.string(),
    venue: z.string(),
    visibility: z.enum(VISIBILITIES),
    coverUrl: z.string().nullable(),
    salesStartAt: z.date().nullable(),
    pageUrl: z.string(),
    /** Only for the team and holders of a valid ticket. */
    joinUrl: z.string().nullable(),
  }),
  ticketTypes: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      description: z.string(),
      priceCents: z.number().int(),
      yourPriceCents: z.number().int(),
      currency: z.string(),
      maxPerOrder: z.number().int(),
      remaining: z.number().int().nullable(),
      sales: z.enum(["open", "not_started", "ended", "sold_out"]),
      /** Sold out, and someone other than the viewer holds a seat that could come free. */
      waitlist: z.boolean(),
      onWaitlist: z.boolean(),
    }),
  ),
  yourTicketIds: z.array(z.uuid()),
  signedIn: z.boolean(),
  access: z.discriminatedUnion("allowed", [
    z.object({ allowed: z.literal(true), reason: z.enum(["public", "team", "granted"]) }),
    z.object({
      allowed: z.literal(false),
      reason: z.enum(["sign_in", "join", "upgrade", "blocked"]),
      joinUrl: z.string(),
      signInUrl: z.string(),
    }),
  ]),
});

/** A published event as the caller may see it (ADR 022, 030): viewer, event, types and own tickets in one wave. */
export const getPublicEventProcedure = publicProcedure
  .input(ZGetPublicEventInput)
  .output(ZGetPublicEventOutput)
  .query(({ ctx, input }) =>
    getPublicEvent({
      db: ctx.db,
      workspaceId: input.workspaceId,
      eventId: input.eventId,
      auth: ctx.auth,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
    }),
  );
