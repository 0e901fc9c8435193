import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listSyncedMedia, MEDIA_SORTS } from "../../../services/social/insights";
import { workspaceProcedure } from "../../init";

export const ZListMediaInput = z.object({
  /** Without one, the account `getAccountAnalytics` shows by default, so a page can ask for both at once. */
  accountId: rowId("Unknown account.").optional(),
  sort: z.enum(MEDIA_SORTS).default("recent"),
  limit: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).max(10_000).default(0),
});
export const ZListMediaOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      remoteId: z.string(),
      mediaType: z.string(),
      mediaProductType: z.string().nullable(),
      caption: z.string().nullable(),
      permalink: z.string().nullable(),
      thumbnailUrl: z.string().nullable(),
      postedAt: z.date(),
      likeCount: z.number().int().nullable(),
      commentsCount: z.number().int().nullable(),
      saved: z.number().int().nullable(),
      reach: z.number().int().nullable(),
      impressions: z.number().int().nullable(),
      engagementRate: z.number().nullable(),
      syncedAt: z.date(),
    }),
  ),
  total: z.number().int(),
  nextOffset: z.number().int().nullable(),
});

/** The account's synced posts with their insights, newest or most engaging first. */
export const listMediaProcedure = workspaceProcedure("content.read")
  .input(ZListMediaInput)
  .output(ZListMediaOutput)
  .query(({ ctx, input }) =>
    listSyncedMedia({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      sort: input.sort,
      limit: input.limit,
      offset: input.offset,
    }),
  );
