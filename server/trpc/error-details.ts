import type { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AppError } from "../lib/errors";

export const VALIDATION_MESSAGE = "Some fields need attention.";

/**
 * What a person should see of a procedure error: one message and messages per field. Shared by the HTTP error
 * formatter and the Remix actions that call the router in-process, so both say the same thing.
 */
export function describeProcedureError(error: TRPCError): {
  message: string;
  fieldErrors: Record<string, string[]> | null;
} {
  const cause = error.cause;
  if (cause instanceof z.ZodError) {
    return { message: VALIDATION_MESSAGE, fieldErrors: z.flattenError(cause).fieldErrors as Record<string, string[]> };
  }
  return { message: error.message, fieldErrors: cause instanceof AppError ? (cause.fieldErrors ?? null) : null };
}
