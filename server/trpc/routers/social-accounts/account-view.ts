import * as z from "zod";
import { SOCIAL_ACCOUNT_STATUSES, SOCIAL_PROVIDERS } from "../../../../db/schema";

/** An account as members see it: the service never returns token fields, and this schema would drop them. */
export const ZSocialAccount = z.object({
  id: z.uuid(),
  provider: z.enum(SOCIAL_PROVIDERS),
  externalId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  profilePictureUrl: z.string().nullable(),
  followersCount: z.number().int().nullable(),
  followsCount: z.number().int().nullable(),
  mediaCount: z.number().int().nullable(),
  status: z.enum(SOCIAL_ACCOUNT_STATUSES),
  statusReason: z.string().nullable(),
  tokenExpiresAt: z.date().nullable(),
  lastRefreshError: z.string().nullable(),
  lastSyncedAt: z.date().nullable(),
  lastSyncError: z.string().nullable(),
  publishQuotaUsage: z.number().int().nullable(),
  publishQuotaTotal: z.number().int().nullable(),
  connectedAt: z.date(),
  disconnectedAt: z.date().nullable(),
});
