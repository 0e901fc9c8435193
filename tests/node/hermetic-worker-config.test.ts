import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { afterAll, describe, expect, it } from "vitest";
import { hermeticWranglerConfig } from "../support/hermetic-wrangler";

const repoRoot = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "greenroom-hermetic-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bindingsOf = (configPath: string) =>
  (unstable_getMiniflareWorkerOptions(configPath).workerOptions.bindings ?? {}) as Record<string, unknown>;

describe("the workerd test pool's wrangler config", () => {
  it("ignores a developer's .dev.vars that wrangler would otherwise read", () => {
    copyFileSync(resolve(repoRoot, "wrangler.toml"), join(scratch, "wrangler.toml"));
    mkdirSync(join(scratch, "build/client"), { recursive: true });
    writeFileSync(join(scratch, ".dev.vars"), "TRANSCRIPTION_PROVIDERS=openai\nOPENAI_API_KEY=sk-local\n");

    // The plain config picks the developer's values up: this is what the test pool must avoid.
    expect(bindingsOf(join(scratch, "wrangler.toml"))).toMatchObject({ TRANSCRIPTION_PROVIDERS: "openai" });

    const hermetic = bindingsOf(hermeticWranglerConfig(scratch));
    expect(hermetic).not.toHaveProperty("TRANSCRIPTION_PROVIDERS");
    expect(hermetic).not.toHaveProperty("OPENAI_API_KEY");
    expect(hermetic).toMatchObject({ EMAIL_PROVIDER: "resend" });
  });

  it("keeps the Worker's entry, assets and aliases pointing at the repo", () => {
    const text = hermeticWranglerConfig(repoRoot, join(scratch, "nested/config"));
    const options = unstable_getMiniflareWorkerOptions(text);
    expect(options.main).toBe(resolve(repoRoot, "workers/app.ts"));
  });
});
