import * as z from "zod";
import { CONTENT_VISIBILITIES } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { getPublicPost } from "../../../services/posts/public";
import { publicProcedure } from "../../init";

export const ZGetPublicPostInput = z.object({
  workspaceId: rowId("Unknown creator."),
  postId: rowId("Unknown post."),
});
export const ZGetPublicPostOutput = z.object({
  workspace: z.object({ id: z.uuid(), name: z.string(), homeUrl: z.string() }),
  post: z.object({
    id: z.uuid(),
    title: z.string(),
    excerpt: z.string(),
    visibility: z.enum(CONTENT_VISIBILITIES),
    publishedAt: z.date().nullable(),
    pageUrl: z.string(),
    /** Null unless the gate let this viewer read the post. */
    bodyHtml: z.string().nullable(),
    /** Kept for one event's ticket holders (ADR 034). */
    event: z.object({ id: z.uuid(), title: z.string(), pageUrl: z.string() }).nullable(),
  }),
  access: z.discriminatedUnion("allowed", [
    z.object({ allowed: z.literal(true), reason: z.enum(["public", "team", "granted"]) }),
    z.object({
      allowed: z.literal(false),
      reason: z.enum(["sign_in", "join", "upgrade", "blocked"]),
      joinUrl: z.string(),
      signInUrl: z.string(),
      accountUrl: z.string(),
    }),
  ]),
});

/** A published post as the caller may see it: the body only when the gate allows (ADR 022, 026). */
export const getPublicPostProcedure = publicProcedure
  .input(ZGetPublicPostInput)
  .output(ZGetPublicPostOutput)
  .query(({ ctx, input }) =>
    getPublicPost({
      db: ctx.db,
      workspaceId: input.workspaceId,
      postId: input.postId,
      auth: ctx.auth,
      now: ctx.clock(),
      appUrl: ctx.config.appUrl,
    }),
  );
