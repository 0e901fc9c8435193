import type { Env } from "../../env";
import { isLocalEnvironment } from "../../config/environments";

export const TRANSCRIPTION_PROVIDER_IDS = ["workers-ai", "openai", "local"] as const;
export type TranscriptionProviderId = (typeof TRANSCRIPTION_PROVIDER_IDS)[number];

export type ProviderConfigEnv = Pick<
  Env,
  "TRANSCRIPTION_PROVIDERS" | "AI" | "OPENAI_BASE_URL" | "OPENAI_API_KEY" | "LOCAL_TRANSCRIPTION_URL"
> &
  Partial<Pick<Env, "ENVIRONMENT">>;

/**
 * The offline engine `npm run dev` serves on loopback (ADR 020). Only a local environment may use it: a deployed
 * Worker has no loopback server, and a stray value must not route creators' audio anywhere.
 */
export function localEngineUrl(env: ProviderConfigEnv): string | undefined {
  return isLocalEnvironment(env.ENVIRONMENT) && env.LOCAL_TRANSCRIPTION_URL ? env.LOCAL_TRANSCRIPTION_URL : undefined;
}

/**
 * The providers named in TRANSCRIPTION_PROVIDERS, in fallback order, keeping only those whose prerequisites are
 * present (the AI binding; an API base URL and key; the local engine's address). With TRANSCRIPTION_PROVIDERS
 * unset, the local engine is the default when `npm run dev` found one. Empty means "no transcription provider
 * configured".
 */
export function configuredTranscriptionProviders(env: ProviderConfigEnv): TranscriptionProviderId[] {
  const setting = env.TRANSCRIPTION_PROVIDERS?.trim() || (localEngineUrl(env) ? "local" : "");
  const named = setting
    .split(",")
    .map((name) => name.trim())
    .filter((name): name is TranscriptionProviderId =>
      (TRANSCRIPTION_PROVIDER_IDS as readonly string[]).includes(name),
    );
  return [...new Set(named)].filter((id) =>
    id === "workers-ai"
      ? Boolean(env.AI)
      : id === "local"
        ? Boolean(localEngineUrl(env))
        : Boolean(env.OPENAI_BASE_URL && env.OPENAI_API_KEY),
  );
}

/** What the UI says about transcription: nothing configured, only the low-accuracy local engine, or a real one. */
export type TranscriptionSetup = "none" | "local" | "provider";

export function transcriptionSetup(env: ProviderConfigEnv): TranscriptionSetup {
  const [first] = configuredTranscriptionProviders(env);
  return first === undefined ? "none" : first === "local" ? "local" : "provider";
}
