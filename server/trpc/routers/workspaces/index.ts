import { router } from "../../init";
import { acceptInvitationProcedure } from "./accept-invitation";
import { changeMemberRoleProcedure } from "./change-member-role";
import { createWorkspaceProcedure } from "./create-workspace";
import { getDashboardProcedure } from "./get-dashboard";
import { getOverviewProcedure } from "./get-overview";
import { getSetupProcedure } from "./get-setup";
import { inviteMemberProcedure } from "./invite-member";
import { leaveWorkspaceProcedure } from "./leave-workspace";
import { listAuditEventsProcedure } from "./list-audit-events";
import { listInvitationsProcedure } from "./list-invitations";
import { listMembersProcedure } from "./list-members";
import { listWorkspacesProcedure } from "./list-workspaces";
import { previewInvitationProcedure } from "./preview-invitation";
import { removeMemberProcedure } from "./remove-member";
import { renameWorkspaceProcedure } from "./rename-workspace";
import { revokeInvitationProcedure } from "./revoke-invitation";
import { transferOwnershipProcedure } from "./transfer-ownership";

export const workspacesRouter = router({
  list: listWorkspacesProcedure,
  create: createWorkspaceProcedure,
  getOverview: getOverviewProcedure,
  getDashboard: getDashboardProcedure,
  rename: renameWorkspaceProcedure,
  listMembers: listMembersProcedure,
  inviteMember: inviteMemberProcedure,
  listInvitations: listInvitationsProcedure,
  revokeInvitation: revokeInvitationProcedure,
  previewInvitation: previewInvitationProcedure,
  acceptInvitation: acceptInvitationProcedure,
  changeMemberRole: changeMemberRoleProcedure,
  removeMember: removeMemberProcedure,
  leave: leaveWorkspaceProcedure,
  transferOwnership: transferOwnershipProcedure,
  listAuditEvents: listAuditEventsProcedure,
  getSetup: getSetupProcedure,
});
