type Detail = Record<string, string | number | boolean | null>;

const str = (value: unknown) => (typeof value === "string" ? value : null);

/**
 * An audit event as a sentence. `nameOf` resolves user ids in the detail to current members' names; someone
 * who has since left is "a former member".
 */
export function describeAuditEvent(action: string, detail: Detail, nameOf: (userId: string) => string | undefined): string {
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
    default:
      return action;
  }
}
