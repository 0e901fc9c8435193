/**
 * How an Instagram connect attempt ended, as the callback reports it to the accounts page in `?connect=<code>`.
 * Only these codes are shown, so a crafted link cannot put arbitrary text on the page.
 */
export const INSTAGRAM_CALLBACK_PATH = "/api/social/instagram/callback";

export const CONNECT_OUTCOMES = {
  connected: "Your Instagram account is connected.",
  denied: "Instagram did not grant access, so nothing was connected. Try again and allow the requested permissions.",
  state_invalid: "This connection link is not valid. Start again from Connect Instagram.",
  state_expired: "This connection link expired or was already used. Start again from Connect Instagram.",
  state_other_user: "This connection was started by another member. Start again from your own account.",
  exchange_failed: "Instagram did not accept the authorization. Try connecting again in a moment.",
  quota: "Your plan's social account limit is reached. Disconnect an account or upgrade on the Billing page.",
  not_configured: "Instagram is not configured on this Greenroom installation.",
  forbidden: "Only owners and admins can connect social accounts.",
} as const;

export type ConnectOutcome = keyof typeof CONNECT_OUTCOMES;

export const connectOutcomeMessage = (code: string | null): string | null =>
  code && Object.hasOwn(CONNECT_OUTCOMES, code) ? CONNECT_OUTCOMES[code as ConnectOutcome] : null;

export const instagramRedirectUri = (appUrl: string) => `${appUrl.replace(/\/$/, "")}${INSTAGRAM_CALLBACK_PATH}`;
