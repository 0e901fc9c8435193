import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";

/**
 * wrangler reads `.dev.vars` (or `.env`) beside the config it is given, so a developer's local settings (say a
 * transcription provider added as the README suggests) would leak into the tests. The tests use a copy of
 * wrangler.toml in a folder with neither file, its relative paths pointing back at the repo; every value the
 * Worker needs is set by the test config itself.
 */
export function hermeticWranglerConfig(repoRoot: string, folder = resolve(repoRoot, ".wrangler/test-config")): string {
  const back = relative(folder, repoRoot);
  const text = readFileSync(resolve(repoRoot, "wrangler.toml"), "utf8")
    .replace(/^main = "(.+)"$/m, (_line, main: string) => `main = "${back}/${main}"`)
    .replaceAll('"./', `"${back}/`);
  mkdirSync(folder, { recursive: true });
  const configPath = resolve(folder, "wrangler.toml");
  writeFileSync(configPath, text);
  return configPath;
}
