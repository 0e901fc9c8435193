import * as z from "zod";
import { getCampaignReport } from "../../../services/campaigns/report";
import { ZCampaignId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZReport } from "./schemas";

export const ZGetReportInput = z.object({ campaignId: ZCampaignId });
export const ZGetReportOutput = ZReport;

export const getReportProcedure = workspaceProcedure("campaigns.read")
  .input(ZGetReportInput)
  .output(ZGetReportOutput)
  .query(({ ctx, input }) =>
    getCampaignReport({ db: ctx.db, workspaceId: ctx.access.workspaceId, campaignId: input.campaignId }),
  );
