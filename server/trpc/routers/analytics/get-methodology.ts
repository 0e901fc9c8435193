import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getMethodology, ZMethodology } from "../../../services/analytics/reports";
import { publicProcedure } from "../../init";

export const ZGetMethodologyInput = z.object({ workspaceId: rowId("Unknown workspace.") });
export const ZGetMethodologyOutput = ZMethodology;

/** Public: how a workspace's downloads are counted (rule and list versions), for advertisers to check. */
export const getMethodologyProcedure = publicProcedure
  .input(ZGetMethodologyInput)
  .output(ZGetMethodologyOutput)
  .query(({ ctx, input }) => getMethodology({ db: ctx.db, workspaceId: input.workspaceId }));
