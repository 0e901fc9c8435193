import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { rateLimits } from "../../../db/schema";
import { AppError } from "../../lib/errors";

export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/**
 * Counts one hit against `key` in a fixed window, atomically in one statement so concurrent isolates agree.
 * Returns whether the hit is within the limit and, if not, when the window reopens.
 */
export async function hitRateLimit(opts: { db: DbOrTx; key: string; rule: RateLimitRule; now: Date }) {
  const windowStartCutoff = new Date(opts.now.getTime() - opts.rule.windowSeconds * 1000);
  const [row] = await opts.db
    .insert(rateLimits)
    .values({ key: opts.key, windowStart: opts.now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} <= ${windowStartCutoff} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} <= ${windowStartCutoff} then ${opts.now} else ${rateLimits.windowStart} end`,
      },
    })
    .returning();
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((row.windowStart.getTime() + opts.rule.windowSeconds * 1000 - opts.now.getTime()) / 1000),
  );
  return { allowed: row.count <= opts.rule.limit, retryAfterSeconds };
}

export async function clearRateLimit(opts: { db: DbOrTx; key: string }) {
  await opts.db.delete(rateLimits).where(eq(rateLimits.key, opts.key));
}

/**
 * Counts one hit against each key, before any costly or secret-revealing work, and throws
 * TOO_MANY_REQUESTS (tRPC sets Retry-After from it) at the first exhausted one. `message` gets the wait in minutes.
 */
export async function enforceRateLimits(opts: {
  db: DbOrTx;
  now: Date;
  limits: ReadonlyArray<readonly [key: string, rule: RateLimitRule]>;
  message: (wait: string) => string;
}) {
  // Every counter is hit in the same round trip; the first one over its limit answers.
  const hits = await Promise.all(
    opts.limits.map(([key, rule]) => hitRateLimit({ db: opts.db, key, rule, now: opts.now })),
  );
  const refused = hits.find((hit) => !hit.allowed);
  if (refused) {
    const minutes = Math.ceil(refused.retryAfterSeconds / 60);
    throw new AppError("TOO_MANY_REQUESTS", opts.message(`${minutes} minute${minutes === 1 ? "" : "s"}`), {
      retryAfterSeconds: refused.retryAfterSeconds,
    });
  }
}

/** Cloudflare always sends the client's address; callers without one share a single bucket rather than none. */
export const ipKey = (scope: string, ip: string | null) => `${scope}:ip:${ip ?? "unknown"}`;

const QUARTER_HOUR = 15 * 60;
const HOUR = 3600;

/** Per-IP limits of the anonymous and credential-checking procedures that had none (login and sign-up do). */
export const AUTH_LIMITS = {
  resetRequestPerIp: { limit: 10, windowSeconds: HOUR },
  resetPerIp: { limit: 20, windowSeconds: QUARTER_HOUR },
  verifyEmailPerIp: { limit: 30, windowSeconds: QUARTER_HOUR },
  resendVerificationPerIp: { limit: 20, windowSeconds: HOUR },
  changePasswordPerAccount: { limit: 8, windowSeconds: QUARTER_HOUR },
  changePasswordPerIp: { limit: 40, windowSeconds: QUARTER_HOUR },
  /** Every email change request mails a link, so fewer than password attempts. */
  changeEmailPerAccount: { limit: 5, windowSeconds: HOUR },
  changeEmailPerIp: { limit: 20, windowSeconds: HOUR },
  invitationPreviewPerIp: { limit: 60, windowSeconds: QUARTER_HOUR },
  invitationAcceptPerIp: { limit: 20, windowSeconds: QUARTER_HOUR },
  invitationAcceptPerAccount: { limit: 10, windowSeconds: QUARTER_HOUR },
} satisfies Record<string, RateLimitRule>;
