import type { Role } from "../../db/schema/workspaces";
import { INVITABLE_ROLES } from "../../server/services/workspaces/permissions";

export type { Role };
export { can, INVITABLE_ROLES } from "../../server/services/workspaces/permissions";

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  editor: "Editor",
  viewer: "Viewer",
  steward: "Steward",
};

/** The role as a sentence names it: "an editor", "a viewer" (the article follows the sound, not a rule of thumb). */
export const ROLE_WITH_ARTICLE: Record<Role, string> = {
  owner: "an owner",
  admin: "an admin",
  editor: "an editor",
  viewer: "a viewer",
  steward: "a steward",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Full control, including transferring ownership.",
  admin: "Manages members, invitations and settings.",
  editor: "Creates and edits the workspace's content.",
  viewer: "Can look, not change.",
  steward: "Checks tickets in at events; sees nothing else.",
};

/** Roles a manager may assign: only owners may make someone an owner. */
export const assignableRoles = (actorRole: Role): Role[] =>
  actorRole === "owner" ? ["owner", ...INVITABLE_ROLES] : [...INVITABLE_ROLES];
