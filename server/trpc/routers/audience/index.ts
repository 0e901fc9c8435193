import { router } from "../../init";
import { exportMembersProcedure } from "./export-members";
import { extendGrantProcedure } from "./extend-grant";
import { getCreatorHomeProcedure } from "./get-creator-home";
import { getGrowthProcedure } from "./get-growth";
import { getMemberProcedure } from "./get-member";
import { getPortalProcedure } from "./get-portal";
import { grantMembershipProcedure } from "./grant-membership";
import { importMembersProcedure } from "./import-members";
import { joinProcedure } from "./join";
import { joinWithPasswordProcedure } from "./join-with-password";
import { leaveAudienceProcedure } from "./leave-audience";
import { listMembersProcedure } from "./list-members";
import { requestJoinLinkProcedure } from "./request-join-link";
import { revokeGrantProcedure } from "./revoke-grant";
import { setEmailPreferencesProcedure } from "./set-email-preferences";
import { setMemberBlockedProcedure } from "./set-member-blocked";
import { setMemberNoteProcedure } from "./set-member-note";
import { signInWithLinkProcedure } from "./sign-in-with-link";

export const audienceRouter = router({
  // The creator's side.
  listMembers: listMembersProcedure,
  exportMembers: exportMembersProcedure,
  getMember: getMemberProcedure,
  getGrowth: getGrowthProcedure,
  setMemberBlocked: setMemberBlockedProcedure,
  setMemberNote: setMemberNoteProcedure,
  grantMembership: grantMembershipProcedure,
  revokeGrant: revokeGrantProcedure,
  extendGrant: extendGrantProcedure,
  importMembers: importMembersProcedure,
  // The public side: the creator's home and joining.
  getCreatorHome: getCreatorHomeProcedure,
  join: joinProcedure,
  joinWithPassword: joinWithPasswordProcedure,
  requestJoinLink: requestJoinLinkProcedure,
  signInWithLink: signInWithLinkProcedure,
  // The supporter's portal.
  getPortal: getPortalProcedure,
  setEmailPreferences: setEmailPreferencesProcedure,
  leave: leaveAudienceProcedure,
});
