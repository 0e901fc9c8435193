import * as z from "zod";
import { signInWithLink } from "../../../services/audience/join";
import { ZLinkToken } from "../../../services/auth/validation";
import { rowId } from "../../../lib/text";
import { publicProcedure, ZWorkspaceInput } from "../../init";
import { startSession } from "../../session";

export const ZSignInWithLinkInput = ZWorkspaceInput.extend({
  token: ZLinkToken,
  tierId: rowId("Unknown tier.").nullish(),
});
export const ZSignInWithLinkOutput = z.object({ userId: z.uuid() });

export const signInWithLinkProcedure = publicProcedure
  .input(ZSignInWithLinkInput)
  .output(ZSignInWithLinkOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await signInWithLink({
      db: ctx.db,
      workspaceId: input.workspaceId,
      token: input.token,
      tierId: input.tierId ?? null,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    startSession(ctx, result.sessionToken);
    return { userId: result.userId };
  });
