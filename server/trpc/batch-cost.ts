import { TRPCError } from "@trpc/server";
import type { TRPCRequestInfo } from "@trpc/server/http";
import type { ProcedureMeta } from "./init";

/**
 * Cost of a call that hashes a password, sends email or calls a paid provider. With the budget below a batch
 * carries at most one of them (plus a few cheap calls), so batching cannot multiply the costly work of one
 * HTTP request; every call still counts against its own rate limits.
 */
export const EXPENSIVE_CALL = 6;
/** Ten cheap calls (the batch size limit) fit; two expensive ones do not. */
export const BATCH_COST_BUDGET = 10;

export function batchCost(calls: TRPCRequestInfo["calls"]): number {
  return calls.reduce((sum, call) => {
    const meta = call.procedure?._def.meta as ProcedureMeta | undefined;
    return sum + (meta?.cost ?? 1);
  }, 0);
}

/** Refuses the whole batch before any call runs: partial batches would leave the client guessing. */
export function assertBatchWithinBudget(info: TRPCRequestInfo) {
  if (batchCost(info.calls) <= BATCH_COST_BUDGET) return;
  throw new TRPCError({
    code: "BAD_REQUEST",
    message: "This request asks for too much at once (sign-ins, passwords or emails). Send them one at a time.",
  });
}
