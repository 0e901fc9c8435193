import * as z from "zod";
import { getOffer } from "../../../services/events/offers";
import { authedProcedure } from "../../init";
import { ZOfferToken } from "./schemas";

export const ZGetOfferInput = ZOfferToken;
export const ZGetOfferOutput = z.object({
  state: z.enum(["open", "expired", "declined", "accepted"]),
  eventId: z.uuid(),
  eventTitle: z.string(),
  startsAt: z.date(),
  ticketTypeName: z.string(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  expiresAt: z.date().nullable(),
});

/** The waitlist offer behind the email's link, for the person it was made to (ADR 032). */
export const getOfferProcedure = authedProcedure
  .input(ZGetOfferInput)
  .output(ZGetOfferOutput)
  .query(({ ctx, input }) =>
    getOffer({
      db: ctx.db,
      workspaceId: input.workspaceId,
      token: input.token,
      userId: ctx.auth.user.id,
      now: ctx.clock(),
    }),
  );
