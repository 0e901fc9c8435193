import type { Role } from "../../../db/schema";

/**
 * The permission matrix, the only place that says which role may do what. Procedures name a permission;
 * they never compare roles themselves.
 */
export const PERMISSIONS = {
  "workspace.read": ["owner", "admin", "editor", "viewer"],
  "workspace.update": ["owner", "admin"],
  "members.read": ["owner", "admin", "editor", "viewer"],
  "members.manage": ["owner", "admin"],
  "ownership.transfer": ["owner"],
  "audit.read": ["owner", "admin"],
  "content.read": ["owner", "admin", "editor", "viewer"],
  "content.write": ["owner", "admin", "editor"],
  "billing.manage": ["owner", "admin"],
  /** Connect the workspace's Stripe account, see supporters' payments, refund, and drive the sandbox. */
  "payments.manage": ["owner", "admin"],
  /** Connect, reconnect and disconnect social accounts (scheduling posts is content.write). */
  "social.accounts.manage": ["owner", "admin"],
  /** Advertisers, campaigns, flights, creatives, their calendar and reports (ADR 023). */
  "campaigns.read": ["owner", "admin", "editor", "viewer"],
  "campaigns.manage": ["owner", "admin", "editor"],
  /** Invoices to advertisers: money owed to the network, so only those who handle billing. */
  "campaigns.invoice": ["owner", "admin"],
  /** What the installation has set up (payments, email, transcription...): owners decide whether to pay for more. */
  "setup.read": ["owner"],
  /** The audience: members, their grants and payments, tiers (ADR 022). Personal data, so viewers do not see it. */
  "audience.read": ["owner", "admin", "editor"],
  /** Tiers, manual grants, blocking, imports. */
  "audience.manage": ["owner", "admin"],
  /** Events, their sales, dashboards and attendee lists (names and emails, so not viewers). */
  "events.read": ["owner", "admin", "editor"],
  /** Create and change events, ticket types and promo codes. */
  "events.manage": ["owner", "admin", "editor"],
  /**
   * Check tickets in at the door: the event's ticket list (holders' names and emails), scans, undo (ADR 031).
   * The only permission of `steward`; viewers lack it because the list is personal data, as with audience.read.
   */
  "checkin.scan": ["owner", "admin", "editor", "steward"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Roles an inviter may hand out: admins cannot mint owners; ownership moves only by transfer. */
export const INVITABLE_ROLES = ["admin", "editor", "viewer", "steward"] as const;
export type InvitableRole = (typeof INVITABLE_ROLES)[number];
