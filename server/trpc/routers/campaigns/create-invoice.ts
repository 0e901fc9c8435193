import * as z from "zod";
import { createInvoice } from "../../../services/campaigns/invoices";
import { ZCampaignId, ZNotes } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZInvoice } from "./schemas";

export const ZCreateInvoiceInput = z.object({ campaignId: ZCampaignId, notes: ZNotes.default("") });
export const ZCreateInvoiceOutput = ZInvoice;

export const createInvoiceProcedure = workspaceProcedure("campaigns.invoice")
  .input(ZCreateInvoiceInput)
  .output(ZCreateInvoiceOutput)
  .mutation(({ ctx, input }) =>
    createInvoice({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      campaignId: input.campaignId,
      notes: input.notes,
    }),
  );
