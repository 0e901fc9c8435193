import { and, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx, Transaction } from "../../../db/client";
import { invoices, type InvoiceStatus } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import type { ConnectedAccountInvoicing } from "../campaigns/invoices";
import { connectClient, CONNECT_WORKSPACE_KEY, connectedAccountQuery, type ConnectedAccount } from "./connect-accounts";
import { paymentsMode, type PaymentsEnv } from "./provider";

/**
 * Stripe Invoicing on the workspace's connected account for campaign invoices (issue 14 item 8, ADR 025): the
 * advertiser gets Stripe's emailed invoice with its payment page, and the invoice's status follows Stripe's
 * `invoice.*` Connect events. Without a connected account that can charge, the PDF stays the invoice.
 */

/** Metadata naming the Greenroom invoice a Stripe invoice was issued for. */
export const INVOICE_NUMBER_KEY = "greenroom_invoice_number";

/** Whether a campaign invoice can go out through Stripe, and if not, what the creator has to do first. */
export type StripeInvoicingStatus = { available: true; reason: null } | { available: false; reason: string };

function invoicingStatus(env: PaymentsEnv, account: ConnectedAccount | undefined): StripeInvoicingStatus {
  if (paymentsMode(env).kind !== "stripe")
    return {
      available: false,
      reason: "Stripe Connect is not set up on this Greenroom, so invoices go out as PDFs.",
    };
  if (!account)
    return { available: false, reason: "Connect a Stripe account on Payments to send invoices through Stripe." };
  if (!account.chargesEnabled)
    return {
      available: false,
      reason:
        "Your Stripe account cannot take payments yet: finish its setup on Payments to send invoices through Stripe.",
    };
  return { available: true, reason: null };
}

/** What the campaign page shows beside a draft invoice: the "Send through Stripe" button, or why it is missing. */
export async function stripeInvoicingStatus(opts: {
  db: DbOrTx;
  env: PaymentsEnv;
  workspaceId: string;
}): Promise<StripeInvoicingStatus> {
  if (paymentsMode(opts.env).kind !== "stripe") return invoicingStatus(opts.env, undefined);
  const [account] = await connectedAccountQuery(opts.db, opts.workspaceId);
  return invoicingStatus(opts.env, account);
}

/**
 * The invoicing hook for `setInvoiceStatus`, or null when this workspace cannot invoice through Stripe (payments
 * not on Stripe, no connected account, or one that cannot take charges yet).
 */
export async function connectInvoicingFor(opts: {
  db: DbOrTx;
  env: PaymentsEnv;
  workspaceId: string;
}): Promise<ConnectedAccountInvoicing | null> {
  return (await connectInvoicing(opts)).invoicing;
}

async function connectInvoicing(opts: { db: DbOrTx; env: PaymentsEnv; workspaceId: string }) {
  const mode = paymentsMode(opts.env);
  const [account] = mode.kind === "stripe" ? await connectedAccountQuery(opts.db, opts.workspaceId) : [];
  const status = invoicingStatus(opts.env, account);
  if (mode.kind !== "stripe" || !account || !status.available) return { status, invoicing: null };
  const invoicing: ConnectedAccountInvoicing = {
    async issueInvoice(invoice) {
      const stripe = await connectClient(mode);
      return { stripeInvoiceId: await issueOnAccount(stripe, account, invoice) };
    },
  };
  return { status, invoicing };
}

/** The hook, or PRECONDITION_FAILED saying what the creator has to do when the workspace cannot invoice there. */
export async function requireConnectInvoicing(opts: { db: DbOrTx; env: PaymentsEnv; workspaceId: string }) {
  const { status, invoicing } = await connectInvoicing(opts);
  if (!invoicing) throw new AppError("PRECONDITION_FAILED", status.reason ?? "Stripe Invoicing is not available.");
  return invoicing;
}

type InvoiceToIssue = Parameters<ConnectedAccountInvoicing["issueInvoice"]>[0];

/**
 * Customer, invoice, its items, finalize, send — each with an idempotency key derived from the invoice number (unique
 * per workspace), so a retried send after a timeout reuses what Stripe already made instead of billing twice.
 */
async function issueOnAccount(stripe: Stripe, account: ConnectedAccount, invoice: InvoiceToIssue): Promise<string> {
  const key = (step: string) => `greenroom-invoice-${invoice.workspaceId}-${invoice.number}-${step}`;
  const onAccount = (step: string) => ({ stripeAccount: account.stripeAccountId, idempotencyKey: key(step) });
  const metadata = { [CONNECT_WORKSPACE_KEY]: invoice.workspaceId, [INVOICE_NUMBER_KEY]: invoice.number };
  const customer = await stripe.customers.create(
    { email: invoice.billTo.email, name: invoice.billTo.name, metadata },
    onAccount("customer"),
  );
  const dueDate = Math.floor(Date.parse(`${invoice.dueOn}T23:59:59Z`) / 1000);
  const draft = await stripe.invoices.create(
    {
      customer: customer.id,
      collection_method: "send_invoice",
      due_date: dueDate,
      currency: invoice.currency.toLowerCase(),
      auto_advance: false,
      metadata,
    },
    onAccount("invoice"),
  );
  const invoiceId = draft.id!;
  for (const [index, line] of invoice.lineItems.entries()) {
    await stripe.invoiceItems.create(
      {
        customer: customer.id,
        invoice: invoiceId,
        currency: invoice.currency.toLowerCase(),
        amount: line.amountCents,
        description: line.quantity === 1 ? line.description : `${line.description} (${line.quantity})`,
        metadata,
      },
      onAccount(`item-${index}`),
    );
  }
  await stripe.invoices.finalizeInvoice(invoiceId, {}, onAccount("finalize"));
  await stripe.invoices.sendInvoice(invoiceId, {}, onAccount("send"));
  return invoiceId;
}

/** Which Greenroom statuses an event may move a campaign invoice from, and to what. Paid and void are final. */
const MIRRORED: Record<string, { from: InvoiceStatus[]; to: InvoiceStatus }> = {
  "invoice.finalized": { from: ["draft"], to: "sent" },
  "invoice.sent": { from: ["draft"], to: "sent" },
  "invoice.paid": { from: ["draft", "sent"], to: "paid" },
  "invoice.voided": { from: ["draft", "sent"], to: "void" },
};

/**
 * Mirrors a campaign invoice's status from a Connect `invoice.*` event. Only forward moves apply, so duplicates and
 * late deliveries of an earlier status change nothing, in any order.
 */
export async function mirrorConnectInvoice(opts: {
  tx: Transaction;
  event: Stripe.Event;
  connected: ConnectedAccount;
  invoice: Stripe.Invoice;
  now: Date;
}): Promise<{ outcome: "processed" | "ignored"; detail: string }> {
  const { invoice, connected } = opts;
  if (invoice.metadata?.[CONNECT_WORKSPACE_KEY] !== connected.workspaceId || !invoice.metadata[INVOICE_NUMBER_KEY])
    return { outcome: "ignored", detail: "invoice not created by Greenroom" };
  const move = MIRRORED[opts.event.type];
  if (!move) return { outcome: "ignored", detail: `${opts.event.type} does not change a campaign invoice` };
  const updated = await opts.tx
    .update(invoices)
    .set({
      status: move.to,
      updatedAt: opts.now,
      ...(move.to === "paid" ? { paidAt: opts.now } : {}),
      ...(move.to === "void" ? { voidedAt: opts.now } : {}),
      ...(move.to === "sent" ? { sentAt: opts.now } : {}),
    })
    .where(
      and(
        eq(invoices.workspaceId, connected.workspaceId),
        eq(invoices.stripeInvoiceId, invoice.id ?? ""),
        inArray(invoices.status, move.from),
      ),
    )
    .returning({ id: invoices.id });
  if (updated.length === 0) return { outcome: "ignored", detail: "campaign invoice already past this status" };
  return { outcome: "processed", detail: `campaign invoice ${move.to}` };
}
