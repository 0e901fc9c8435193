import * as z from "zod";
import { rowId } from "../../../lib/text";
import { removeMember } from "../../../services/workspaces/members";
import { workspaceProcedure } from "../../init";

export const ZRemoveMemberInput = z.object({ userId: rowId("Unknown member.") });
export const ZRemoveMemberOutput = z.object({ userId: rowId("Unknown member.") });

export const removeMemberProcedure = workspaceProcedure("members.manage")
  .input(ZRemoveMemberInput)
  .output(ZRemoveMemberOutput)
  .mutation(({ ctx, input }) =>
    removeMember({
      db: ctx.db,
      access: ctx.access,
      actorUserId: ctx.auth.user.id,
      targetUserId: input.userId,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
