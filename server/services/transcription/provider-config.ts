import type { Env } from "../../env";

export const TRANSCRIPTION_PROVIDER_IDS = ["workers-ai", "openai"] as const;
export type TranscriptionProviderId = (typeof TRANSCRIPTION_PROVIDER_IDS)[number];

/**
 * The providers named in TRANSCRIPTION_PROVIDERS, in fallback order, keeping only those whose prerequisites are
 * present (the AI binding; an API base URL and key). Empty means "no transcription provider configured".
 */
export function configuredTranscriptionProviders(
  env: Pick<Env, "TRANSCRIPTION_PROVIDERS" | "AI" | "OPENAI_BASE_URL" | "OPENAI_API_KEY">,
): TranscriptionProviderId[] {
  const named = (env.TRANSCRIPTION_PROVIDERS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name): name is TranscriptionProviderId =>
      (TRANSCRIPTION_PROVIDER_IDS as readonly string[]).includes(name),
    );
  return [...new Set(named)].filter((id) =>
    id === "workers-ai" ? Boolean(env.AI) : Boolean(env.OPENAI_BASE_URL && env.OPENAI_API_KEY),
  );
}
