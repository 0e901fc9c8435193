import { requestJoinLink } from "../../../services/audience/join";
import { ZEmail } from "../../../services/auth/validation";
import { rowId, text } from "../../../lib/text";
import { EXPENSIVE_CALL } from "../../batch-cost";
import { publicProcedure, ZWorkspaceInput } from "../../init";
import { ZOk } from "../../schemas";

export const ZRequestJoinLinkInput = ZWorkspaceInput.extend({
  tierId: rowId("Unknown tier.").nullish(),
  email: ZEmail,
  name: text("name", { max: 100 }).default(""),
});

/** Same answer whether or not the address has an account: "check your email". */
export const requestJoinLinkProcedure = publicProcedure
  .meta({ cost: EXPENSIVE_CALL })
  .input(ZRequestJoinLinkInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await requestJoinLink({
      db: ctx.db,
      appUrl: ctx.config.appUrl,
      workspaceId: input.workspaceId,
      tierId: input.tierId ?? null,
      email: input.email,
      name: input.name,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    return { ok: true as const };
  });
