import { router } from "../../init";
import { changeNameProcedure } from "./change-name";
import { changePasswordProcedure } from "./change-password";
import { confirmEmailChangeProcedure } from "./confirm-email-change";
import { getSessionProcedure } from "./get-session";
import { listSessionsProcedure } from "./list-sessions";
import { logInProcedure } from "./log-in";
import { logOutProcedure } from "./log-out";
import { requestEmailChangeProcedure } from "./request-email-change";
import { requestPasswordResetProcedure } from "./request-password-reset";
import { resendVerificationProcedure } from "./resend-verification";
import { resetPasswordProcedure } from "./reset-password";
import { revokeOtherSessionsProcedure } from "./revoke-other-sessions";
import { revokeSessionProcedure } from "./revoke-session";
import { signUpProcedure } from "./sign-up";
import { verifyEmailProcedure } from "./verify-email";

export const authRouter = router({
  signUp: signUpProcedure,
  logIn: logInProcedure,
  logOut: logOutProcedure,
  getSession: getSessionProcedure,
  verifyEmail: verifyEmailProcedure,
  resendVerification: resendVerificationProcedure,
  requestPasswordReset: requestPasswordResetProcedure,
  resetPassword: resetPasswordProcedure,
  changePassword: changePasswordProcedure,
  changeName: changeNameProcedure,
  requestEmailChange: requestEmailChangeProcedure,
  confirmEmailChange: confirmEmailChangeProcedure,
  listSessions: listSessionsProcedure,
  revokeOtherSessions: revokeOtherSessionsProcedure,
  revokeSession: revokeSessionProcedure,
});
