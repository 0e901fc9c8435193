import { createPost } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPostContentInput, ZPostDetail } from "./schemas";

export const ZCreatePostInput = ZPostContentInput;
export const ZCreatePostOutput = ZPostDetail;

/** A new draft, or a scheduled post when `schedule` is true. */
export const createPostProcedure = workspaceProcedure("content.write")
  .input(ZCreatePostInput)
  .output(ZCreatePostOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, schedule, ...content } }) =>
    createPost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      content,
      schedule,
    }),
  );
