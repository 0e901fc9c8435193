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
  // Own messages: the generic "Use a times of at most 10" reads badly for these names.
  times: z
    .number({ error: "Enter how many calls fail as a whole number." })
    .int("Enter how many calls fail as a whole number.")
    .min(1, "Make at least 1 call fail.")
    .max(10, "Make at most 10 calls in a row fail.")
    .optional(),
  message: text("failure message", { max: 500 }).optional(),
  processingSeconds: z
    .number({ error: "Enter the processing time as a whole number of seconds." })
    .int("Enter the processing time as a whole number of seconds.")
    .min(0, "Use 0 seconds or more for the processing time.")
    .max(600, "Use at most 600 seconds (10 minutes) for the processing time.")
    .optional(),
  publishingLimit: z
    .number({ error: "Enter the posts allowed per 24 hours as a whole number." })
    .int("Enter the posts allowed per 24 hours as a whole number.")
    .min(0, "Allow 0 posts or more per 24 hours.")
    .max(100, "Allow at most 100 posts per 24 hours, as Instagram does.")
    .optional(),
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
