import * as z from "zod";
import { rowId } from "../../../lib/text";
import { transferOwnership } from "../../../services/workspaces/members";
import { workspaceProcedure } from "../../init";

export const ZTransferOwnershipInput = z.object({ userId: rowId("Unknown member.") });
export const ZTransferOwnershipOutput = z.object({ ownerUserId: z.uuid() });

export const transferOwnershipProcedure = workspaceProcedure("ownership.transfer")
  .input(ZTransferOwnershipInput)
  .output(ZTransferOwnershipOutput)
  .mutation(({ ctx, input }) =>
    transferOwnership({
      db: ctx.db,
      access: ctx.access,
      actorUserId: ctx.auth.user.id,
      targetUserId: input.userId,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
