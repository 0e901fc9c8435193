import * as z from "zod";
import { reschedulePost } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPostDetail, ZPostId, ZScheduledLocal, ZTimeZone } from "./schemas";

export const ZReschedulePostInput = z.object({
  postId: ZPostId,
  scheduledLocal: ZScheduledLocal,
  timezone: ZTimeZone,
});
export const ZReschedulePostOutput = ZPostDetail;

/** Schedules a draft, moves a scheduled post, or retries a failed one at a new local time in `timezone`. */
export const reschedulePostProcedure = workspaceProcedure("content.write")
  .input(ZReschedulePostInput)
  .output(ZReschedulePostOutput)
  .mutation(({ ctx, input }) =>
    reschedulePost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      postId: input.postId,
      scheduledLocal: input.scheduledLocal,
      timezone: input.timezone,
    }),
  );
