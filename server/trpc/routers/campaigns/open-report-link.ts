import * as z from "zod";
import { ZLinkToken } from "../../../services/auth/validation";
import { openReportLink } from "../../../services/campaigns/report";
import { publicProcedure } from "../../init";
import { ZReport } from "./schemas";

export const ZOpenReportLinkInput = z.object({ token: ZLinkToken });
export const ZOpenReportLinkOutput = z.object({
  problem: z.enum(["revoked", "expired"]).nullable(),
  report: ZReport.nullable(),
});

/** Anonymous: the advertiser reads the campaign report through a report link; rate-limited per address. */
export const openReportLinkProcedure = publicProcedure
  .input(ZOpenReportLinkInput)
  .output(ZOpenReportLinkOutput)
  .query(({ ctx, input }) => openReportLink({ db: ctx.db, token: input.token, ip: ctx.meta.ip, now: ctx.clock() }));
