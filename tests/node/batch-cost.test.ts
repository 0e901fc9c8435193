import { describe, expect, it } from "vitest";
import { BATCH_COST_BUDGET, EXPENSIVE_CALL } from "../../server/trpc/batch-cost";
import type { ProcedureMeta } from "../../server/trpc/init";
import { MAX_BATCH_SIZE } from "../../server/app";
import { appRouter } from "../../server/trpc/router";

/** Procedures that hash a password, send email or call a paid provider (Stripe, an LLM). */
const EXPENSIVE = [
  "auth.signUp",
  "auth.logIn",
  "auth.resetPassword",
  "auth.changePassword",
  "auth.requestPasswordReset",
  "auth.resendVerification",
  "workspaces.inviteMember",
  "billing.createCheckoutSession",
  "billing.createPortalSession",
  "transcripts.summarize",
  "socialInsights.suggestCaption",
];

const procedures = new Map(
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>),
);

const costOf = (path: string) => {
  const procedure = procedures.get(path);
  if (!procedure) throw new Error(`no procedure ${path}`);
  return procedure._def.meta?.cost ?? 1;
};

describe("batch cost", () => {
  it.each(EXPENSIVE)("%s declares itself expensive", (path) => {
    expect(costOf(path)).toBe(EXPENSIVE_CALL);
  });

  it("fits a full batch of cheap calls and one expensive call, never two", () => {
    expect(MAX_BATCH_SIZE).toBeLessThanOrEqual(BATCH_COST_BUDGET);
    expect(EXPENSIVE_CALL).toBeLessThanOrEqual(BATCH_COST_BUDGET);
    expect(2 * EXPENSIVE_CALL).toBeGreaterThan(BATCH_COST_BUDGET);
  });
});
