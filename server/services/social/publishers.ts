import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { socialApiUsage, type socialAccounts } from "../../../db/schema";
import type { Env } from "../../env";
import type { Clock } from "../../lib/clock";
import { createInstagramPublisher } from "./instagram-client";
import { SocialProviderError, type ApiUsageReading, type SocialPublisher } from "./provider";
import { createSandboxPublisher } from "./sandbox";
import { decryptToken } from "./token-crypto";

type SocialAccount = typeof socialAccounts.$inferSelect;

export const hourStartOf = (date: Date) => new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);

/**
 * The client for an account's network, whichever it is, counting its API calls and the highest usage Meta
 * reported in social_api_usage (one upsert per call, after the call returns). `now` may be a clock so a long
 * run's polls see time pass.
 */
export async function publisherForAccount(opts: {
  db: DbOrTx;
  env: Env;
  account: SocialAccount;
  now: Date | Clock;
}): Promise<SocialPublisher> {
  const clock: Clock = typeof opts.now === "function" ? opts.now : () => opts.now as Date;
  const usage = usageRecorder(opts.db, opts.account.id, clock);
  if (opts.account.provider === "sandbox") {
    return withUsageRecording(createSandboxPublisher({ db: opts.db, account: opts.account, now: clock }), usage);
  }
  if (!opts.account.accessTokenEncrypted) {
    throw new SocialProviderError("auth", `@${opts.account.username} has no access token; reconnect the account.`);
  }
  const accessToken = await decryptToken(opts.env.SOCIAL_TOKEN_KEYS, opts.account.accessTokenEncrypted);
  const publisher = createInstagramPublisher({
    env: opts.env,
    accessToken,
    igUserId: opts.account.externalId,
    observer: { onCall: usage.onCall, onUsage: usage.onUsage },
  });
  return withUsageRecording(publisher, usage);
}

type UsageRecorder = ReturnType<typeof usageRecorder>;

/** Collects calls and readings synchronously (the observer cannot await) and writes them in one upsert. */
function usageRecorder(db: DbOrTx, accountId: string, clock: Clock) {
  let calls = 0;
  let reading: ApiUsageReading | null = null;
  return {
    onCall() {
      calls++;
    },
    onUsage(next: ApiUsageReading) {
      if (!reading || next.maxUsagePercent >= reading.maxUsagePercent) {
        reading = {
          maxUsagePercent: Math.max(next.maxUsagePercent, reading?.maxUsagePercent ?? 0),
          regainAccessMinutes: next.regainAccessMinutes ?? reading?.regainAccessMinutes,
        };
      }
    },
    /** Sandbox clients report no calls themselves; every method call is one. */
    countCallIfUnreported(before: number) {
      if (calls === before) calls++;
    },
    pendingCalls: () => calls,
    async flush() {
      if (calls === 0 && !reading) return;
      const now = clock();
      const percent = Math.round(reading?.maxUsagePercent ?? 0);
      const regainAt = reading?.regainAccessMinutes
        ? new Date(now.getTime() + reading.regainAccessMinutes * 60_000)
        : null;
      const pending = calls;
      calls = 0;
      reading = null;
      await db
        .insert(socialApiUsage)
        .values({
          accountId,
          hourStart: hourStartOf(now),
          calls: pending,
          maxUsagePercent: percent,
          regainAccessAt: regainAt,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [socialApiUsage.accountId, socialApiUsage.hourStart],
          set: {
            calls: sql`${socialApiUsage.calls} + excluded.calls`,
            maxUsagePercent: sql`greatest(${socialApiUsage.maxUsagePercent}, excluded.max_usage_percent)`,
            regainAccessAt: sql`greatest(${socialApiUsage.regainAccessAt}, excluded.regain_access_at)`,
            updatedAt: sql`excluded.updated_at`,
          },
        });
    },
  };
}

function withUsageRecording(publisher: SocialPublisher, usage: UsageRecorder): SocialPublisher {
  const wrapped = {} as Record<string, unknown>;
  for (const name of Object.keys(publisher) as (keyof SocialPublisher)[]) {
    const method = publisher[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      const before = usage.pendingCalls();
      try {
        return await method(...args);
      } finally {
        usage.countCallIfUnreported(before);
        // Usage is bookkeeping: failing to record it must not turn a publish that happened into an error.
        await usage.flush().catch((error: unknown) =>
          console.error(
            JSON.stringify({
              event: "social.usage_record_failed",
              error: error instanceof Error ? error.message : String(error),
            }),
          ),
        );
      }
    };
  }
  return wrapped as unknown as SocialPublisher;
}
