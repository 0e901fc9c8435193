import * as z from "zod";
import { GRANT_SOURCES, GRANT_STATUSES, SUPPORTER_STATUSES, TIER_KINDS } from "../../../../db/schema";
import { getPortal } from "../../../services/audience/members";
import { authedProcedure, SUPPORTER_META, ZWorkspaceInput } from "../../init";

export const ZGetPortalOutput = z.object({
  workspaceName: z.string(),
  status: z.enum(SUPPORTER_STATUSES),
  joinedAt: z.date(),
  emailNewsletters: z.boolean(),
  emailNotifications: z.boolean(),
  grants: z.array(
    z.object({
      id: z.uuid(),
      tierName: z.string().nullable(),
      tierKind: z.enum(TIER_KINDS).nullable(),
      source: z.enum(GRANT_SOURCES),
      status: z.enum(GRANT_STATUSES),
      startsAt: z.date(),
      endsAt: z.date().nullable(),
      cancelAtPeriodEnd: z.boolean().nullable(),
    }),
  ),
});

/** Checks the supporter rung inside its own batch (one wave), so the portal page stays at two. */
export const getPortalProcedure = authedProcedure
  .meta(SUPPORTER_META)
  .input(ZWorkspaceInput)
  .output(ZGetPortalOutput)
  .query(({ ctx, input }) => getPortal({ db: ctx.db, workspaceId: input.workspaceId, userId: ctx.auth.user.id }));
