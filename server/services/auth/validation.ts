import * as z from "zod";
import { text, token } from "../../lib/text";

/** Shared by procedures and forms so the browser and the server give the same messages. */
export const ZEmail = text("email address", { min: 1, max: 254, empty: "Enter your email address." })
  .toLowerCase()
  .pipe(z.email("Enter a valid email address."));
export const ZPassword = text("password", {
  min: 10,
  max: 256,
  trim: false,
  tooShort: "Use at least 10 characters.",
  tooLong: "Use at most 256 characters.",
});
/** A password being checked rather than chosen: any non-empty value, compared by the service. */
export const ZPasswordAttempt = (empty: string) => text("password", { min: 1, max: 256, trim: false, empty });
export const ZPersonName = text("name", {
  min: 1,
  max: 100,
  empty: "Enter your name.",
  tooLong: "Use at most 100 characters.",
});
export const ZWorkspaceName = text("workspace name", {
  min: 1,
  max: 80,
  empty: "Enter a name.",
  tooLong: "Use at most 80 characters.",
});

/** Reset, verification and invitation links carry a randomToken (base64url); anything else is a broken link. */
export const ZLinkToken = token("link", {
  min: 10,
  max: 200,
  invalid: "This link is invalid or has expired. Ask for a new one.",
});

/** A session's public id (randomToken, base64url), as the sessions list shows it. */
export const ZSessionId = token("session", { min: 1, max: 64, invalid: "Unknown session." });
