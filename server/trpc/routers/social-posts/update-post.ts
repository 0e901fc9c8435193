import { updatePost } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPostContentInput, ZPostDetail, ZPostId } from "./schemas";

export const ZUpdatePostInput = ZPostContentInput.extend({ postId: ZPostId });
export const ZUpdatePostOutput = ZPostDetail;

/** Replaces a draft, scheduled or failed post's content; CONFLICT once the pipeline has it. */
export const updatePostProcedure = workspaceProcedure("content.write")
  .input(ZUpdatePostInput)
  .output(ZUpdatePostOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, postId, schedule, ...content } }) =>
    updatePost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      postId,
      content,
      schedule,
    }),
  );
