/**
 * Messages shown after a redirect, addressed by a code in `?notice=`. Only known codes are shown, so a link
 * cannot put arbitrary text on our pages.
 */
const NOTICES = {
  "email-verified": "Your email address is confirmed. Thank you!",
  "verification-sent": "We sent a new confirmation link. Check your inbox.",
  "verification-limited": "We have sent several emails already. Check your inbox, or try again later.",
  "password-reset": "Your password was reset and you are logged in. Your other sessions were logged out.",
  "password-changed": "Your password was changed. Your other sessions were logged out.",
  "email-changed": "Your email address is changed and confirmed. We told your previous address.",
  "workspace-created": "Your new workspace is ready.",
  "invitation-accepted": "You joined the workspace. Welcome!",
  "left-workspace": "You left the workspace.",
  "logged-out": "You are logged out.",
  "audience-joined": "You joined. Welcome!",
  "audience-left": "You left. Your memberships ended and you will get no more emails.",
  "ticket-transferred": "Ticket transferred: they get it by email with a new code. Your copy no longer admits anyone.",
} as const;

export type NoticeCode = keyof typeof NOTICES;

export const noticeMessage = (code: string | null): string | null =>
  code && Object.hasOwn(NOTICES, code) ? NOTICES[code as NoticeCode] : null;

export const withNotice = (path: string, code: NoticeCode) => `${path}${path.includes("?") ? "&" : "?"}notice=${code}`;
