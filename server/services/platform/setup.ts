import type { Env } from "../../env";
import { isBillingConfigured } from "../billing/accounts";
import { stripePriceIds } from "../billing/plans";
import { isInstagramConfigured } from "../social/instagram-client";
import { configuredTranscriptionProviders } from "../transcription/provider-config";
import { llmProvidersFromEnv } from "../transcription/summary";

export const SETUP_AREAS = ["payments", "email", "transcription", "summaries", "instagram", "storage"] as const;
export type SetupArea = (typeof SETUP_AREAS)[number];

export interface SetupItem {
  area: SetupArea;
  ready: boolean;
  /** What a creator gets now, in their words: never a variable name, a script or a binding. */
  summary: string;
}

/**
 * What this installation can do, for a workspace owner: each area says whether it is set up and what that means
 * for the workspace. The operator's side (which variables to set) is in the README, never on the page.
 */
export function describeSetup(env: Env): SetupItem[] {
  const billing = isBillingConfigured(env);
  const prices = Object.keys(stripePriceIds(env)).length;
  const transcription = configuredTranscriptionProviders(env).length > 0;
  const summaries = llmProvidersFromEnv(env).length > 0;
  const email = env.EMAIL_PROVIDER === "resend" && Boolean(env.RESEND_API_KEY);
  return [
    {
      area: "payments",
      ready: billing && prices > 0,
      summary: !billing
        ? "Payments are not set up: every workspace is on the Free plan and paid plans cannot be bought."
        : prices > 0
          ? "Payments are set up: paid plans can be bought and managed from Billing."
          : "Payments are connected, but no paid plan has a price yet, so none can be bought.",
    },
    {
      area: "email",
      ready: email,
      summary: email
        ? "Email is set up: confirmations, invitations and notifications are delivered."
        : "Email is not being delivered: messages are kept on this machine and nobody receives them.",
    },
    {
      area: "transcription",
      ready: transcription,
      summary: transcription
        ? "Transcription is set up: uploaded audio is transcribed automatically."
        : "Transcription is not set up: uploads wait and are transcribed once it is turned on.",
    },
    {
      area: "summaries",
      ready: summaries,
      summary: summaries
        ? "Written summaries are set up: summaries, show notes and chapters are written by an AI model."
        : "Written summaries are not set up: summaries are the transcript's key sentences and chapters are even splits.",
    },
    {
      area: "instagram",
      ready: isInstagramConfigured(env),
      summary: isInstagramConfigured(env)
        ? "Instagram is set up: professional accounts can be connected and posted to."
        : "Instagram is not set up: only Sandbox accounts can be connected, which publish nowhere.",
    },
    {
      area: "storage",
      ready: Boolean(env.MEDIA),
      summary: env.MEDIA
        ? "Storage is set up: audio and images can be uploaded."
        : "Storage is not set up: nothing can be uploaded.",
    },
  ];
}
