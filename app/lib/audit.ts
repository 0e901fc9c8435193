type Detail = Record<string, string | number | boolean | null>;

const str = (value: unknown) => (typeof value === "string" ? value : null);

/**
 * An audit event as a sentence. `nameOf` resolves user ids in the detail to current members' names; someone
 * who has since left is "a former member".
 */
export function describeAuditEvent(
  action: string,
  detail: Detail,
  nameOf: (userId: string) => string | undefined,
): string {
  const person = (userId: unknown) => (typeof userId === "string" && nameOf(userId)) || "a former member";
  switch (action) {
    case "workspace.created":
      return `Created the workspace${str(detail.name) ? ` “${detail.name}”` : ""}`;
    case "workspace.renamed":
      return `Renamed the workspace to “${detail.name}”`;
    case "workspace.ownership_transferred":
      return `Transferred ownership to ${person(detail.to)}`;
    case "member.invited":
      return `Invited ${detail.email} as ${detail.role}`;
    case "member.invitation_revoked":
      return `Revoked the invitation for ${detail.email}`;
    case "member.joined":
      return `Joined as ${detail.role}`;
    case "member.role_changed":
      return `Changed ${person(detail.userId)}’s role from ${detail.from} to ${detail.to}`;
    case "member.removed":
      return `Removed ${person(detail.userId)}${str(detail.role) ? ` (${detail.role})` : ""}`;
    case "member.left":
      return "Left the workspace";
    case "media.uploaded":
      return `Uploaded “${detail.filename}”`;
    case "media.deleted":
      return `Deleted the file “${detail.filename}”`;
    case "show.created":
      return `Created the show “${detail.title}”`;
    case "show.updated":
      return `Edited the show “${detail.title}”`;
    case "show.deleted":
      return `Deleted the show “${detail.title}”`;
    case "episode.created":
      return `Created the episode “${detail.title}”`;
    case "episode.updated":
      return `Edited the episode “${detail.title}”`;
    case "episode.scheduled":
      return `Scheduled the episode “${detail.title}”`;
    case "episode.published":
      return detail.scheduled
        ? `Published the scheduled episode “${detail.title}”`
        : `Published the episode “${detail.title}”`;
    case "episode.unpublished":
      return `Unpublished the episode “${detail.title}”`;
    case "episode.deleted":
      return `Deleted the episode “${detail.title}”`;
    case "transcription.retried":
      return "Retried a failed transcription";
    case "transcription.requeued":
      return `Asked for a new transcription${str(detail.language) ? ` in ${detail.language}` : ""}`;
    case "transcript.summarized":
      return detail.kind === "llm"
        ? "Generated a summary, show notes and chapters with AI"
        : "Generated an automatic (extractive) summary";
    case "transcript.edited":
      return "Edited a transcript line";
    case "transcript.language_set":
      return `Set a transcript's language to ${detail.language ?? "automatic"}`;
    case "media.upload_started":
      return `Started uploading “${detail.filename}”`;
    case "media.upload_aborted":
      return `Cancelled the upload of “${detail.filename}”`;
    case "media.rejected":
      return `Upload of “${detail.filename}” was refused: ${detail.reason}`;
    case "social.account_connect_started":
      return "Started connecting an Instagram account";
    case "social.account_connected":
      return `Connected the ${detail.provider === "sandbox" ? "Sandbox" : "Instagram"} account @${detail.username}`;
    case "social.account_disconnected":
      return `Disconnected the account @${detail.username}`;
    case "social.sync_requested":
      return `Asked to sync @${detail.username} now`;
    case "social.post_created":
      return "Saved a draft post";
    case "social.post_updated":
      return "Edited a draft post";
    case "social.post_scheduled":
      return "Scheduled a post";
    case "social.post_rescheduled":
      return "Rescheduled a post";
    case "social.post_canceled":
      return "Canceled a post";
    case "social.sandbox_behaviour_set":
      return "Changed how the Sandbox account behaves";
    case "notifications.read":
      return `Marked ${detail.count} notification${detail.count === 1 ? "" : "s"} read`;
    case "billing.checkout_requested":
      return `Opened checkout for the ${detail.plan} plan`;
    case "billing.portal_requested":
      return "Opened the billing portal";
    case "billing.subscription_changed":
      return `Stripe reported the subscription ${detail.status} on the ${detail.plan} plan`;
    default:
      return action;
  }
}
