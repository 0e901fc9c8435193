import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * AUDIENCE.md invariant 2: grants change only through server/services/audience/grants.ts (which writes an audit row
 * beside every change). This walks the server and worker sources for any other insert, update or delete of the
 * `grants` table, through drizzle or raw SQL.
 */
const ROOTS = ["server", "workers", "app", "db"];
const ALLOWED = new Set([path.join("server", "services", "audience", "grants.ts")]);
const WRITES = [/\.(insert|update|delete)\(\s*grants\s*\)/, /\b(insert\s+into|update|delete\s+from)\s+"?grants"?\b/i];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

describe("grant writers", () => {
  it("finds the writer it is looking for (the check is not vacuous)", () => {
    const source = readFileSync(path.join("server", "services", "audience", "grants.ts"), "utf8");
    expect(WRITES.some((pattern) => pattern.test(source))).toBe(true);
  });

  it("no file but grants.ts writes the grants table", () => {
    const offenders = ROOTS.flatMap(sourceFiles).filter(
      (file) => !ALLOWED.has(file) && WRITES.some((pattern) => pattern.test(readFileSync(file, "utf8"))),
    );
    expect(offenders).toEqual([]);
  });
});
