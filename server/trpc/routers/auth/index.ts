import { router } from "../../init";
import { changePasswordProcedure } from "./change-password";
import { getSessionProcedure } from "./get-session";
import { listSessionsProcedure } from "./list-sessions";
import { logInProcedure } from "./log-in";
import { logOutProcedure } from "./log-out";
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
  listSessions: listSessionsProcedure,
  revokeOtherSessions: revokeOtherSessionsProcedure,
  revokeSession: revokeSessionProcedure,
});
