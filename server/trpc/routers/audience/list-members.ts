import * as z from "zod";
import { listMembers } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";
import { ZMemberFilters, ZMemberRow } from "./schemas";

export const ZListMembersInput = z.object({
  filters: ZMemberFilters.default({}),
  page: z.number().int().min(1).max(10_000).default(1),
});
export const ZListMembersOutput = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  members: z.array(ZMemberRow),
});

export const listMembersProcedure = workspaceProcedure("audience.read")
  .input(ZListMembersInput)
  .output(ZListMembersOutput)
  .query(({ ctx, input }) =>
    listMembers({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      filters: input.filters,
      page: input.page,
      now: ctx.clock(),
    }),
  );
