import { and, isNotNull, lt, or } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { rateLimits, sessions, userTokens } from "../../../db/schema";
import { SESSION_INACTIVITY_SECONDS, SESSION_MAX_AGE_SECONDS } from "./sessions";

const ago = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);

/** Deletes sessions past either expiry, tokens used or expired over a day ago, and stale rate-limit windows. */
export async function deleteExpiredAuthRecords(opts: { db: DbOrTx; now: Date }) {
  const deadSessions = await opts.db
    .delete(sessions)
    .where(
      or(
        lt(sessions.lastSeenAt, ago(opts.now, SESSION_INACTIVITY_SECONDS)),
        lt(sessions.createdAt, ago(opts.now, SESSION_MAX_AGE_SECONDS)),
      ),
    )
    .returning({ id: sessions.id });
  const deadTokens = await opts.db
    .delete(userTokens)
    .where(
      or(
        lt(userTokens.expiresAt, ago(opts.now, 86400)),
        and(isNotNull(userTokens.usedAt), lt(userTokens.usedAt, ago(opts.now, 86400))),
      ),
    )
    .returning({ id: userTokens.id });
  const staleLimits = await opts.db
    .delete(rateLimits)
    .where(lt(rateLimits.windowStart, ago(opts.now, 86400)))
    .returning({ key: rateLimits.key });
  return { sessions: deadSessions.length, tokens: deadTokens.length, rateLimits: staleLimits.length };
}
