import * as z from "zod";
import { GRANT_SOURCES, GRANT_STATUSES, SUPPORTER_STATUSES, TIER_KINDS } from "../../../../db/schema";
import { getPortal } from "../../../services/audience/members";
import { supporterProcedure } from "../../init";

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

export const getPortalProcedure = supporterProcedure.output(ZGetPortalOutput).query(async ({ ctx, input }) => ({
  workspaceName: ctx.supporter.workspaceName,
  ...(await getPortal({ db: ctx.db, workspaceId: input.workspaceId, supporterId: ctx.supporter.id, now: ctx.clock() })),
}));
