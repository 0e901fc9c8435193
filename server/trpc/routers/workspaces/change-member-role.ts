import * as z from "zod";
import { rowId } from "../../../lib/text";
import { changeMemberRole } from "../../../services/workspaces/members";
import { workspaceProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZChangeMemberRoleInput = z.object({ userId: rowId("Unknown member."), role: ZRole });
export const ZChangeMemberRoleOutput = z.object({ userId: rowId("Unknown member."), role: ZRole });

export const changeMemberRoleProcedure = workspaceProcedure("members.manage")
  .input(ZChangeMemberRoleInput)
  .output(ZChangeMemberRoleOutput)
  .mutation(({ ctx, input }) =>
    changeMemberRole({
      db: ctx.db,
      access: ctx.access,
      actorUserId: ctx.auth.user.id,
      targetUserId: input.userId,
      role: input.role,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
