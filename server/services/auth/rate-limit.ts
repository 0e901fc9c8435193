import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { rateLimits } from "../../../db/schema";

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
