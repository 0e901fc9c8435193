import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationError, DEPLOY_ENVIRONMENTS, LOCAL_ENVIRONMENTS } from "../../server/config/environments";
import { appConfigFromEnv, localDbProxy } from "../../server/env";
import { repoRoot } from "../support/snapshot";
import { testEnv } from "../support/trpc";

/** `[section]` → its `key = "value"` pairs; enough TOML for wrangler.toml's string vars. */
function wranglerSections() {
  const sections = new Map<string, Map<string, string>>();
  let current = "";
  sections.set(current, new Map());
  for (const line of readFileSync(join(repoRoot, "wrangler.toml"), "utf8").split("\n")) {
    const header = /^\s*\[([^[\]]+)\]\s*$/.exec(line);
    if (header) {
      current = header[1]!.trim();
      if (!sections.has(current)) sections.set(current, new Map());
      continue;
    }
    const pair = /^\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (pair) sections.get(current)!.set(pair[1]!, pair[2]!);
  }
  return sections;
}

const config = (ENVIRONMENT: string | undefined) =>
  appConfigFromEnv(testEnv({ ENVIRONMENT: ENVIRONMENT as string }).env);

describe("ENVIRONMENT allow-list", () => {
  it("matches wrangler.toml: [vars] is production and every [env.<name>] sets ENVIRONMENT to its own name", () => {
    const sections = wranglerSections();
    expect(sections.get("vars")?.get("ENVIRONMENT")).toBe("production");
    const deployNames = [...sections.keys()]
      .map((name) => /^env\.([^.]+)/.exec(name)?.[1])
      .filter((name): name is string => Boolean(name));
    for (const name of new Set(deployNames)) {
      expect(DEPLOY_ENVIRONMENTS as readonly string[]).toContain(name);
      expect(sections.get(`env.${name}.vars`)?.get("ENVIRONMENT")).toBe(name);
    }
    for (const name of DEPLOY_ENVIRONMENTS) {
      if (name !== "production") expect(deployNames).toContain(name);
    }
  });

  it.each([undefined, "", "prod", "Production", "production ", "staging-typo", "__proto__", "toString"])(
    "refuses %j: nothing is served on a guess",
    (value) => {
      expect(() => config(value)).toThrow(ConfigurationError);
      expect(() => config(value)).toThrow(/ENVIRONMENT is .*expected one of development, test, production/);
    },
  );

  it.each(LOCAL_ENVIRONMENTS)("switches on the local tools in %s only", (name) => {
    expect(config(name)).toMatchObject({ environment: name, localTools: true, secureCookies: false });
  });

  it.each(DEPLOY_ENVIRONMENTS)("behaves as production in %s: secure cookies, no local tools", (name) => {
    expect(config(name)).toMatchObject({ environment: name, localTools: false, secureCookies: true });
  });
});

describe("the local database proxy", () => {
  it("is honoured where local tools are on, and in a deployment only for a database on this machine", () => {
    const proxy = { LOCAL_DB_PROXY: "127.0.0.1:4444" };
    const neon = { DATABASE_URL: "postgres://app:secret@ep-quiet-lake-123.eu-central-1.aws.neon.tech/greenroom" };
    const loopback = { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:5432/postgres" };
    for (const name of LOCAL_ENVIRONMENTS)
      expect(localDbProxy(testEnv({ ENVIRONMENT: name, ...proxy, ...neon }).env), name).toBe("127.0.0.1:4444");
    for (const name of DEPLOY_ENVIRONMENTS) {
      expect(localDbProxy(testEnv({ ENVIRONMENT: name, ...proxy, ...neon }).env), name).toBeUndefined();
      expect(localDbProxy(testEnv({ ENVIRONMENT: name, ...proxy, ...loopback }).env), name).toBe("127.0.0.1:4444");
      expect(localDbProxy(testEnv({ ENVIRONMENT: name, ...neon }).env), name).toBeUndefined();
    }
  });
});
