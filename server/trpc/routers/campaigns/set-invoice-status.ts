import * as z from "zod";
import { setInvoiceStatus } from "../../../services/campaigns/invoices";
import { ZInvoiceId, ZInvoiceStatus } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZInvoice } from "./schemas";

export const ZSetInvoiceStatusInput = z.object({ invoiceId: ZInvoiceId, status: ZInvoiceStatus });
export const ZSetInvoiceStatusOutput = ZInvoice;

export const setInvoiceStatusProcedure = workspaceProcedure("campaigns.invoice")
  .input(ZSetInvoiceStatusInput)
  .output(ZSetInvoiceStatusOutput)
  .mutation(({ ctx, input }) =>
    setInvoiceStatus({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      invoiceId: input.invoiceId,
      status: input.status,
      // Stripe Invoicing on the connected account arrives with the Stripe Connect work (ADR 023).
      invoicing: null,
    }),
  );
