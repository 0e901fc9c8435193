import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import * as z from "zod";
import { rowId } from "../lib/text";
import { AppError, type AppErrorCode } from "../lib/errors";
import { sendRecordedEmailsAfter } from "../services/email/outbox";
import { requireSupporter, viewerQuery } from "../services/audience/viewer";
import { authorizeMembership, authorizeWorkspace } from "../services/workspaces/workspaces";
import type { Permission } from "../services/workspaces/permissions";
import type { TrpcContext } from "./context";
import { describeProcedureError } from "./error-details";

export interface ProcedureMeta {
  /** Set by workspaceProcedure; the tenancy test walks the router for it. */
  workspacePermission?: Permission;
  /** Set by supporterProcedure (a member of `input.workspaceId`'s audience); the tenancy test walks it too. */
  supporterOf?: "workspaceId";
  /** Share of an HTTP batch's budget one call uses (server/trpc/batch-cost.ts); unset is 1. */
  cost?: number;
}

const TRPC_CODE: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
};

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    // Dates and other non-JSON values survive the HTTP hop, so the client's types are the server's types.
    transformer: superjson,
    errorFormatter({ shape, error, ctx }) {
      // Closed by default: without a context (it failed to build) or outside development/test, internals stay hidden.
      const { message, fieldErrors } = describeProcedureError(error, { showInternals: ctx?.config.localTools });
      return {
        ...shape,
        message,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors },
      };
    },
  });

/** Turns the services' AppError into the matching tRPC error; anything else stays INTERNAL_SERVER_ERROR. */
const mapAppErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    if (cause.retryAfterSeconds) ctx.responseHeaders.set("retry-after", String(cause.retryAfterSeconds));
    throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

/**
 * The workspaces read with the session (ADR 016) describe the request's start. A mutation may change them (a
 * rename, a role, notifications read) and Remix renders a form POST's page in the same request, so after any
 * mutation later calls read them from the database again.
 */
const forgetSessionWorkspacesAfterMutation = t.middleware(async ({ ctx, type, next }) => {
  const result = await next();
  if (type === "mutation" && ctx.auth) ctx.auth.memberships = undefined;
  return result;
});

/**
 * Every email a mutation records (`recordEmails`, in any service, inside any of its transactions) is queued as soon
 * as the mutation has returned, after its transactions committed; a failed mutation queues none (ADR 005 addendum).
 * Services therefore write outbox rows only and never enqueue email themselves; the outbox sweep stays the safety
 * net for a lost enqueue.
 */
const sendRecordedEmailsAfterMutation = t.middleware(({ ctx, type, next }) =>
  type === "mutation"
    ? sendRecordedEmailsAfter(
        ctx.env.EMAIL_QUEUE,
        () => next(),
        (result) => result.ok,
      )
    : next(),
);

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure
  .use(mapAppErrors)
  .use(forgetSessionWorkspacesAfterMutation)
  .use(sendRecordedEmailsAfterMutation);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.auth) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in to continue." });
  return next({ ctx: { auth: ctx.auth } });
});

export const ZWorkspaceInput = z.object({ workspaceId: rowId("Unknown workspace.") });

/**
 * Member with `permission` in `input.workspaceId`; a non-member gets NOT_FOUND, a weaker role FORBIDDEN. The
 * memberships came with the session (one statement per request, ADR 016), so this costs no round trip.
 */
export function workspaceProcedure(permission: Permission) {
  return authedProcedure
    .meta({ workspacePermission: permission })
    .input(ZWorkspaceInput)
    .use(async ({ ctx, input, next }) => {
      const memberships = ctx.auth.memberships;
      const access = memberships
        ? authorizeMembership({ memberships, workspaceId: input.workspaceId, permission })
        : await authorizeWorkspace({
            db: ctx.db,
            workspaceId: input.workspaceId,
            userId: ctx.auth.user.id,
            permission,
          });
      return next({ ctx: { access } });
    });
}

/** Meta of procedures that check the supporter rung themselves (to batch its statement with their reads). */
export const SUPPORTER_META = { supporterOf: "workspaceId" } as const;

/**
 * A signed-in person with an active relationship with `input.workspaceId`'s audience (ADR 022): the portal, their
 * comments, their feeds. One statement (the gate's viewer query) gives the workspace, the supporter row and their
 * grants. No such workspace: NOT_FOUND; not in the audience: PRECONDITION_FAILED saying to join; blocked: FORBIDDEN.
 */
export const supporterProcedure = authedProcedure
  .meta(SUPPORTER_META)
  .input(ZWorkspaceInput)
  .use(async ({ ctx, input, next }) => {
    const [row] = await viewerQuery({ db: ctx.db, workspaceId: input.workspaceId, userId: ctx.auth.user.id });
    return next({ ctx: { supporter: requireSupporter(row) } });
  });
