import { and, eq } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { notifications, supporters, users } from "../../../db/schema";
import { recordEmails } from "../email/outbox";
import { commentReplyTemplate } from "../email/templates";
import { notifyWorkspace } from "../notifications/notify";
import { canRead, viewerFromRow, viewerQuery, type CommentTarget, type CommentViewer } from "./access";

/** Longest comment excerpt a notification carries. */
const EXCERPT = 140;

export function excerpt(body: string) {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}

/**
 * What a notification about a comment may say to `recipient` (ADR 027): the comment's words and the target's title
 * only if the recipient passes the target's gate now; otherwise a line that names neither. The target's body is never
 * in a notification.
 */
export function commentPreview(opts: {
  target: CommentTarget;
  recipient: CommentViewer;
  authorName: string;
  body: string;
  kind: "new" | "reply";
  now: Date;
}): { title: string; body: string } {
  if (!canRead(opts.target, opts.recipient, opts.now).allowed)
    return opts.kind === "reply"
      ? { title: "New reply to your comment", body: "Someone replied to your comment. Sign in to read it." }
      : { title: "New comment", body: "Someone commented. Sign in to read it." };
  return {
    title:
      opts.kind === "reply"
        ? `${opts.authorName} replied to you on “${opts.target.title}”`
        : `${opts.authorName} commented on “${opts.target.title}”`,
    body: excerpt(opts.body),
  };
}

/**
 * One in-app notification per new comment for the owners and admins (no email: a busy thread would flood them; the
 * moderation page lists everything). Creators always pass the gate, so it quotes the comment.
 */
export async function notifyCreatorOfComment(opts: {
  db: DbOrTx;
  target: CommentTarget;
  commentId: string;
  authorName: string;
  body: string;
  appUrl: string;
  now: Date;
}) {
  const preview = commentPreview({
    target: opts.target,
    recipient: { userId: null, name: null, viewer: { kind: "team" }, supporterId: null },
    authorName: opts.authorName,
    body: opts.body,
    kind: "new",
    now: opts.now,
  });
  await notifyWorkspace({
    db: opts.db,
    workspaceId: opts.target.workspaceId,
    kind: "comments.new",
    title: preview.title,
    body: preview.body,
    link: `/w/${opts.target.workspaceId}/comments`,
    dedupeKey: `comment:${opts.commentId}`,
    email: false,
    appUrl: opts.appUrl,
  });
}

/**
 * Tells the author of the comment being answered: in the app, and by email through the outbox when their
 * `email_notifications` is on. What it says follows `commentPreview` for that person.
 */
export async function notifyRepliedTo(opts: {
  db: DbOrTx;
  target: CommentTarget;
  recipientUserId: string;
  commentId: string;
  authorName: string;
  body: string;
  appUrl: string;
  now: Date;
}) {
  const [[row], [contact]] = await readBatch(opts.db, [
    viewerQuery(opts.db, opts.target.workspaceId, opts.recipientUserId),
    opts.db
      .select({ email: users.email, name: users.name, emailNotifications: supporters.emailNotifications })
      .from(users)
      .leftJoin(supporters, and(eq(supporters.userId, users.id), eq(supporters.workspaceId, opts.target.workspaceId)))
      .where(eq(users.id, opts.recipientUserId))
      .limit(1),
  ]);
  if (!row || !contact) return;
  const recipient = viewerFromRow(opts.recipientUserId, row);
  const preview = commentPreview({
    target: opts.target,
    recipient,
    authorName: opts.authorName,
    body: opts.body,
    kind: "reply",
    now: opts.now,
  });
  const link = `${opts.target.path}#comment-${opts.commentId}`;
  const inserted = await opts.db
    .insert(notifications)
    .values({
      workspaceId: opts.target.workspaceId,
      userId: opts.recipientUserId,
      kind: "comments.reply",
      title: preview.title,
      body: preview.body,
      link,
      dedupeKey: `comment-reply:${opts.commentId}`,
      emailed: contact.emailNotifications === true,
    })
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning({ id: notifications.id });
  // Only supporters who kept reply emails on get one; a repeated notify (same comment) sends nothing new.
  if (inserted.length === 0 || contact.emailNotifications !== true) return;
  await recordEmails({
    db: opts.db,
    messages: [
      {
        to: contact.email,
        content: commentReplyTemplate({
          name: contact.name,
          title: preview.title,
          body: preview.body,
          url: `${opts.appUrl}${link}`,
        }),
      },
    ],
  });
}
