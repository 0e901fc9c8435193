import { and, desc, eq, lt, or } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { auditEvents, users } from "../../../db/schema";
import type { RequestMeta } from "../auth/sessions";

export type AuditAction =
  | "auth.signed_up"
  | "auth.email_verified"
  | "auth.logged_in"
  | "auth.login_failed"
  | "auth.logged_out"
  | "auth.password_changed"
  | "auth.password_reset_requested"
  | "auth.password_reset"
  | "auth.sessions_revoked"
  | "auth.verification_resent"
  | "auth.name_changed"
  | "auth.email_change_requested"
  | "auth.email_changed"
  | "workspace.created"
  | "workspace.renamed"
  | "member.invited"
  | "member.invitation_revoked"
  | "member.joined"
  | "member.role_changed"
  | "member.removed"
  | "member.left"
  | "workspace.ownership_transferred"
  | "media.upload_started"
  | "media.upload_aborted"
  | "media.uploaded"
  | "media.rejected"
  | "media.deleted"
  | "show.created"
  | "show.updated"
  | "show.deleted"
  | "episode.created"
  | "episode.updated"
  | "episode.scheduled"
  | "episode.published"
  | "episode.unpublished"
  | "episode.deleted"
  | "post.created"
  | "post.updated"
  | "post.scheduled"
  | "post.published"
  | "post.unpublished"
  | "post.deleted"
  | "post.newsletter_requested"
  | "private_feed.rotated"
  | "transcription.retried"
  | "transcription.requeued"
  | "transcript.summarized"
  | "social.account_connect_started"
  | "social.account_connected"
  | "social.account_disconnected"
  | "social.sync_requested"
  | "social.post_created"
  | "social.post_updated"
  | "social.post_scheduled"
  | "social.post_rescheduled"
  | "social.post_canceled"
  | "social.sandbox_behaviour_set"
  | "notifications.read"
  | "billing.checkout_requested"
  | "billing.portal_requested"
  | "billing.subscription_changed"
  | "payments.checkout_requested"
  | "payments.portal_requested"
  | "payments.refund_requested"
  | "payments.sandbox_action"
  | "payments.account_onboarding_started"
  | "payments.account_refreshed"
  | "transcript.edited"
  | "transcript.language_set"
  | "transcript.publication_set"
  | "show.transcript_auto_publish_set"
  | "grant.issued"
  | "grant.extended"
  | "grant.ended"
  | "supporter.joined"
  | "supporter.left"
  | "supporter.blocked"
  | "supporter.unblocked"
  | "supporter.imported"
  | "supporter.note_changed"
  | "supporter.sign_in_link_sent"
  | "supporter.newsletters_unsubscribed"
  | "supporter.email_preferences_changed"
  | "tier.moved"
  | "tier.created"
  | "tier.updated"
  | "tier.archived"
  | "advertiser.created"
  | "advertiser.updated"
  | "advertiser.deleted"
  | "campaign.created"
  | "campaign.updated"
  | "campaign.deleted"
  | "campaign.flight_created"
  | "campaign.flight_updated"
  | "campaign.flight_deleted"
  | "campaign.creative_created"
  | "campaign.creative_updated"
  | "campaign.creative_deleted"
  | "campaign.share_link_created"
  | "campaign.share_link_revoked"
  | "campaign.approval_recorded"
  | "campaign.host_reads_rechecked"
  | "invoice.created"
  | "invoice.status_changed"
  | "comment.created"
  | "comment.edited"
  | "comment.deleted"
  | "comment.hidden"
  | "comment.unhidden"
  | "comment.reported"
  | "comment.report_resolved"
  | "comment.settings_changed"
  | "comment.author_blocked"
  | "event.created"
  | "event.updated"
  | "event.published"
  | "ticket_type.created"
  | "ticket_type.updated"
  | "ticket_type.archived"
  | "promo_code.created"
  | "promo_code.deleted"
  | "order.reserved"
  | "waitlist.joined"
  | "order.canceled"
  | "order.refunded"
  | "ticket.transferred"
  | "waitlist.left"
  | "event.canceled"
  | "event.recording_published"
  | "checkin.synced"
  | "checkin.undone"
  | "ad_slot.created"
  | "ad_slot.updated"
  | "ad_slot.deleted"
  | "ad_slot.booked"
  | "ad_slot.unbooked";

export async function recordAudit(opts: {
  db: DbOrTx;
  action: AuditAction;
  actorUserId: string | null;
  workspaceId?: string | null;
  detail?: Record<string, string | number | boolean | null>;
  meta: RequestMeta;
  now: Date;
}) {
  await opts.db.insert(auditEvents).values({
    action: opts.action,
    actorUserId: opts.actorUserId,
    workspaceId: opts.workspaceId ?? null,
    detail: opts.detail ?? {},
    ip: opts.meta.ip,
    userAgent: opts.meta.userAgent?.slice(0, 512) ?? null,
    createdAt: opts.now,
  });
}

/** Newest first, keyset-paginated by (created_at, id). Always scoped to one workspace. */
export async function listWorkspaceAuditEvents(opts: {
  db: DbOrTx;
  workspaceId: string;
  limit: number;
  cursor?: { createdAt: Date; id: string };
}) {
  const cursorFilter = opts.cursor
    ? or(
        lt(auditEvents.createdAt, opts.cursor.createdAt),
        and(eq(auditEvents.createdAt, opts.cursor.createdAt), lt(auditEvents.id, opts.cursor.id)),
      )
    : undefined;
  const rows = await opts.db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      detail: auditEvents.detail,
      ip: auditEvents.ip,
      userAgent: auditEvents.userAgent,
      createdAt: auditEvents.createdAt,
      actorEmail: users.email,
      actorName: users.name,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.workspaceId, opts.workspaceId), cursorFilter))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: rows.length > opts.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
