import * as z from "zod";
import { acceptOffer } from "../../../services/events/offers";
import { paymentsProvider } from "../../../services/payments/payments";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { authedProcedure } from "../../init";
import { ZOfferToken } from "./schemas";

export const ZAcceptOfferInput = ZOfferToken;
export const ZAcceptOfferOutput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("issued"), orderId: z.uuid(), ticketIds: z.array(z.uuid()) }),
  z.object({ kind: z.literal("checkout"), orderId: z.uuid(), url: z.url() }),
]);

/** Accepts a waitlist offer: a free seat becomes a ticket now, a paid one opens checkout with the offer's hold. */
export const acceptOfferProcedure = authedProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZAcceptOfferInput)
  .output(ZAcceptOfferOutput)
  .mutation(({ ctx, input }) =>
    acceptOffer({
      db: ctx.db,
      provider: () => paymentsProvider({ env: ctx.env, appUrl: ctx.config.appUrl }),
      workspaceId: input.workspaceId,
      token: input.token,
      userId: ctx.auth.user.id,
      appUrl: ctx.config.appUrl,
      now: ctx.clock(),
      meta: ctx.meta,
    }),
  );
