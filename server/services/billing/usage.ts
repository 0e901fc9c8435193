import { readBatch } from "../../../db/batch";
import { and, eq, inArray, lt, sql, sum } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import type { DbOrTx } from "../../../db/client";
import {
  invitations,
  mediaObjects,
  memberships,
  socialAccounts,
  transcriptionJobs,
  usageRecords,
  workspaces,
  type UsageMetric,
} from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { formatBytes } from "../media/rules";
import { pendingInvitation } from "../workspaces/workspaces";
import { billingAccountQuery, billingSummaryOf, getBillingSummary } from "./accounts";
import { PLAN_IDS, PLANS, type Plan, type PlanLimits } from "./plans";

/** First day (YYYY-MM-DD) of the UTC month `now` falls in: usage is summed per calendar month, so that is the reset. */
export function periodStartOf(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** First day of the UTC month before `periodStart`'s. */
export function previousPeriodStart(periodStart: string): string {
  const [year, month] = periodStart.split("-").map(Number);
  return periodStartOf(new Date(Date.UTC(year, month - 2, 1)));
}

/** The cheapest plan above `current` whose limit covers `needed`; null when even the largest plan does not. */
function upgradeFor(current: Plan, limit: keyof PlanLimits, needed: number): Plan | null {
  for (const id of PLAN_IDS) {
    const plan = PLANS[id];
    if (plan.limits[limit] > current.limits[limit] && plan.limits[limit] >= needed) return plan;
  }
  return null;
}

function upgradeSentence(
  current: Plan,
  limit: keyof PlanLimits,
  needed: number,
  describe: (value: number) => string,
): string {
  const plan = upgradeFor(current, limit, needed);
  return plan
    ? `Upgrade to ${plan.name} for ${describe(plan.limits[limit])} on the Billing page.`
    : "No plan includes more; contact support.";
}

/** "<remedy>, or upgrade to …"; past the largest plan, the remedy alone. */
function remedyOrUpgrade(
  remedy: string,
  current: Plan,
  limit: keyof PlanLimits,
  needed: number,
  describe: (value: number) => string,
): string {
  const plan = upgradeFor(current, limit, needed);
  return plan
    ? `${remedy}, or upgrade to ${plan.name} for ${describe(plan.limits[limit])} on the Billing page.`
    : `${remedy}. No plan includes more; contact support.`;
}

function quotaError(message: string): AppError {
  return new AppError("PRECONDITION_FAILED", message);
}

async function planOf(db: DbOrTx, workspaceId: string, now: Date): Promise<Plan> {
  return (await getBillingSummary({ db, workspaceId, now })).plan;
}

/**
 * Serialises quota checks of one workspace: callers check and then insert in the same transaction, so two
 * requests racing for the last of a limit cannot both see room. Locks the workspace row, which every
 * workspace has (a billing account row may not exist).
 */
export async function lockWorkspaceQuota(tx: DbOrTx, workspaceId: string): Promise<void> {
  await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
}

/** Bytes held or reserved: ready files at their size, uploads in progress at their declared size. */
export async function storageUsedBytes(db: DbOrTx, workspaceId: string): Promise<number> {
  return totalOf(await storageUsedQuery(db, workspaceId));
}

/** A `sum` or `count` row's value; an empty sum is null, which is nothing used. */
const totalOf = (rows: { total: string | number | null }[]) => Number(rows[0]?.total ?? 0);

function storageUsedQuery(db: DbOrTx, workspaceId: string) {
  return db
    .select({
      total: sum(sql`coalesce(${mediaObjects.size}, ${mediaObjects.declaredSize})`),
    })
    .from(mediaObjects)
    .where(
      and(eq(mediaObjects.workspaceId, workspaceId), inArray(mediaObjects.status, ["uploading", "verifying", "ready"])),
    );
}

async function meteredThisPeriod(db: DbOrTx, workspaceId: string, metric: UsageMetric, now: Date): Promise<number> {
  return totalOf(await meteredThisPeriodQuery(db, workspaceId, metric, now));
}

function meteredThisPeriodQuery(db: DbOrTx, workspaceId: string, metric: UsageMetric, now: Date) {
  return db
    .select({ total: sum(usageRecords.quantity) })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, workspaceId),
        eq(usageRecords.metric, metric),
        eq(usageRecords.periodStart, periodStartOf(now)),
      ),
    );
}

/** Bytes per second assumed for an audio file without a known duration (see estimateDurationSeconds). */
const WAV_BYTES_PER_SECOND = 44_100 * 2 * 2;
const COMPRESSED_BYTES_PER_SECOND = 128_000 / 8;

/**
 * A file's length for the minutes quota: its measured duration when known, else estimated from its size at a
 * typical rate (WAV as 16-bit 44.1 kHz stereo, anything else as 128 kbit/s, the common podcast bitrate). The
 * estimate only gates the start; what is metered is the transcript's real length (recordTranscriptionUsage).
 */
export function estimateDurationSeconds(media: {
  durationSeconds: number | null;
  contentType: string;
  declaredSize: number;
}): number {
  if (media.durationSeconds != null) return media.durationSeconds;
  const rate = /wav/i.test(media.contentType) ? WAV_BYTES_PER_SECOND : COMPRESSED_BYTES_PER_SECOND;
  return Math.ceil(media.declaredSize / rate);
}

/**
 * Seconds transcribed this month plus the estimated length of jobs started but not yet metered, so files
 * queued together cannot overshoot the minutes between them.
 */
async function transcriptionSecondsCommitted(
  db: DbOrTx,
  workspaceId: string,
  now: Date,
  excludeMediaId?: string,
): Promise<number> {
  const metered = await meteredThisPeriod(db, workspaceId, "transcription_seconds", now);
  const pending = await db
    .select({
      durationSeconds: mediaObjects.durationSeconds,
      contentType: mediaObjects.contentType,
      declaredSize: mediaObjects.declaredSize,
      mediaId: mediaObjects.id,
    })
    .from(transcriptionJobs)
    .innerJoin(
      mediaObjects,
      and(eq(mediaObjects.id, transcriptionJobs.mediaId), eq(mediaObjects.workspaceId, transcriptionJobs.workspaceId)),
    )
    .where(
      and(
        eq(transcriptionJobs.workspaceId, workspaceId),
        inArray(transcriptionJobs.status, ["waiting_for_provider", "queued", "transcribing"]),
      ),
    );
  return (
    metered +
    pending.filter((p) => p.mediaId !== excludeMediaId).reduce((total, p) => total + estimateDurationSeconds(p), 0)
  );
}

async function seatsTaken(db: DbOrTx, workspaceId: string, now: Date): Promise<number> {
  const [members, pending] = await readBatch(db, [
    memberCountQuery(db, workspaceId),
    pendingInvitationCountQuery(db, workspaceId, now),
  ]);
  return totalOf(members) + totalOf(pending);
}

function memberCountQuery(db: DbOrTx, workspaceId: string) {
  return db
    .select({ total: sql<number>`count(*)::int` })
    .from(memberships)
    .where(eq(memberships.workspaceId, workspaceId));
}

function pendingInvitationCountQuery(db: DbOrTx, workspaceId: string, now: Date) {
  return db
    .select({ total: sql<number>`count(*)::int` })
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), pendingInvitation(now)));
}

const minutes = (seconds: number) => Math.ceil(seconds / 60);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Refuses an upload of `bytes` that would take the workspace past its plan's storage. Call inside lockWorkspaceQuota's transaction. */
export async function assertCanStoreBytes(opts: {
  db: DbOrTx;
  workspaceId: string;
  bytes: number;
  now: Date;
}): Promise<void> {
  const plan = await planOf(opts.db, opts.workspaceId, opts.now);
  const used = await storageUsedBytes(opts.db, opts.workspaceId);
  const limit = plan.limits.storageBytes;
  if (used + opts.bytes <= limit) return;
  const short = used + opts.bytes - limit;
  throw quotaError(
    `Your plan (${plan.name}) includes ${formatBytes(limit)} of storage; this upload needs ${formatBytes(short)} more than is left. ` +
      remedyOrUpgrade("Delete files you no longer need", plan, "storageBytes", used + opts.bytes, formatBytes),
  );
}

/** Refuses transcribing `seconds` more when that passes the plan's minutes for this month. */
export async function assertCanTranscribe(opts: {
  db: DbOrTx;
  workspaceId: string;
  seconds: number;
  excludeMediaId?: string;
  now: Date;
}): Promise<void> {
  const plan = await planOf(opts.db, opts.workspaceId, opts.now);
  const used = await transcriptionSecondsCommitted(opts.db, opts.workspaceId, opts.now, opts.excludeMediaId);
  const limitSeconds = plan.limits.transcriptionMinutesPerMonth * 60;
  if (used + opts.seconds <= limitSeconds) return;
  const left = Math.max(0, limitSeconds - used);
  throw quotaError(
    `Your plan (${plan.name}) includes ${plan.limits.transcriptionMinutesPerMonth} transcription minutes a month; this file needs about ` +
      `${minutes(opts.seconds)} and ${minutes(left) === 0 ? "none are" : `${Math.floor(left / 60)} are`} left. Minutes reset on the 1st (UTC). ` +
      upgradeSentence(
        plan,
        "transcriptionMinutesPerMonth",
        minutes(used + opts.seconds),
        (m) => `${m} minutes a month`,
      ),
  );
}

/** Refuses an invitation when members plus pending invitations already fill the plan's seats. Call inside lockWorkspaceQuota's transaction. */
export async function assertCanAddSeat(opts: { db: DbOrTx; workspaceId: string; now: Date }): Promise<void> {
  const plan = await planOf(opts.db, opts.workspaceId, opts.now);
  const taken = await seatsTaken(opts.db, opts.workspaceId, opts.now);
  if (taken + 1 <= plan.limits.seats) return;
  throw quotaError(
    `Your plan (${plan.name}) includes ${plural(plan.limits.seats, "seat", "seats")}, and members plus pending invitations already use ${taken}. ` +
      remedyOrUpgrade("Revoke a pending invitation or remove a member", plan, "seats", taken + 1, (n) =>
        plural(n, "seat", "seats"),
      ),
  );
}

/**
 * Refuses scheduling a post when this month's scheduled posts reach the plan's limit. No call site yet: the
 * scheduler records one `scheduled_posts` usage record per post (recordUsage) and calls this before it.
 */
export async function assertCanSchedulePost(opts: { db: DbOrTx; workspaceId: string; now: Date }): Promise<void> {
  const plan = await planOf(opts.db, opts.workspaceId, opts.now);
  const used = await meteredThisPeriod(opts.db, opts.workspaceId, "scheduled_posts", opts.now);
  if (used + 1 <= plan.limits.scheduledPostsPerMonth) return;
  throw quotaError(
    `Your plan (${plan.name}) includes ${plural(
      plan.limits.scheduledPostsPerMonth,
      "scheduled post",
      "scheduled posts",
    )} a month, and all are used. ` +
      `They reset on the 1st (UTC). ${upgradeSentence(plan, "scheduledPostsPerMonth", used + 1, (n) => `${n} scheduled posts a month`)}`,
  );
}

/**
 * Refuses connecting a social account when `connectedAccounts` (counted by the caller, whose table does not
 * exist yet) already reaches the plan's limit. No call site yet.
 */
export async function assertCanConnectAccount(opts: {
  db: DbOrTx;
  workspaceId: string;
  connectedAccounts: number;
  now: Date;
}): Promise<void> {
  const plan = await planOf(opts.db, opts.workspaceId, opts.now);
  if (opts.connectedAccounts + 1 <= plan.limits.socialAccounts) return;
  throw quotaError(
    `Your plan (${plan.name}) includes ${plural(plan.limits.socialAccounts, "social account", "social accounts")}, and ${opts.connectedAccounts} ${
      opts.connectedAccounts === 1 ? "is" : "are"
    } connected. ` +
      remedyOrUpgrade("Disconnect one", plan, "socialAccounts", opts.connectedAccounts + 1, (n) =>
        plural(n, "social account", "social accounts"),
      ),
  );
}

/**
 * Meters usage once per source: a second call with the same (workspace, metric, source) — a redelivered job, a
 * duplicate completion — changes nothing. Returns whether this call recorded it.
 */
export async function recordUsage(opts: {
  db: DbOrTx;
  workspaceId: string;
  metric: UsageMetric;
  quantity: number;
  sourceId: string;
  now: Date;
}): Promise<boolean> {
  const inserted = await opts.db
    .insert(usageRecords)
    .values({
      workspaceId: opts.workspaceId,
      metric: opts.metric,
      quantity: opts.quantity,
      sourceId: opts.sourceId,
      periodStart: periodStartOf(opts.now),
      createdAt: opts.now,
    })
    .onConflictDoNothing({
      target: [usageRecords.workspaceId, usageRecords.metric, usageRecords.sourceId],
    })
    .returning({ id: usageRecords.id });
  return inserted.length > 0;
}

export interface UsageLine {
  used: number;
  limit: number;
  unit: "bytes" | "minutes" | "posts" | "accounts" | "seats";
}

export interface WorkspaceUsage {
  plan: Plan;
  /** First day of the current UTC month; monthly limits count from here. */
  periodStart: string;
  storage: UsageLine;
  transcriptionMinutes: UsageLine;
  scheduledPosts: UsageLine;
  socialAccounts: UsageLine;
  seats: UsageLine;
}

/**
 * The reads behind `getWorkspaceUsage`, unawaited, so a page can send them in the same batch as its own reads
 * (the dashboard does); `workspaceUsageFrom` turns their results into the usage.
 */
export function workspaceUsageReads(db: DbOrTx, workspaceId: string, now: Date) {
  return [
    billingAccountQuery(db, workspaceId),
    storageUsedQuery(db, workspaceId),
    meteredThisPeriodQuery(db, workspaceId, "transcription_seconds", now),
    meteredThisPeriodQuery(db, workspaceId, "scheduled_posts", now),
    memberCountQuery(db, workspaceId),
    pendingInvitationCountQuery(db, workspaceId, now),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(socialAccounts)
      .where(and(eq(socialAccounts.workspaceId, workspaceId), sql`${socialAccounts.status} <> 'disconnected'`)),
  ] as const;
}

type UsageReadResults = BatchResponse<ReturnType<typeof workspaceUsageReads>>;

export function workspaceUsageFrom(results: UsageReadResults, now: Date): WorkspaceUsage {
  const [[account], storageRows, transcribedRows, postRows, memberRows, pendingRows, accountRows] = results;
  const plan = billingSummaryOf(account, now).plan;
  const storage = totalOf(storageRows);
  const transcribed = totalOf(transcribedRows);
  const posts = totalOf(postRows);
  const seats = totalOf(memberRows) + totalOf(pendingRows);
  return {
    plan,
    periodStart: periodStartOf(now),
    storage: { used: storage, limit: plan.limits.storageBytes, unit: "bytes" },
    transcriptionMinutes: {
      used: minutes(transcribed),
      limit: plan.limits.transcriptionMinutesPerMonth,
      unit: "minutes",
    },
    scheduledPosts: {
      used: posts,
      limit: plan.limits.scheduledPostsPerMonth,
      unit: "posts",
    },
    // Every account not disconnected holds a place, including one waiting to be reconnected.
    socialAccounts: {
      used: totalOf(accountRows),
      limit: plan.limits.socialAccounts,
      unit: "accounts",
    },
    seats: { used: seats, limit: plan.limits.seats, unit: "seats" },
  };
}

/**
 * Every limit of the workspace's plan with what is used of it now (the billing page shows these). One round trip:
 * the plan and every count in one batch (ADR 016).
 */
export async function getWorkspaceUsage(opts: { db: DbOrTx; workspaceId: string; now: Date }): Promise<WorkspaceUsage> {
  return workspaceUsageFrom(
    await readBatch(opts.db, workspaceUsageReads(opts.db, opts.workspaceId, opts.now)),
    opts.now,
  );
}

/** How many months of raw usage records the monthly close keeps (the current month and the one before always stay). */
export const USAGE_RETENTION_MONTHS = 13;

/**
 * The monthly close (cron): deletes raw usage records older than the retention window. Quotas never read
 * past months (the reset is the period rolling over), so closing a month needs no totals written; the window
 * keeps a year of history for support questions. A delete by date is idempotent, so overlapping runs are safe.
 */
export async function closeUsagePeriods(opts: { db: DbOrTx; now: Date }): Promise<number> {
  let cutoff = periodStartOf(opts.now);
  for (let i = 0; i < USAGE_RETENTION_MONTHS; i++) cutoff = previousPeriodStart(cutoff);
  const deleted = await opts.db
    .delete(usageRecords)
    .where(lt(usageRecords.periodStart, cutoff))
    .returning({ id: usageRecords.id });
  return deleted.length;
}
