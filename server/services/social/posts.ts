import { and, asc, desc, eq, inArray, isNotNull, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import {
  episodes,
  mediaObjects,
  socialAccounts,
  socialPostMedia,
  socialPosts,
  transcripts,
  usageRecords,
  type SocialPostStatus,
  type SocialPostType,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit, type AuditAction } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { assertCanSchedulePost, lockWorkspaceQuota, recordUsage } from "../billing/usage";
import { decodeCursor, encodeCursor } from "../podcasts/cursor";
import { captionProblems } from "./caption";
import {
  addDays,
  describeAmbiguity,
  describeGap,
  isTimeZone,
  resolveLocalTime,
  startOfLocalDay,
  toZonedLocal,
} from "./schedule-time";

/** What the composer sends, for a new post or a post being edited. */
export interface PostContent {
  accountId: string | null;
  type: SocialPostType;
  caption: string;
  mediaIds: string[];
  /** "YYYY-MM-DDTHH:mm" on the wall clock of `timezone`; null leaves a draft without a time. */
  scheduledLocal: string | null;
  timezone: string;
  sourceType?: "transcript" | "episode" | null;
  sourceId?: string | null;
}

interface Scope {
  db: DbOrTx;
  workspaceId: string;
}

interface Actor extends Scope {
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}

/** Statuses a member may still edit, schedule or reschedule: the pipeline has not taken the post. */
const EDITABLE: SocialPostStatus[] = ["draft", "scheduled", "failed"];
const CANCELABLE: SocialPostStatus[] = ["draft", "scheduled"];
/** Accounts a post may target; a post for an account that needs reconnecting waits until it is reconnected. */
const POSTABLE_ACCOUNT_STATUSES = ["active", "needs_reconnect"] as const;
const MAX_CAROUSEL_ITEMS = 10;

const WHY_NOT_EDITABLE: Partial<Record<SocialPostStatus, string>> = {
  queued: "This post is already publishing; it can no longer be changed.",
  publishing: "This post is already publishing; it can no longer be changed.",
  published: "This post is already published.",
  canceled: "This post was canceled. Duplicate it into a new draft to use it again.",
};

type FieldErrors = Record<string, string[]>;

function fieldError(fields: FieldErrors): AppError {
  const [first] = Object.values(fields).flat();
  return new AppError(
    "BAD_REQUEST",
    Object.keys(fields).length === 1 && first ? first : "Some fields need attention.",
    { fieldErrors: fields },
  );
}

function add(fields: FieldErrors, field: string, message: string) {
  (fields[field] ??= []).push(message);
}

/** The instant `local` means in `timeZone`, or the field error that says why it cannot be used. */
/** A draft may keep a past time (a failed post being fixed); only scheduling needs one in the future. */
function resolveSchedule(
  local: string,
  timeZone: string,
  now: Date,
  fields: FieldErrors,
  requireFuture: boolean,
): Date | null {
  if (!isTimeZone(timeZone)) {
    add(fields, "timezone", "Choose a time zone from the list.");
    return null;
  }
  const resolution = resolveLocalTime(local, timeZone);
  if (resolution.kind === "invalid") {
    add(fields, "scheduledLocal", "Enter a date and time.");
    return null;
  }
  if (resolution.kind === "gap") {
    add(fields, "scheduledLocal", describeGap(local, timeZone, resolution));
    return null;
  }
  if (requireFuture && resolution.instant.getTime() <= now.getTime()) {
    add(fields, "scheduledLocal", "Choose a time in the future.");
    return null;
  }
  return resolution.instant;
}

const ZERO_OR_ONE = (n: number) => (n === 1 ? "1 file" : `${n} files`);

/**
 * Checks a post's content against the workspace and Instagram's rules. Another workspace's account or media is
 * NOT_FOUND; everything else is a field error. Drafts may be incomplete (no account, too few files); scheduling
 * needs the whole post.
 */
async function validateContent(opts: Actor & { content: PostContent; schedule: boolean }) {
  const { db, workspaceId, content, schedule } = opts;
  const fields: FieldErrors = {};

  let account: typeof socialAccounts.$inferSelect | null = null;
  if (content.accountId) {
    [account] = await db
      .select()
      .from(socialAccounts)
      .where(and(eq(socialAccounts.id, content.accountId), eq(socialAccounts.workspaceId, workspaceId)))
      .limit(1);
    if (!account) throw notFound("Social account");
    if (!(POSTABLE_ACCOUNT_STATUSES as readonly string[]).includes(account.status)) {
      add(
        fields,
        "accountId",
        `@${account.username} is disconnected. Reconnect it on the Accounts page, or choose another account.`,
      );
    }
  } else if (schedule) {
    add(fields, "accountId", "Choose the account to post to.");
  }

  await requireSource({ db, workspaceId }, content, fields);

  const ids = content.mediaIds;
  if (new Set(ids).size !== ids.length) add(fields, "mediaIds", "Each file can be used once in a post.");
  const found = ids.length
    ? await db
        .select({
          id: mediaObjects.id,
          kind: mediaObjects.kind,
          status: mediaObjects.status,
          filename: mediaObjects.filename,
          contentType: mediaObjects.contentType,
        })
        .from(mediaObjects)
        .where(and(eq(mediaObjects.workspaceId, workspaceId), inArray(mediaObjects.id, ids)))
    : [];
  if (found.length !== new Set(ids).size) throw notFound("Media file");
  const media = ids.map((id) => found.find((m) => m.id === id)!);
  for (const item of media) {
    if (item.status !== "ready")
      add(
        fields,
        "mediaIds",
        `“${item.filename}” is not ready yet (${item.status}). Wait until its upload is checked, or choose another file.`,
      );
    if (item.kind === "audio") add(fields, "mediaIds", `“${item.filename}” is audio; posts take images and videos.`);
  }
  if (media.length > MAX_CAROUSEL_ITEMS)
    add(fields, "mediaIds", `A carousel holds at most ${MAX_CAROUSEL_ITEMS} files; ${media.length} are chosen.`);
  if (schedule) {
    const images = media.filter((m) => m.kind === "image").length;
    const videos = media.filter((m) => m.kind === "video").length;
    if (content.type === "image" && (media.length !== 1 || images !== 1)) {
      add(fields, "mediaIds", `An image post needs exactly 1 image; ${ZERO_OR_ONE(media.length)} chosen.`);
    }
    if (content.type === "reel" && (media.length !== 1 || videos !== 1)) {
      add(
        fields,
        "mediaIds",
        `A reel needs exactly 1 video; ${ZERO_OR_ONE(media.length)} chosen${media.length === 1 && videos === 0 ? " (not a video)" : ""}.`,
      );
    }
    if (content.type === "carousel" && (media.length < 2 || media.length > MAX_CAROUSEL_ITEMS)) {
      add(
        fields,
        "mediaIds",
        `A carousel needs 2 to ${MAX_CAROUSEL_ITEMS} images or videos; ${ZERO_OR_ONE(media.length)} chosen.`,
      );
    }
    // Instagram's container endpoint only accepts JPEG images; the Sandbox takes what the library holds.
    if (account?.provider === "instagram") {
      for (const item of media.filter((m) => m.kind === "image" && m.contentType !== "image/jpeg")) {
        add(fields, "mediaIds", `Instagram publishes JPEG images only; “${item.filename}” is ${item.contentType}.`);
      }
    }
  }

  for (const problem of captionProblems(content.caption)) add(fields, "caption", problem);

  let scheduledAt: Date | null = null;
  if (content.scheduledLocal)
    scheduledAt = resolveSchedule(content.scheduledLocal, content.timezone, opts.now, fields, schedule);
  else if (schedule) add(fields, "scheduledLocal", "Choose when to publish.");
  else if (!isTimeZone(content.timezone)) add(fields, "timezone", "Choose a time zone from the list.");

  if (Object.keys(fields).length) throw fieldError(fields);
  return { scheduledAt };
}

/**
 * Counts a post against the plan's scheduled posts the first time it is scheduled; rescheduling the same post
 * finds its usage record and counts nothing. Call inside the transaction that schedules it.
 */
async function meterScheduling(tx: DbOrTx, workspaceId: string, postId: string, now: Date) {
  await lockWorkspaceQuota(tx, workspaceId);
  const [counted] = await tx
    .select({ id: usageRecords.id })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, workspaceId),
        eq(usageRecords.metric, "scheduled_posts"),
        eq(usageRecords.sourceId, postId),
      ),
    )
    .limit(1);
  if (counted) return;
  await assertCanSchedulePost({ db: tx, workspaceId, now });
  await recordUsage({ db: tx, workspaceId, metric: "scheduled_posts", quantity: 1, sourceId: postId, now });
}

/**
 * A publish call was sent and its answer never came: the post may be live. Until the pipeline reconciles it, its
 * caption and containers are the only way to recognise it, so it must not be edited or canceled.
 */
const OUTCOME_KNOWN = or(isNull(socialPosts.publishRequestedAt), isNotNull(socialPosts.remoteMediaId))!;
const OUTCOME_UNKNOWN_MESSAGE =
  "Instagram may already have published this post (the answer to the last attempt was lost). It cannot be changed or canceled until Greenroom has checked the account.";

/**
 * Everything a previous attempt left behind, so a failed post that is rescheduled starts over — except the
 * container of a publish whose outcome is unknown, which the retry checks first so it never posts a second copy.
 */
const FRESH_ATTEMPT = {
  attempts: 0,
  lastError: null,
  errorKind: null,
  nextAttemptAt: null,
  idempotencyKey: null,
  claimedAt: null,
  containerId: sql`case when ${OUTCOME_KNOWN} then null else ${socialPosts.containerId} end`,
  containerStatus: sql`case when ${OUTCOME_KNOWN} then null else ${socialPosts.containerStatus} end`,
  containerCreatedAt: sql`case when ${OUTCOME_KNOWN} then null else ${socialPosts.containerCreatedAt} end`,
} as const;

/**
 * Links the post to its files. The files are locked for share first, so a delete running at the same moment
 * either finishes before (and the post is refused here) or waits and then sees the post using them.
 */
async function replaceMedia(tx: DbOrTx, workspaceId: string, postId: string, mediaIds: string[]) {
  if (mediaIds.length) {
    const present = await tx
      .select({ id: mediaObjects.id })
      .from(mediaObjects)
      .where(
        and(
          eq(mediaObjects.workspaceId, workspaceId),
          inArray(mediaObjects.id, mediaIds),
          eq(mediaObjects.status, "ready"),
        ),
      )
      .for("share");
    if (present.length !== new Set(mediaIds).size)
      throw fieldError({ mediaIds: ["A chosen file was deleted meanwhile. Choose the media again."] });
  }
  await tx.delete(socialPostMedia).where(eq(socialPostMedia.postId, postId));
  if (mediaIds.length)
    await tx.insert(socialPostMedia).values(mediaIds.map((mediaId, position) => ({ postId, position, mediaId })));
}

/** A post's status when `postId` is not (or no longer) in one of `allowed`: NOT_FOUND or CONFLICT saying why. */
async function refuseStatus(scope: Scope, postId: string, allowed: SocialPostStatus[]): Promise<never> {
  const [post] = await scope.db
    .select({ status: socialPosts.status, outcomeKnown: sql<boolean>`${OUTCOME_KNOWN}` })
    .from(socialPosts)
    .where(and(eq(socialPosts.id, postId), eq(socialPosts.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!post) throw notFound("Post");
  if (!post.outcomeKnown && allowed.includes(post.status)) throw new AppError("CONFLICT", OUTCOME_UNKNOWN_MESSAGE);
  throw new AppError(
    "CONFLICT",
    WHY_NOT_EDITABLE[post.status] ?? `A ${post.status} post cannot be changed that way (only ${allowed.join(" or ")}).`,
  );
}

/** Why a reschedule matched no row: the post moved on (status, unknown outcome), or it was edited meanwhile. */
async function refuseReschedule(scope: Scope, postId: string, checkedVersion: Date): Promise<never> {
  const [post] = await scope.db
    .select({ status: socialPosts.status, updatedAt: socialPosts.updatedAt })
    .from(socialPosts)
    .where(and(eq(socialPosts.id, postId), eq(socialPosts.workspaceId, scope.workspaceId)))
    .limit(1);
  if (post && EDITABLE.includes(post.status) && post.updatedAt.getTime() !== checkedVersion.getTime()) {
    throw new AppError("CONFLICT", "This post was changed while you were moving it. Reload and try again.");
  }
  return refuseStatus(scope, postId, EDITABLE);
}

/**
 * A post's source (the transcript or episode it was written from) must be one of the workspace's own: another
 * workspace's id, or one that does not exist, is NOT_FOUND like any other foreign reference.
 */
async function requireSource(scope: Scope, content: PostContent, fields: FieldErrors) {
  const { sourceType, sourceId } = content;
  if (!sourceType && !sourceId) return;
  if (!sourceType || !sourceId) {
    add(fields, sourceType ? "sourceId" : "sourceType", "Choose both the kind of source and the source, or neither.");
    return;
  }
  const table = sourceType === "transcript" ? transcripts : episodes;
  const [found] = await scope.db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.id, sourceId), eq(table.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!found) throw notFound(sourceType === "transcript" ? "Transcript" : "Episode");
}

const auditPost = (opts: Actor, action: AuditAction, postId: string, detail: Record<string, string | null> = {}) =>
  recordAudit({
    db: opts.db,
    action,
    actorUserId: opts.actorUserId,
    workspaceId: opts.workspaceId,
    detail: { postId, ...detail },
    meta: opts.meta,
    now: opts.now,
  });

export async function createPost(input: Actor & { content: PostContent; schedule: boolean }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const { scheduledAt } = await validateContent(opts);
    const postId = crypto.randomUUID();
    await opts.db.transaction(async (tx) => {
      if (opts.schedule) await meterScheduling(tx, opts.workspaceId, postId, opts.now);
      await tx.insert(socialPosts).values({
        id: postId,
        workspaceId: opts.workspaceId,
        accountId: opts.content.accountId,
        type: opts.content.type,
        caption: opts.content.caption,
        status: opts.schedule ? "scheduled" : "draft",
        scheduledAt,
        timezone: opts.content.timezone,
        sourceType: opts.content.sourceType ?? null,
        sourceId: opts.content.sourceId ?? null,
        createdBy: opts.actorUserId,
        createdAt: opts.now,
        updatedAt: opts.now,
      });
      await replaceMedia(tx, opts.workspaceId, postId, opts.content.mediaIds);
      await auditPost({ ...opts, db: tx }, opts.schedule ? "social.post_scheduled" : "social.post_created", postId, {
        scheduledAt: scheduledAt?.toISOString() ?? null,
      });
    });
    return getPost({ db: opts.db, workspaceId: opts.workspaceId, postId });
  });
}

/**
 * Replaces a draft, scheduled or failed post's content; `schedule` false makes (or keeps) it a draft. The status
 * condition is part of the UPDATE, so a post the claim cron has just taken is refused, never overwritten.
 */
export async function updatePost(input: Actor & { postId: string; content: PostContent; schedule: boolean }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const scope = { db: opts.db, workspaceId: opts.workspaceId };
    await requirePostRow(scope, opts.postId);
    const { scheduledAt } = await validateContent(opts);
    await opts.db.transaction(async (tx) => {
      if (opts.schedule) await meterScheduling(tx, opts.workspaceId, opts.postId, opts.now);
      const updated = await tx
        .update(socialPosts)
        .set({
          accountId: opts.content.accountId,
          type: opts.content.type,
          caption: opts.content.caption,
          status: opts.schedule ? "scheduled" : "draft",
          scheduledAt,
          timezone: opts.content.timezone,
          ...(opts.content.sourceType !== undefined
            ? { sourceType: opts.content.sourceType, sourceId: opts.content.sourceId ?? null }
            : {}),
          ...FRESH_ATTEMPT,
          updatedAt: opts.now,
        })
        .where(
          and(
            eq(socialPosts.id, opts.postId),
            eq(socialPosts.workspaceId, opts.workspaceId),
            inArray(socialPosts.status, EDITABLE),
            OUTCOME_KNOWN,
          ),
        )
        .returning({ id: socialPosts.id });
      if (!updated.length) await refuseStatus({ db: tx, workspaceId: opts.workspaceId }, opts.postId, EDITABLE);
      await replaceMedia(tx, opts.workspaceId, opts.postId, opts.content.mediaIds);
      await auditPost(
        { ...opts, db: tx },
        opts.schedule ? "social.post_scheduled" : "social.post_updated",
        opts.postId,
        {
          scheduledAt: scheduledAt?.toISOString() ?? null,
        },
      );
    });
    return getPost({ ...scope, postId: opts.postId });
  });
}

/**
 * Schedules a draft, moves a scheduled post, or retries a failed one (its attempts and errors reset) at a new
 * time; the content is checked as it stands. Refused with CONFLICT once the pipeline has claimed the post.
 */
export async function reschedulePost(input: Actor & { postId: string; scheduledLocal: string; timezone: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const scope = { db: opts.db, workspaceId: opts.workspaceId };
    const current = await getPost({ ...scope, postId: opts.postId });
    if (!EDITABLE.includes(current.status)) await refuseStatus(scope, opts.postId, EDITABLE);
    const content: PostContent = {
      accountId: current.account?.id ?? null,
      type: current.type,
      caption: current.caption,
      mediaIds: current.media.map((m) => m.id),
      scheduledLocal: opts.scheduledLocal,
      timezone: opts.timezone,
    };
    const { scheduledAt } = await validateContent({ ...opts, content, schedule: true });
    await opts.db.transaction(async (tx) => {
      await meterScheduling(tx, opts.workspaceId, opts.postId, opts.now);
      const updated = await tx
        .update(socialPosts)
        .set({ status: "scheduled", scheduledAt, timezone: opts.timezone, ...FRESH_ATTEMPT, updatedAt: opts.now })
        .where(
          and(
            eq(socialPosts.id, opts.postId),
            eq(socialPosts.workspaceId, opts.workspaceId),
            inArray(socialPosts.status, EDITABLE),
            // Retrying a failed post whose outcome is unknown is allowed: the run reconciles before it publishes.
            or(OUTCOME_KNOWN, eq(socialPosts.status, "failed")),
            // The content checked above is the content scheduled: an edit saved meanwhile is not scheduled unchecked.
            // (compared at millisecond precision, which is what the read gave back)
            sql`date_trunc('milliseconds', ${socialPosts.updatedAt}) = ${current.updatedAt.toISOString()}::timestamptz`,
          ),
        )
        .returning({ id: socialPosts.id, containerId: socialPosts.containerId });
      if (!updated.length)
        await refuseReschedule({ db: tx, workspaceId: opts.workspaceId }, opts.postId, current.updatedAt);
      if (updated[0].containerId === null)
        await tx.update(socialPostMedia).set({ containerId: null }).where(eq(socialPostMedia.postId, opts.postId));
      await auditPost({ ...opts, db: tx }, "social.post_rescheduled", opts.postId, {
        scheduledAt: scheduledAt?.toISOString() ?? null,
        timezone: opts.timezone,
      });
    });
    return getPost({ ...scope, postId: opts.postId });
  });
}

/** Draft or scheduled → canceled, in one conditional UPDATE. A canceled post's scheduling stays counted for the month. */
export async function cancelPost(input: Actor & { postId: string }) {
  return input.db.transaction(async (tx) => {
    const opts = { ...input, db: tx };
    const updated = await opts.db
      .update(socialPosts)
      .set({ status: "canceled", updatedAt: opts.now })
      .where(
        and(
          eq(socialPosts.id, opts.postId),
          eq(socialPosts.workspaceId, opts.workspaceId),
          inArray(socialPosts.status, CANCELABLE),
          OUTCOME_KNOWN,
        ),
      )
      .returning({ id: socialPosts.id });
    if (!updated.length) await refuseStatus(opts, opts.postId, CANCELABLE);
    await auditPost(opts, "social.post_canceled", opts.postId);
    return getPost({ db: opts.db, workspaceId: opts.workspaceId, postId: opts.postId });
  });
}

async function requirePostRow(scope: Scope, postId: string) {
  const [post] = await scope.db
    .select()
    .from(socialPosts)
    .where(and(eq(socialPosts.id, postId), eq(socialPosts.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!post) throw notFound("Post");
  return post;
}

/** A post with its account, files in order, status and reason, and its local time in the zone it was scheduled in. */
export async function getPost(opts: Scope & { postId: string }) {
  // The post with its account, and its files: one round trip (ADR 016). The files are keyed by the post id and
  // scoped to the workspace by their media join, so they are read beside the post rather than after it.
  const [[row], media] = await readBatch(opts.db, [
    opts.db
      .select({
        post: socialPosts,
        account: {
          id: socialAccounts.id,
          username: socialAccounts.username,
          displayName: socialAccounts.displayName,
          provider: socialAccounts.provider,
          status: socialAccounts.status,
        },
      })
      .from(socialPosts)
      .leftJoin(
        socialAccounts,
        and(eq(socialAccounts.id, socialPosts.accountId), eq(socialAccounts.workspaceId, opts.workspaceId)),
      )
      .where(and(eq(socialPosts.id, opts.postId), eq(socialPosts.workspaceId, opts.workspaceId)))
      .limit(1),
    opts.db
      .select({
        id: mediaObjects.id,
        filename: mediaObjects.filename,
        kind: mediaObjects.kind,
        contentType: mediaObjects.contentType,
        status: mediaObjects.status,
      })
      .from(socialPostMedia)
      .innerJoin(
        mediaObjects,
        and(eq(mediaObjects.id, socialPostMedia.mediaId), eq(mediaObjects.workspaceId, opts.workspaceId)),
      )
      .where(eq(socialPostMedia.postId, opts.postId))
      .orderBy(asc(socialPostMedia.position)),
  ]);
  if (!row) throw notFound("Post");
  const { post, account } = row;
  return {
    id: post.id,
    type: post.type,
    caption: post.caption,
    status: post.status,
    scheduledAt: post.scheduledAt,
    timezone: post.timezone,
    scheduledLocal: post.scheduledAt ? toZonedLocal(post.scheduledAt, post.timezone) : null,
    /** Set when the local time happens twice (clocks going back): which of the two the post uses. */
    timeNote: post.scheduledAt ? describeAmbiguity(post.scheduledAt, post.timezone) : null,
    publishedAt: post.publishedAt,
    permalink: post.permalink,
    remoteMediaId: post.remoteMediaId,
    attempts: post.attempts,
    reason: post.lastError,
    errorKind: post.errorKind,
    sourceType: post.sourceType,
    sourceId: post.sourceId,
    account: account ?? null,
    media,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
  };
}
export type PostDetail = Awaited<ReturnType<typeof getPost>>;

export const POST_LIST_FILTERS = ["scheduled", "published", "failed", "drafts", "canceled"] as const;
export type PostListFilter = (typeof POST_LIST_FILTERS)[number];

const ms = (column: SQL | typeof socialPosts.scheduledAt) => sql<Date>`date_trunc('milliseconds', ${column})`;

/**
 * Each tab's statuses and order: upcoming posts soonest first (including those being published), published
 * newest first, failed, drafts and canceled by last change.
 */
const LISTS: Record<PostListFilter, { statuses: SocialPostStatus[]; sortAt: SQL<Date>; ascending: boolean }> = {
  scheduled: {
    statuses: ["scheduled", "queued", "publishing"],
    sortAt: ms(sql`coalesce(${socialPosts.scheduledAt}, ${socialPosts.createdAt})`),
    ascending: true,
  },
  published: {
    statuses: ["published"],
    sortAt: ms(sql`coalesce(${socialPosts.publishedAt}, ${socialPosts.updatedAt})`),
    ascending: false,
  },
  failed: { statuses: ["failed"], sortAt: ms(sql`${socialPosts.updatedAt}`), ascending: false },
  drafts: { statuses: ["draft"], sortAt: ms(sql`${socialPosts.updatedAt}`), ascending: false },
  canceled: { statuses: ["canceled"], sortAt: ms(sql`${socialPosts.updatedAt}`), ascending: false },
};

/** The columns a list row or calendar chip shows. */
const summaryColumns = {
  id: socialPosts.id,
  type: socialPosts.type,
  caption: socialPosts.caption,
  status: socialPosts.status,
  scheduledAt: socialPosts.scheduledAt,
  timezone: socialPosts.timezone,
  publishedAt: socialPosts.publishedAt,
  permalink: socialPosts.permalink,
  reason: socialPosts.lastError,
  errorKind: socialPosts.errorKind,
  attempts: socialPosts.attempts,
  accountId: socialAccounts.id,
  accountUsername: socialAccounts.username,
  accountProvider: socialAccounts.provider,
  mediaCount: sql<number>`(select count(*)::int from ${socialPostMedia} where ${socialPostMedia.postId} = ${socialPosts.id})`,
  /** The first image of the post, for a thumbnail. */
  thumbnailMediaId: sql<string | null>`(
    select spm.media_id from ${socialPostMedia} spm
    join ${mediaObjects} mo on mo.id = spm.media_id and mo.workspace_id = ${socialPosts.workspaceId}
    where spm.post_id = ${socialPosts.id} and mo.kind = 'image' and mo.status = 'ready'
    order by spm.position limit 1)`,
};

type SummaryRow = { [K in keyof typeof summaryColumns]: unknown } & Record<string, unknown>;

function toSummary(
  row: SummaryRow & {
    accountId: string | null;
    accountUsername: string | null;
    accountProvider: "instagram" | "sandbox" | null;
  },
) {
  const { accountId, accountUsername, accountProvider, ...rest } = row;
  const base = rest as Omit<PostSummaryBase, "account" | "scheduledLocal" | "publishedLocal">;
  return {
    ...base,
    scheduledLocal: base.scheduledAt ? toZonedLocal(base.scheduledAt, base.timezone) : null,
    publishedLocal: base.publishedAt ? toZonedLocal(base.publishedAt, base.timezone) : null,
    account:
      accountId && accountUsername && accountProvider
        ? { id: accountId, username: accountUsername, provider: accountProvider }
        : null,
  };
}

interface PostSummaryBase {
  id: string;
  type: SocialPostType;
  caption: string;
  status: SocialPostStatus;
  scheduledAt: Date | null;
  timezone: string;
  publishedAt: Date | null;
  permalink: string | null;
  reason: string | null;
  errorKind: "transient" | "permanent" | "deferred" | "reconnect" | null;
  attempts: number;
  mediaCount: number;
  thumbnailMediaId: string | null;
  /** Scheduled and published times on the wall clock of the post's zone. */
  scheduledLocal: string | null;
  publishedLocal: string | null;
  account: { id: string; username: string; provider: "instagram" | "sandbox" } | null;
}

/** One tab of the posts list, keyset-paginated by (the tab's time, id). */
export async function listPosts(opts: Scope & { filter: PostListFilter; limit: number; cursor?: string | null }) {
  const list = LISTS[opts.filter];
  const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
  const after = cursor
    ? list.ascending
      ? sql`(${list.sortAt}, ${socialPosts.id}) > (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`
      : sql`(${list.sortAt}, ${socialPosts.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`
    : undefined;
  const rows = await opts.db
    .select({ ...summaryColumns, sortAt: list.sortAt.mapWith((value: string | Date) => new Date(value)) })
    .from(socialPosts)
    .leftJoin(
      socialAccounts,
      and(eq(socialAccounts.id, socialPosts.accountId), eq(socialAccounts.workspaceId, socialPosts.workspaceId)),
    )
    .where(and(eq(socialPosts.workspaceId, opts.workspaceId), inArray(socialPosts.status, list.statuses), after))
    .orderBy(
      list.ascending ? asc(list.sortAt) : desc(list.sortAt),
      list.ascending ? asc(socialPosts.id) : desc(socialPosts.id),
    )
    .limit(opts.limit + 1);
  const items = rows.slice(0, opts.limit);
  const last = items.at(-1);
  return {
    items: items.map(({ sortAt: _sortAt, ...row }) => toSummary(row as never)),
    nextCursor: rows.length > opts.limit && last ? encodeCursor({ at: last.sortAt, id: last.id }) : null,
  };
}

/** The most a calendar asks for at once: a month view shows six weeks. */
const MAX_CALENDAR_DAYS = 42;
const MAX_CALENDAR_POSTS = 500;

/**
 * Posts (not canceled) whose time — published time once published, else scheduled time — falls on the local days
 * `from` to `to` (inclusive, "YYYY-MM-DD") in `timezone`, with that time on the zone's wall clock.
 */
export async function listCalendar(opts: Scope & { from: string; to: string; timezone: string }) {
  const start = startOfLocalDay(opts.from, opts.timezone);
  const end = startOfLocalDay(addDays(opts.to, 1), opts.timezone);
  if (!start || !end || end <= start) throw fieldError({ to: ["Choose an end date on or after the start date."] });
  if (end.getTime() - start.getTime() > (MAX_CALENDAR_DAYS + 1) * 24 * 3600_000) {
    throw fieldError({ to: [`The calendar shows at most ${MAX_CALENDAR_DAYS} days at once.`] });
  }
  const at = sql`coalesce(${socialPosts.publishedAt}, ${socialPosts.scheduledAt})`;
  const rows = await opts.db
    .select({ ...summaryColumns, at: sql<Date>`${at}`.mapWith((value: string | Date) => new Date(value)) })
    .from(socialPosts)
    .leftJoin(
      socialAccounts,
      and(eq(socialAccounts.id, socialPosts.accountId), eq(socialAccounts.workspaceId, socialPosts.workspaceId)),
    )
    .where(
      and(
        eq(socialPosts.workspaceId, opts.workspaceId),
        ne(socialPosts.status, "canceled"),
        sql`${at} >= ${start.toISOString()}::timestamptz`,
        sql`${at} < ${end.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(at), asc(socialPosts.id))
    .limit(MAX_CALENDAR_POSTS);
  return {
    from: opts.from,
    to: opts.to,
    timezone: opts.timezone,
    items: rows.map(({ at: when, ...row }) => ({
      ...toSummary(row as never),
      at: when,
      local: toZonedLocal(when, opts.timezone),
    })),
  };
}

/** Ready images and videos of the workspace for the composer's picker, newest first, keyset-paginated. */
export async function listPostMediaChoices(opts: Scope & { limit: number; cursor?: string | null }) {
  const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
  const createdAt = ms(mediaObjects.createdAt as never);
  const rows = await opts.db
    .select({
      id: mediaObjects.id,
      filename: mediaObjects.filename,
      kind: mediaObjects.kind,
      contentType: mediaObjects.contentType,
      size: mediaObjects.size,
      durationSeconds: mediaObjects.durationSeconds,
      createdAt: createdAt.mapWith((value: string | Date) => new Date(value)),
    })
    .from(mediaObjects)
    .where(
      and(
        eq(mediaObjects.workspaceId, opts.workspaceId),
        eq(mediaObjects.status, "ready"),
        inArray(mediaObjects.kind, ["image", "video"]),
        cursor
          ? sql`(${createdAt}, ${mediaObjects.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(createdAt), desc(mediaObjects.id))
    .limit(opts.limit + 1);
  const items = rows.slice(0, opts.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > opts.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

/** The accounts a post can go to (connected, or waiting for a reconnect), for the composer's account picker. */
export async function listAccountChoices(opts: Scope) {
  return opts.db
    .select({
      id: socialAccounts.id,
      username: socialAccounts.username,
      displayName: socialAccounts.displayName,
      provider: socialAccounts.provider,
      status: socialAccounts.status,
    })
    .from(socialAccounts)
    .where(
      and(
        eq(socialAccounts.workspaceId, opts.workspaceId),
        inArray(socialAccounts.status, [...POSTABLE_ACCOUNT_STATUSES]),
      ),
    )
    .orderBy(asc(socialAccounts.username), asc(socialAccounts.id));
}
