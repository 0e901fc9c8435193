import * as z from "zod";
import { rowId } from "../../../lib/text";
import { SOCIAL_ACCOUNT_STATUSES, SOCIAL_PROVIDERS } from "../../../../db/schema";
import { getAccountAnalytics, ZAccountAnalytics } from "../../../services/social/insights";
import { workspaceProcedure } from "../../init";

export const ZGetAccountAnalyticsInput = z.object({ accountId: rowId("Unknown account.").optional() });
export const ZGetAccountAnalyticsOutput = z.object({
  accounts: z.array(
    z.object({
      id: z.uuid(),
      provider: z.enum(SOCIAL_PROVIDERS),
      username: z.string(),
      status: z.enum(SOCIAL_ACCOUNT_STATUSES),
    }),
  ),
  account: z
    .object({
      id: z.uuid(),
      provider: z.enum(SOCIAL_PROVIDERS),
      username: z.string(),
      displayName: z.string().nullable(),
      profilePictureUrl: z.string().nullable(),
      status: z.enum(SOCIAL_ACCOUNT_STATUSES),
      statusReason: z.string().nullable(),
      followersCount: z.number().int().nullable(),
      followsCount: z.number().int().nullable(),
      mediaCount: z.number().int().nullable(),
      lastSyncedAt: z.date().nullable(),
      lastSyncError: z.string().nullable(),
      analyticsUpdatedAt: z.date().nullable(),
      nextSyncAllowedAt: z.date().nullable(),
    })
    .nullable(),
  analytics: ZAccountAnalytics.nullable(),
});

/** The accounts to pick from and the chosen one's cached analytics (computed by the last sync). */
export const getAccountAnalyticsProcedure = workspaceProcedure("content.read")
  .input(ZGetAccountAnalyticsInput)
  .output(ZGetAccountAnalyticsOutput)
  .query(({ ctx, input }) =>
    getAccountAnalytics({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      now: ctx.clock(),
    }),
  );
