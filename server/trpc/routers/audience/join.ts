import * as z from "zod";
import { joinSignedIn } from "../../../services/audience/join";
import { rowId } from "../../../lib/text";
import { authedProcedure, ZWorkspaceInput } from "../../init";

export const ZJoinInput = ZWorkspaceInput.extend({ tierId: rowId("Unknown tier.").nullish() });
export const ZJoinOutput = z.object({ supporterId: z.uuid(), created: z.boolean() });

/** A signed-in person joins a creator's audience for free (their one account, a new relationship). */
export const joinProcedure = authedProcedure
  .input(ZJoinInput)
  .output(ZJoinOutput)
  .mutation(({ ctx, input }) =>
    joinSignedIn({
      db: ctx.db,
      workspaceId: input.workspaceId,
      userId: ctx.auth.user.id,
      tierId: input.tierId ?? null,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
