import * as z from "zod";
import { getInvoice } from "../../../services/campaigns/invoices";
import { ZInvoiceId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZInvoice } from "./schemas";

export const ZGetInvoiceInput = z.object({ invoiceId: ZInvoiceId });
export const ZGetInvoiceOutput = ZInvoice.extend({ workspaceName: z.string() });

export const getInvoiceProcedure = workspaceProcedure("campaigns.invoice")
  .input(ZGetInvoiceInput)
  .output(ZGetInvoiceOutput)
  .query(({ ctx, input }) =>
    getInvoice({ db: ctx.db, workspaceId: ctx.access.workspaceId, invoiceId: input.invoiceId }),
  );
