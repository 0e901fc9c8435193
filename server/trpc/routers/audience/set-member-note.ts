import * as z from "zod";
import { setMemberNote } from "../../../services/audience/members";
import { text } from "../../../lib/text";
import { workspaceProcedure } from "../../init";
import { ZOk } from "../../schemas";
import { ZSupporterId } from "./schemas";

export const ZSetMemberNoteInput = z.object({ supporterId: ZSupporterId, note: text("note", { max: 2000 }) });

export const setMemberNoteProcedure = workspaceProcedure("audience.manage")
  .input(ZSetMemberNoteInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await setMemberNote({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      supporterId: input.supporterId,
      note: input.note,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    });
    return { ok: true as const };
  });
