import * as z from "zod";
import { exportMembers } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";
import { ZMemberFilters } from "./schemas";

export const ZExportMembersInput = z.object({ filters: ZMemberFilters.default({}) });
export const ZExportMembersOutput = z.object({
  rows: z.array(
    z.object({
      name: z.string(),
      email: z.string(),
      status: z.string(),
      source: z.string(),
      joinedAt: z.string(),
      newsletters: z.boolean(),
      tiers: z.string(),
    }),
  ),
});

export const exportMembersProcedure = workspaceProcedure("audience.read")
  .input(ZExportMembersInput)
  .output(ZExportMembersOutput)
  .query(async ({ ctx, input }) => ({
    rows: await exportMembers({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      filters: input.filters,
      now: ctx.clock(),
    }),
  }));
