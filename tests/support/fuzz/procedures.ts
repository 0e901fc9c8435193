import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../server/env";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import type * as z from "zod";
import { appRouter } from "../../../server/trpc/router";
import { createTestDatabase, type TestDatabase } from "../db";
import { createLocalR2 } from "../r2";
import { callerFor } from "../trpc";
import { workspaceWithContent, idPools, type Content } from "./content";
import { changedBetween, changeSnapshot, installChangeCounter } from "./db-changes";
import { fuzzInputs } from "./inputs";
import { unreadableMessages } from "./messages";

/** FUZZ_SEED and FUZZ_RUNS (per procedure and caller) reproduce a failure or search longer. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261206);
export const FUZZ_RUNS = Math.max(200, Number(process.env.FUZZ_RUNS ?? 200));

/**
 * Writes a failing call may legitimately commit: the rate-limit counters every anonymous or credential-checking
 * procedure bumps before it refuses, and the audit row of a failed login.
 */
export const WRITES_ALLOWED_ON_FAILURE: ReadonlySet<string> = new Set([
  "rate_limits",
  "audit_events:auth.login_failed",
]);

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: z.core.$ZodType[];
}

/** Every procedure of the router, including ones added after this file was written. */
export function allProcedures(): { path: string; def: ProcedureDef }[] {
  return Object.entries(appRouter._def.procedures)
    .map(([path, procedure]) => ({ path, def: (procedure as unknown as { _def: ProcedureDef })._def }))
    .filter(({ def }) => def.type !== "subscription")
    .sort((a, b) => a.path.localeCompare(b.path));
}

const describeInput = (input: unknown) => {
  let text: string;
  try {
    text = fc.stringify(input);
  } catch {
    text = "(too deeply nested to print)";
  }
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
};

/** The problems with one call's outcome; an empty list when it succeeded or failed cleanly. */
async function problemsOfCall(t: TestDatabase, call: () => Promise<unknown>): Promise<string[]> {
  const before = await changeSnapshot(t.pglite);
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  if (error === null) return [];
  const problems: string[] = [];
  if (!(error instanceof TRPCError)) return [`threw a ${String(error)} instead of a TRPCError`];
  if (error.code === "INTERNAL_SERVER_ERROR") {
    const cause = error.cause instanceof Error ? error.cause : error;
    problems.push(
      `INTERNAL_SERVER_ERROR: ${cause.message.slice(0, 300)}\n${cause.stack?.split("\n").slice(1, 4).join("\n")}`,
    );
  }
  problems.push(...unreadableMessages(error).map((m) => `unreadable message (${error.code}): ${m}`));
  const changed = changedBetween(before, await changeSnapshot(t.pglite), WRITES_ALLOWED_ON_FAILURE);
  if (changed.length) problems.push(`failed with ${error.code} but wrote: ${changed.join(", ")}`);
  return problems;
}

export type Caller = "anonymous" | "owner";

/**
 * Sends FUZZ_RUNS derived inputs to one procedure as one caller. The owner gets a fresh workspace with content
 * (its calls may delete or leave it); ids of `foreign` (another workspace) are offered in every id field.
 */
export async function fuzzProcedure(opts: {
  t: TestDatabase;
  path: string;
  def: ProcedureDef;
  caller: Caller;
  foreign: Content;
  env?: Partial<Env>;
}) {
  const own = await workspaceWithContent(opts.t.db, "Fuzz");
  const session = opts.caller === "owner" ? own.owner : null;
  const { api } = callerFor(opts.t.db, session, { env: opts.env });
  const procedure = opts.path.split(".").reduce<unknown>((node, key) => Reflect.get(node as object, key), api) as (
    input: unknown,
  ) => Promise<unknown>;
  // Every distinct kind of problem is kept with its first input, so one run lists them all, not only the first.
  const found = new Map<string, string>();
  const property = fc.asyncProperty(fuzzInputs(opts.def.inputs, idPools(own, opts.foreign)), async (input) => {
    for (const problem of await problemsOfCall(opts.t, () => procedure(input))) {
      const kind = problem
        .split("\n")[0]
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>")
        .slice(0, 160);
      if (!found.has(kind)) found.set(kind, `${problem}\n    input: ${describeInput(input)}`);
    }
  });
  await fc.assert(property, { seed: FUZZ_SEED, numRuns: FUZZ_RUNS });
  if (found.size) {
    throw new Error(
      `${opts.path} as ${opts.caller} (reproduce with FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS}):\n  ${[...found.values()].join("\n  ")}`,
    );
  }
}

/**
 * The suite, for one share of the procedures (split across files so vitest runs them on separate cores): the
 * i-th file takes every `of`-th procedure starting at i, so a new procedure lands in one of them.
 */
export function defineProcedureFuzz(share: { part: number; of: number }) {
  let t: TestDatabase;
  let r2: Awaited<ReturnType<typeof createLocalR2>>;
  let foreign: Content;
  beforeAll(async () => {
    [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
    await installChangeCounter(t.pglite);
    foreign = await workspaceWithContent(t.db, "Foreign");
  });
  afterAll(async () => {
    await t.close();
    await r2.dispose();
  });

  const procedures = allProcedures().filter((_, i) => i % share.of === share.part);
  describe(`fuzzing procedures, share ${share.part + 1} of ${share.of} (seed ${FUZZ_SEED}, ${FUZZ_RUNS} inputs per procedure and caller)`, () => {
    it("has procedures to fuzz", () => expect(procedures.length).toBeGreaterThan(10));
    for (const { path, def } of procedures) {
      for (const caller of ["anonymous", "owner"] as const) {
        it(
          `${path} as ${caller}`,
          () => fuzzProcedure({ t, path, def, caller, foreign, env: { MEDIA: r2.bucket } }),
          600_000,
        );
      }
    }
  });
}
