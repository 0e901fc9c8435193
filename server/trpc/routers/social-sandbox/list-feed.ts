import * as z from "zod";
import { cursor, rowId, text } from "../../../lib/text";
import { SOCIAL_ACCOUNT_STATUSES } from "../../../../db/schema";
import { SANDBOX_FAILURES } from "../../../services/social/sandbox";
import { listSandboxAccountsAndFeed } from "../../../services/social/sandbox-feed";
import { workspaceProcedure } from "../../init";

export const ZListFeedInput = z.object({
  accountId: rowId("Unknown account.").optional(),
  cursor: cursor(100).optional(),
  limit: z.number().int().min(1).max(50).default(12),
});

export const ZSandboxBehaviour = z.object({
  failNext: z.enum(SANDBOX_FAILURES).optional(),
  times: z.number().int().min(1).max(10).optional(),
  message: text("failure message", { max: 500 }).optional(),
  processingSeconds: z.number().int().min(0).max(600).optional(),
  publishingLimit: z.number().int().min(0).max(100).optional(),
});

export const ZListFeedOutput = z.object({
  accounts: z.array(
    z.object({
      id: z.uuid(),
      username: z.string(),
      status: z.enum(SOCIAL_ACCOUNT_STATUSES),
      behaviour: ZSandboxBehaviour,
    }),
  ),
  items: z.array(
    z.object({
      id: z.string(),
      accountId: z.uuid(),
      username: z.string(),
      mediaType: z.string(),
      caption: z.string().nullable(),
      publishedAt: z.date(),
      likeCount: z.number().int(),
      commentsCount: z.number().int(),
      media: z.array(z.object({ id: z.uuid(), kind: z.enum(["image", "video", "audio"]) })),
      postId: z.uuid().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const listFeedProcedure = workspaceProcedure("content.read")
  .input(ZListFeedInput)
  .output(ZListFeedOutput)
  .query(({ ctx, input }) =>
    listSandboxAccountsAndFeed({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      cursor: input.cursor,
      limit: input.limit,
    }),
  );
