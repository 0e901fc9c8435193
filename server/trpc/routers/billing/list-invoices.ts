import * as z from "zod";
import { listInvoices } from "../../../services/billing/checkout";
import { workspaceProcedure } from "../../init";

export const ZListInvoicesInput = z.object({
  limit: z.number().int().min(1).max(100).default(24),
});
export const ZListInvoicesOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      number: z.string().nullable(),
      status: z.string().nullable(),
      currency: z.string(),
      amountDueCents: z.number().int(),
      amountPaidCents: z.number().int(),
      created: z.date(),
      hostedInvoiceUrl: z.url().nullable(),
      invoicePdfUrl: z.url().nullable(),
    }),
  ),
});

export const listInvoicesProcedure = workspaceProcedure("billing.manage")
  .input(ZListInvoicesInput)
  .output(ZListInvoicesOutput)
  .query(async ({ ctx, input }) => ({
    items: await listInvoices({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      env: ctx.env,
      limit: input.limit,
    }),
  }));
