import { and, asc, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { socialAccounts } from "../../../db/schema";
import type { Env } from "../../env";
import { markAccountNeedsReconnect } from "./accounts";
import { refreshLongLivedToken } from "./instagram-client";
import { SocialProviderError } from "./provider";
import { currentKeyVersion, decryptToken, encryptToken } from "./token-crypto";

const HOUR_MS = 3_600_000;
/** Instagram refuses to refresh a long-lived token younger than this. */
const MIN_TOKEN_AGE_MS = 24 * HOUR_MS;
/** Tokens are refreshed once they are this close to expiring (they last 60 days). */
const REFRESH_WINDOW_MS = 7 * 24 * HOUR_MS;
/**
 * A claim holds an account for this long: an overlapping run skips it, and the next hourly run (60 minutes
 * later) may try again after a transient failure.
 */
const CLAIM_MS = 50 * 60_000;
const BATCH = 50;

export interface TokenRefreshResult {
  refreshed: number;
  /** Transient failures, recorded in last_refresh_error and retried next hour. */
  failed: number;
  needsReconnect: number;
  /** Emails of needs-reconnect notifications, to enqueue (the caller does, after this returns). */
  emailIds: string[];
  /** Failures that are not Instagram's (database, keys): recorded on the account; the caller must surface them. */
  unexpectedErrors: Error[];
}

type ClaimedAccount = Pick<
  typeof socialAccounts.$inferSelect,
  "id" | "workspaceId" | "accessTokenEncrypted" | "tokenExpiresAt"
>;

/**
 * Claims due accounts in one conditional UPDATE: active Instagram accounts whose token is at least 24 h old and
 * expires within 7 days (or has expired), not attempted in the last 50 minutes. Overlapping runs cannot claim
 * the same account twice: the row lock of the first UPDATE makes the second re-check its condition.
 */
async function claimDueAccounts(db: DbOrTx, now: Date, limit: number): Promise<ClaimedAccount[]> {
  const due = db
    .select({ id: socialAccounts.id })
    .from(socialAccounts)
    .where(
      and(
        eq(socialAccounts.provider, "instagram"),
        eq(socialAccounts.status, "active"),
        isNotNull(socialAccounts.accessTokenEncrypted),
        lte(socialAccounts.tokenIssuedAt, new Date(now.getTime() - MIN_TOKEN_AGE_MS)),
        lte(socialAccounts.tokenExpiresAt, new Date(now.getTime() + REFRESH_WINDOW_MS)),
        or(
          isNull(socialAccounts.lastRefreshAttemptAt),
          lte(socialAccounts.lastRefreshAttemptAt, new Date(now.getTime() - CLAIM_MS)),
        ),
      ),
    )
    .orderBy(asc(socialAccounts.tokenExpiresAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(socialAccounts)
    .set({ lastRefreshAttemptAt: now })
    .where(
      and(
        inArray(socialAccounts.id, due),
        eq(socialAccounts.status, "active"),
        or(
          isNull(socialAccounts.lastRefreshAttemptAt),
          lte(socialAccounts.lastRefreshAttemptAt, new Date(now.getTime() - CLAIM_MS)),
        ),
      ),
    )
    .returning({
      id: socialAccounts.id,
      workspaceId: socialAccounts.workspaceId,
      accessTokenEncrypted: socialAccounts.accessTokenEncrypted,
      tokenExpiresAt: socialAccounts.tokenExpiresAt,
    });
}

async function recordRefreshError(db: DbOrTx, account: ClaimedAccount, message: string, now: Date) {
  await db
    .update(socialAccounts)
    .set({ lastRefreshError: message, updatedAt: now })
    .where(eq(socialAccounts.id, account.id));
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Refreshes every due Instagram token (see claimDueAccounts). A new token is encrypted with the current key, so
 * refreshing is also how tokens move to a rotated key. Transient failures are recorded and retried next hour;
 * a refused or expired token marks the account needs-reconnect (notifying owners and admins once). A failure
 * that is not Instagram's (a database or key error) is recorded on the account and returned in unexpectedErrors.
 */
export async function refreshDueTokens(opts: {
  db: DbOrTx;
  env: Env;
  now: Date;
  appUrl: string;
  fetch?: typeof fetch;
  limit?: number;
}): Promise<TokenRefreshResult> {
  const { db, now } = opts;
  const result: TokenRefreshResult = { refreshed: 0, failed: 0, needsReconnect: 0, emailIds: [], unexpectedErrors: [] };
  const claimed = await claimDueAccounts(db, now, opts.limit ?? BATCH);

  const needsReconnect = async (account: ClaimedAccount, reason: string) => {
    await recordRefreshError(db, account, reason, now);
    const marked = await markAccountNeedsReconnect({
      db,
      workspaceId: account.workspaceId,
      accountId: account.id,
      reason,
      now,
      appUrl: opts.appUrl,
    });
    result.needsReconnect++;
    result.emailIds.push(...marked.emailIds);
  };

  for (const account of claimed) {
    if (!account.accessTokenEncrypted) continue;
    if (account.tokenExpiresAt && account.tokenExpiresAt <= now) {
      await needsReconnect(
        account,
        `The Instagram access token expired on ${account.tokenExpiresAt.toISOString()} before it could be renewed.`,
      );
      continue;
    }
    try {
      const current = await decryptToken(opts.env.SOCIAL_TOKEN_KEYS, account.accessTokenEncrypted);
      const renewed = await refreshLongLivedToken({ env: opts.env, accessToken: current, fetch: opts.fetch });
      const encrypted = await encryptToken(opts.env.SOCIAL_TOKEN_KEYS, renewed.accessToken);
      // Only over the token this run read: a reconnect meanwhile stored a newer one that must not be replaced.
      await db
        .update(socialAccounts)
        .set({
          accessTokenEncrypted: encrypted,
          tokenIssuedAt: now,
          tokenExpiresAt: new Date(now.getTime() + renewed.expiresInSeconds * 1000),
          lastRefreshError: null,
          updatedAt: now,
        })
        .where(
          and(eq(socialAccounts.id, account.id), eq(socialAccounts.accessTokenEncrypted, account.accessTokenEncrypted)),
        );
      result.refreshed++;
    } catch (error) {
      if (error instanceof SocialProviderError && (error.kind === "auth" || error.kind === "permanent")) {
        await needsReconnect(account, `Instagram refused to renew access: ${error.message}`);
      } else if (error instanceof SocialProviderError) {
        await recordRefreshError(
          db,
          account,
          `Renewing access failed (${error.kind}), retrying next hour: ${error.message}`,
          now,
        );
        result.failed++;
      } else {
        await recordRefreshError(db, account, `Renewing access failed: ${describeError(error)}`, now);
        result.failed++;
        result.unexpectedErrors.push(error instanceof Error ? error : new Error(describeError(error)));
      }
    }
  }
  return result;
}

/**
 * Key rotation: re-seals tokens still encrypted with an older key, so after one run the old key can leave
 * SOCIAL_TOKEN_KEYS instead of lingering until each token's refresh (up to ~53 days). Each update replaces only
 * the value it read, so a refresh or reconnect racing it wins. Returns how many were re-sealed and the errors
 * (a token whose key is already gone) for the caller to surface after the others are done.
 */
export async function reencryptWithCurrentKey(opts: {
  db: DbOrTx;
  keys: string;
  now: Date;
  limit?: number;
}): Promise<{ reencrypted: number; errors: Error[] }> {
  const version = await currentKeyVersion(opts.keys);
  const stale = await opts.db
    .select({ id: socialAccounts.id, sealed: socialAccounts.accessTokenEncrypted })
    .from(socialAccounts)
    .where(
      and(
        isNotNull(socialAccounts.accessTokenEncrypted),
        ne(sql`split_part(${socialAccounts.accessTokenEncrypted}, '.', 1)`, version),
      ),
    )
    .limit(opts.limit ?? BATCH * 4);
  let reencrypted = 0;
  const errors: Error[] = [];
  for (const row of stale) {
    try {
      const resealed = await encryptToken(opts.keys, await decryptToken(opts.keys, row.sealed!));
      const updated = await opts.db
        .update(socialAccounts)
        .set({ accessTokenEncrypted: resealed, updatedAt: opts.now })
        .where(and(eq(socialAccounts.id, row.id), eq(socialAccounts.accessTokenEncrypted, row.sealed!)))
        .returning({ id: socialAccounts.id });
      reencrypted += updated.length;
    } catch (error) {
      errors.push(new Error(`Account ${row.id}: ${describeError(error)}`, { cause: error }));
    }
  }
  return { reencrypted, errors };
}
