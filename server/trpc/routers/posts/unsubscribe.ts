import * as z from "zod";
import { describeUnsubscribe, unsubscribeFromNewsletters } from "../../../services/posts/unsubscribe";
import { token } from "../../../lib/text";
import { publicProcedure } from "../../init";

const ZUnsubscribeToken = token("unsubscribe link", {
  min: 20,
  max: 200,
  invalid: "This unsubscribe link is not valid. Use the link in a more recent newsletter.",
});

export const ZUnsubscribeInput = z.object({ token: ZUnsubscribeToken });
export const ZUnsubscribeOutput = z.object({ workspaceName: z.string(), subscribed: z.boolean() });

/**
 * The unsubscribe link's page (before the click) and the click itself, by the HMAC-derived token only: no
 * session needed, nothing guessable (a forged token fails its HMAC check), and the token is never logged.
 */
export const describeUnsubscribeProcedure = publicProcedure
  .input(ZUnsubscribeInput)
  .output(ZUnsubscribeOutput)
  .query(({ ctx, input }) =>
    describeUnsubscribe({ db: ctx.db, secret: ctx.env.UPLOAD_SIGNING_SECRET, token: input.token }),
  );

export const unsubscribeProcedure = publicProcedure
  .input(ZUnsubscribeInput)
  .output(ZUnsubscribeOutput)
  .mutation(({ ctx, input }) =>
    unsubscribeFromNewsletters({
      db: ctx.db,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
      token: input.token,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
