import * as z from "zod";
import { setInvoiceStatus } from "../../../services/campaigns/invoices";
import { requireConnectInvoicing } from "../../../services/payments/connect-invoicing";
import { ZInvoiceId, ZInvoiceStatus } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZInvoice } from "./schemas";

export const ZSetInvoiceStatusInput = z.object({
  invoiceId: ZInvoiceId,
  status: ZInvoiceStatus,
  /** Marking it sent issues it through Stripe Invoicing on the workspace's connected account (ADR 025). */
  throughStripe: z.boolean().optional(),
});
export const ZSetInvoiceStatusOutput = ZInvoice;

export const setInvoiceStatusProcedure = workspaceProcedure("campaigns.invoice")
  .input(ZSetInvoiceStatusInput)
  .output(ZSetInvoiceStatusOutput)
  .mutation(async ({ ctx, input }) =>
    setInvoiceStatus({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
      invoiceId: input.invoiceId,
      status: input.status,
      invoicing:
        input.status === "sent" && input.throughStripe
          ? await requireConnectInvoicing({ db: ctx.db, env: ctx.env, workspaceId: ctx.access.workspaceId })
          : null,
    }),
  );
