import * as z from "zod";
import { createPost } from "../../../services/posts/posts";
import {
  parseBodyJson,
  ZPostBodyHtml,
  ZPostBodyJson,
  ZPostExcerpt,
  ZPostTitle,
  ZVisibility,
  ZVisibilityEventId,
  ZVisibilityTierIds,
} from "../../../services/posts/validation";
import { workspaceProcedure } from "../../init";
import { ZPost } from "./schemas";

export const ZCreatePostInput = z.object({
  title: ZPostTitle,
  bodyHtml: ZPostBodyHtml.default(""),
  bodyJson: ZPostBodyJson.default(""),
  excerpt: ZPostExcerpt.default(""),
  visibility: ZVisibility.default("public"),
  visibilityTierIds: ZVisibilityTierIds.default([]),
  visibilityEventId: ZVisibilityEventId.default(null),
});
export const ZCreatePostOutput = ZPost;

/** A new post is a draft; `updatePost` publishes or schedules it. */
export const createPostProcedure = workspaceProcedure("content.write")
  .input(ZCreatePostInput)
  .output(ZCreatePostOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, bodyJson, ...fields } }) =>
    createPost({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      fields: { ...fields, bodyJson: parseBodyJson(bodyJson) ?? null },
    }),
  );
