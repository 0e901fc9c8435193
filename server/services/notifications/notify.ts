import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { memberships, notifications, users, type NotificationKind, type Role } from "../../../db/schema";
import { enqueueJobs, type QueueProducer } from "../platform/jobs";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { recordEmails, SEND_EMAIL_JOB } from "../email/outbox";
import { notificationTemplate } from "../email/templates";

export interface NotifyOptions {
  db: DbOrTx;
  workspaceId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** Absolute path in the app, e.g. `/w/<id>/social/posts/<id>`. */
  link: string | null;
  /** Same key, same notification: repeating a notify (a redelivered job) inserts and emails nothing new. */
  dedupeKey: string;
  /** Who hears about it; owners and admins by default. */
  roles?: readonly Role[];
  /** Also email each new recipient (through the outbox; enqueue the returned ids after the transaction commits). */
  email: boolean;
  appUrl: string;
}

/**
 * Writes an in-app notification for each member with one of `roles` and records an email for each row that is
 * new. Returns the email ids to enqueue (see `enqueueNotificationEmails`); the outbox sweep re-queues any whose
 * enqueue is lost.
 */
export async function notifyWorkspace(opts: NotifyOptions): Promise<{ notified: number; emailIds: string[] }> {
  const recipients = await opts.db
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.workspaceId, opts.workspaceId),
        inArray(memberships.role, [...(opts.roles ?? ["owner", "admin"])]),
      ),
    );
  if (recipients.length === 0) return { notified: 0, emailIds: [] };

  const inserted = await opts.db
    .insert(notifications)
    .values(
      recipients.map((r) => ({
        workspaceId: opts.workspaceId,
        userId: r.userId,
        kind: opts.kind,
        title: opts.title,
        body: opts.body,
        link: opts.link,
        dedupeKey: opts.dedupeKey,
        emailed: opts.email,
      })),
    )
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning({ userId: notifications.userId });

  const fresh = new Set(inserted.map((row) => row.userId));
  const mailed = opts.email ? recipients.filter((r) => fresh.has(r.userId)) : [];
  const emailIds = await recordEmails({
    db: opts.db,
    messages: mailed.map((recipient) => ({
      to: recipient.email,
      content: notificationTemplate({
        name: recipient.name,
        title: opts.title,
        body: opts.body,
        url: `${opts.appUrl}${opts.link ?? ""}`,
      }),
    })),
  });
  return { notified: inserted.length, emailIds };
}

export async function enqueueNotificationEmails(emailQueue: QueueProducer, emailIds: string[]): Promise<void> {
  await enqueueJobs(
    emailQueue,
    SEND_EMAIL_JOB,
    emailIds.map((emailId) => ({ emailId })),
  );
}

export interface NotificationEntry {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

/** A member's notifications in one workspace, newest first, with the unread count. */
/** The page and the unread count in one round trip (ADR 016). */
export async function listNotifications(opts: { db: DbOrTx; workspaceId: string; userId: string; limit: number }) {
  const [items, [unread]]: [NotificationEntry[], { n: number }[]] = await readBatch(opts.db, [
    opts.db
      .select({
        id: notifications.id,
        kind: notifications.kind,
        title: notifications.title,
        body: notifications.body,
        link: notifications.link,
        readAt: notifications.readAt,
        createdAt: notifications.createdAt,
      })
      .from(notifications)
      .where(and(eq(notifications.workspaceId, opts.workspaceId), eq(notifications.userId, opts.userId)))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(opts.limit),
    opts.db
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(
        and(
          eq(notifications.workspaceId, opts.workspaceId),
          eq(notifications.userId, opts.userId),
          isNull(notifications.readAt),
        ),
      ),
  ]);
  return { items, unread: Number(unread?.n ?? 0) };
}

/** Marks the given notifications (or all, when `ids` is omitted) read; only the member's own in this workspace. */
export async function markNotificationsRead(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  ids?: string[];
  meta: RequestMeta;
  now: Date;
}) {
  const scope = and(
    eq(notifications.workspaceId, opts.workspaceId),
    eq(notifications.userId, opts.userId),
    isNull(notifications.readAt),
  );
  return opts.db.transaction(async (tx) => {
    const updated = await tx
      .update(notifications)
      .set({ readAt: opts.now })
      .where(opts.ids ? and(scope, inArray(notifications.id, opts.ids)) : scope)
      .returning({ id: notifications.id });
    // Nothing changed (already read, or another member's ids): nothing to record.
    if (updated.length > 0)
      await recordAudit({
        db: tx,
        action: "notifications.read",
        actorUserId: opts.userId,
        workspaceId: opts.workspaceId,
        detail: { count: updated.length },
        meta: opts.meta,
        now: opts.now,
      });
    return updated.length;
  });
}
