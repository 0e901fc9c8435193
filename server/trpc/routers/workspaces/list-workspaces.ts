import * as z from "zod";
import { BILLING_STATUSES } from "../../../../db/schema";
import { listShellWorkspaces, listUserWorkspaces } from "../../../services/workspaces/workspaces";
import { authedProcedure } from "../../init";
import { ZRole } from "../../schemas";

export const ZListWorkspacesOutput = z.array(
  z.object({
    id: z.uuid(),
    name: z.string(),
    role: ZRole,
    billingStatus: z.enum(BILLING_STATUSES),
    /** Set while past_due: the paid plan's limits apply until then. */
    graceUntil: z.date().nullable(),
    unreadNotifications: z.number().int().nonnegative(),
  }),
);

export const listWorkspacesProcedure = authedProcedure
  .output(ZListWorkspacesOutput)
  // Read with the session when the request came over HTTP (ADR 016); in-process callers may not have it.
  .query(({ ctx }) =>
    ctx.auth.memberships
      ? listShellWorkspaces(ctx.auth.memberships)
      : listUserWorkspaces({ db: ctx.db, userId: ctx.auth.user.id }),
  );
