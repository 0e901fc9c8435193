/** The sandbox's controls, apart from its service so pages can list them without loading server code. */
export const SANDBOX_CONTROLS = [
  "renew",
  "fail_renewal",
  "fail_next_renewal",
  "cancel_now",
  "cancel_at_period_end",
  "resume",
] as const;
export type SandboxControl = (typeof SANDBOX_CONTROLS)[number];

/** What the supporter may do themselves in the sandbox portal (as in Stripe's customer portal). */
export const SUPPORTER_SANDBOX_CONTROLS = ["cancel_now", "cancel_at_period_end", "resume"] as const;

export const SANDBOX_DISPUTE_ACTIONS = ["open", "won", "lost"] as const;
