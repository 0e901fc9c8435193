/**
 * The environments Greenroom serves in, closed by default (ADR 014). Only the local environments switch on
 * conveniences that would leak or weaken anything in a deployment; every other known environment behaves as
 * production, and an unknown or missing name serves nothing.
 */
export const LOCAL_ENVIRONMENTS = ["development", "test"] as const;

/**
 * "production" plus one name per `[env.<name>]` section of wrangler.toml. wrangler's `[env.*]` sections do not
 * inherit `[vars]`, so each must set `ENVIRONMENT = "<name>"` itself; tests/node/environments.test.ts fails
 * until this list and wrangler.toml agree.
 */
export const DEPLOY_ENVIRONMENTS = ["production"] as const;

export type LocalEnvironment = (typeof LOCAL_ENVIRONMENTS)[number];
export type EnvironmentName = LocalEnvironment | (typeof DEPLOY_ENVIRONMENTS)[number];

const KNOWN: ReadonlySet<string> = new Set<string>([...LOCAL_ENVIRONMENTS, ...DEPLOY_ENVIRONMENTS]);
const LOCAL: ReadonlySet<string> = new Set<string>(LOCAL_ENVIRONMENTS);

export function isKnownEnvironment(value: unknown): value is EnvironmentName {
  return typeof value === "string" && KNOWN.has(value);
}

/** Dev mailbox, query-count header, error internals, development Remix, set-plan: development and test only. */
export function isLocalEnvironment(value: unknown): value is LocalEnvironment {
  return typeof value === "string" && LOCAL.has(value);
}

/** Thrown when the Worker is started with a configuration it must not serve with. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

export function requireKnownEnvironment(value: unknown): EnvironmentName {
  if (isKnownEnvironment(value)) return value;
  const shown = value === undefined || value === "" ? "missing" : JSON.stringify(String(value).slice(0, 40));
  throw new ConfigurationError(
    `ENVIRONMENT is ${shown}; expected one of ${[...KNOWN].join(", ")}. ` +
      "Set it in wrangler.toml ([vars] or the [env.<name>] section) or .dev.vars.",
  );
}
