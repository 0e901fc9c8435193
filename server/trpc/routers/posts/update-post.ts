import * as z from "zod";
import { rowId } from "../../../lib/text";
import { NEWSLETTER_PREPARE_JOB } from "../../../services/posts/newsletter";
import { updatePost } from "../../../services/posts/posts";
import { purgePost } from "../../../lib/edge-cache";
import {
  parseBodyJson,
  ZPostBodyHtml,
  ZPostBodyJson,
  ZPostExcerpt,
  ZPostStatus,
  ZPostTitle,
  ZVisibility,
  ZVisibilityEventId,
  ZVisibilityTierIds,
} from "../../../services/posts/validation";
import { enqueueJob } from "../../../services/platform/jobs";
import { workspaceProcedure } from "../../init";
import { ZPost } from "./schemas";

/** Only the fields given change. `status` moves the post; `sendNewsletter` mails it when it is (or goes) live. */
export const ZUpdatePostInput = z.object({
  postId: rowId("Unknown post."),
  title: ZPostTitle.optional(),
  bodyHtml: ZPostBodyHtml.optional(),
  bodyJson: ZPostBodyJson.optional(),
  excerpt: ZPostExcerpt.optional(),
  visibility: ZVisibility.optional(),
  visibilityTierIds: ZVisibilityTierIds.optional(),
  visibilityEventId: ZVisibilityEventId.optional(),
  status: ZPostStatus.optional(),
  publishAt: z.date({ error: "Enter a date and time." }).nullable().optional(),
  sendNewsletter: z.boolean().optional(),
});
export const ZUpdatePostOutput = ZPost;

export const updatePostProcedure = workspaceProcedure("content.write")
  .input(ZUpdatePostInput)
  .output(ZUpdatePostOutput)
  .mutation(async ({ ctx, input: { workspaceId: _workspaceId, postId, bodyJson, ...changes } }) => {
    const { post, startsNewsletter } = await updatePost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      postId,
      changes: { ...changes, bodyJson: parseBodyJson(bodyJson) },
    });
    // After the commit: a lost enqueue is queued again by the publish cron's sweep (ADR 026).
    if (startsNewsletter) await enqueueJob(ctx.env.EMAIL_QUEUE, NEWSLETTER_PREPARE_JOB, { postId: post.id });
    // The public page changes with this write; drop this colo's cached copy (ADR 017).
    await purgePost({ appUrl: ctx.config.appUrl, workspaceId: ctx.access.workspaceId, postId: post.id });
    return post;
  });
