import { requireSandboxMode } from "../../../services/payments/sandbox";
import { authedProcedure, workspaceProcedure } from "../../init";
import type { Permission } from "../../../services/workspaces/permissions";

/** A signed-in person's sandbox call (the buyer's checkout, their own portal); NOT_FOUND unless the sandbox is on. */
export const sandboxBuyerProcedure = authedProcedure.use(({ ctx, next }) => {
  requireSandboxMode(ctx.env);
  return next();
});

/** A creator's sandbox control; NOT_FOUND unless the sandbox is on. */
export const sandboxWorkspaceProcedure = (permission: Permission) =>
  workspaceProcedure(permission).use(({ ctx, next }) => {
    requireSandboxMode(ctx.env);
    return next();
  });
