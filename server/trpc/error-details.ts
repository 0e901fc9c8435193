import type { TRPCError } from "@trpc/server";
import * as z from "zod";
import { AppError } from "../lib/errors";

export const VALIDATION_MESSAGE = "Some fields need attention.";
export const INTERNAL_MESSAGE = "Something went wrong on our side.";

/**
 * What a person should see of a procedure error: one message and messages per field. Shared by the HTTP error
 * formatter and the Remix loaders and actions that call the router in-process, so both say the same thing.
 * An internal error (a bug, a database or provider failure, an output that failed its schema) says only that
 * something went wrong, unless `showInternals` (local tools: development and test) asks for its text.
 */
export function describeProcedureError(
  error: TRPCError,
  opts: { showInternals?: boolean } = {},
): {
  message: string;
  fieldErrors: Record<string, string[]> | null;
} {
  if (error.code === "INTERNAL_SERVER_ERROR" && !opts.showInternals) {
    return { message: INTERNAL_MESSAGE, fieldErrors: null };
  }
  const cause = error.cause;
  if (cause instanceof z.ZodError) {
    // Issues at the input's root (a missing input, an unknown key) have no field to sit beside: they become the
    // message, so they are not lost. Nested paths (mediaIds.2) are shown on their top-level field.
    const { formErrors, fieldErrors } = z.flattenError(cause);
    return {
      message: formErrors.length > 0 ? formErrors.join(" ") : VALIDATION_MESSAGE,
      fieldErrors: fieldErrors as Record<string, string[]>,
    };
  }
  return { message: error.message, fieldErrors: cause instanceof AppError ? (cause.fieldErrors ?? null) : null };
}
