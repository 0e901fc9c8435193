import * as z from "zod";
import { declineOffer } from "../../../services/events/offers";
import { authedProcedure } from "../../init";
import { ZOfferToken } from "./schemas";

export const ZDeclineOfferInput = ZOfferToken;
export const ZDeclineOfferOutput = z.object({ declined: z.literal(true) });

/** Declines a waitlist offer: its seat goes to the next person in the same transaction. */
export const declineOfferProcedure = authedProcedure
  .input(ZDeclineOfferInput)
  .output(ZDeclineOfferOutput)
  .mutation(async ({ ctx, input }) => {
    await declineOffer({
      db: ctx.db,
      workspaceId: input.workspaceId,
      token: input.token,
      userId: ctx.auth.user.id,
      appUrl: ctx.config.appUrl,
      now: ctx.clock(),
    });
    return { declined: true as const };
  });
