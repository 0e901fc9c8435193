import { data, redirect } from "@remix-run/cloudflare";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import * as z from "zod";
import { describeProcedureError } from "../../server/trpc/error-details";
import type { FormErrors } from "./forms";

/** The build keeps @trpc/server and server/ external, so the Worker and Remix share one TRPCError class. */
export const isProcedureError = (error: unknown): error is TRPCError => error instanceof TRPCError;

/**
 * The form-facing view of a procedure error: one message for the summary, messages per input name. An internal
 * error's own text (SQL, a provider's answer) never reaches the page; it goes to the log.
 */
export function formErrorsOf(error: TRPCError): FormErrors {
  logIfInternal(error);
  const { message, fieldErrors } = describeProcedureError(error);
  return { formError: message, fieldErrors: fieldErrors ?? {} };
}

function logIfInternal(error: TRPCError) {
  if (error.code !== "INTERNAL_SERVER_ERROR") return;
  console.error(JSON.stringify({ event: "procedure.internal_error", message: error.message, stack: error.stack }));
}

/**
 * Turns a procedure error into action data with the matching HTTP status, so the form re-renders with inline
 * errors. `extra` travels along (e.g. `intent` on pages with several forms, or the values to re-fill).
 * Anything that is not a procedure error is rethrown: a Response such as a redirect, or a bug for the
 * ErrorBoundary.
 */
export function actionError<Extra extends object = object>(error: unknown, extra?: Extra) {
  if (!isProcedureError(error)) throw error;
  return data({ ...(extra as Extra), ...formErrorsOf(error) }, { status: getHTTPStatusCodeFromError(error) });
}

export const MISTYPED_LINK_MESSAGE =
  "There is nothing at this address. The link may be mistyped or cut short; check it, or go back to your dashboard.";

/**
 * A loader's input comes from the address: one its procedure refuses as malformed (a truncated id, a garbled
 * cursor) points at nothing, so it is answered like a missing page, never with the validation's field messages.
 */
export const isMalformedAddress = (error: TRPCError) =>
  error.code === "BAD_REQUEST" && error.cause instanceof z.ZodError;

/**
 * For loaders: a procedure error becomes the response the ErrorBoundary renders (403, 404, ...), and an
 * expired session sends the visitor to log in again. Always throws.
 */
export function throwLoaderError(error: unknown, request: Request): never {
  if (!isProcedureError(error)) throw error;
  if (error.code === "UNAUTHORIZED") throw redirect(loginUrl(request));
  if (isMalformedAddress(error)) throw new Response(MISTYPED_LINK_MESSAGE, { status: 404 });
  logIfInternal(error);
  throw new Response(describeProcedureError(error).message, { status: getHTTPStatusCodeFromError(error) });
}

/** `/login?redirectTo=<this page>`, without Remix's internal `_routes` query parameter. */
export function loginUrl(request: Request) {
  const url = new URL(request.url);
  url.searchParams.delete("_routes");
  return `/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`;
}
