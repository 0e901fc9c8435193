import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  advertisers,
  campaignFlights,
  invoiceCounters,
  invoices,
  workspaces,
  type InvoiceLineItem,
  type InvoiceStatus,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { auditAs, type Actor } from "./records";
import { requireCampaign } from "./campaigns";

/**
 * Invoices to advertisers from a campaign's insertion order (issue 14 item 8, ADR 023). Numbers are sequential per
 * workspace: the counter row is bumped by one upsert inside the invoice's transaction, so concurrent invoices wait
 * for each other's commit and never share or skip a number (a rolled-back invoice rolls its number back too).
 */

/**
 * The hook for Stripe Invoicing on the workspace's connected account (the Stripe Connect work). When configured,
 * marking an invoice sent issues it there and stores Stripe's id; without it the PDF is the invoice. Nothing
 * implements it yet.
 */
export interface ConnectedAccountInvoicing {
  issueInvoice(invoice: {
    workspaceId: string;
    number: string;
    currency: string;
    lineItems: InvoiceLineItem[];
    billTo: { name: string; contact: string; email: string };
    dueOn: string;
  }): Promise<{ stripeInvoiceId: string }>;
}

export const INVOICE_DUE_DAYS = 30;

/** How an invoice number is printed: INV-0001. */
export const invoiceLabel = (number: number) => `INV-${String(number).padStart(4, "0")}`;

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Line items from the insertion order: a flat campaign is one line for its fee; a CPM campaign one line per booked
 * flight, its impressions goal at the campaign's rate (what was bought; make-goods are credited by hand).
 */
export function lineItemsFor(
  campaign: { name: string; pricing: "cpm" | "flat"; rateCents: number; startsOn: string; endsOn: string },
  flights: { name: string; impressionsGoal: number; status: string }[],
): InvoiceLineItem[] {
  if (campaign.pricing === "flat")
    return [
      {
        description: `${campaign.name}: sponsorship ${campaign.startsOn} to ${campaign.endsOn} (flat fee)`,
        quantity: 1,
        unitAmountCents: campaign.rateCents,
        amountCents: campaign.rateCents,
      },
    ];
  return flights
    .filter((flight) => flight.status !== "canceled" && flight.status !== "draft")
    .map((flight) => ({
      description: `${campaign.name}, ${flight.name}: ${flight.impressionsGoal} impressions at CPM`,
      quantity: flight.impressionsGoal,
      unitAmountCents: campaign.rateCents,
      amountCents: Math.round((flight.impressionsGoal * campaign.rateCents) / 1000),
    }));
}

export async function createInvoice(input: Actor & { campaignId: string; notes: string }) {
  return input.db.transaction(async (tx) => {
    const campaign = await requireCampaign({ db: tx, workspaceId: input.workspaceId, campaignId: input.campaignId });
    const [advertiser] = await tx
      .select()
      .from(advertisers)
      .where(and(eq(advertisers.id, campaign.advertiserId), eq(advertisers.workspaceId, input.workspaceId)))
      .limit(1);
    const flights = await tx
      .select({
        name: campaignFlights.name,
        impressionsGoal: campaignFlights.impressionsGoal,
        status: campaignFlights.status,
      })
      .from(campaignFlights)
      .where(and(eq(campaignFlights.campaignId, campaign.id), eq(campaignFlights.workspaceId, input.workspaceId)))
      .orderBy(campaignFlights.startsOn, campaignFlights.id);
    const lineItems = lineItemsFor(campaign, flights);
    if (lineItems.length === 0)
      throw new AppError(
        "BAD_REQUEST",
        "This CPM campaign has no booked flights to invoice. Book a flight (or change its status from draft) first.",
      );
    const [counter] = await tx
      .insert(invoiceCounters)
      .values({ workspaceId: input.workspaceId, lastNumber: 1 })
      .onConflictDoUpdate({
        target: invoiceCounters.workspaceId,
        set: { lastNumber: sql`${invoiceCounters.lastNumber} + 1` },
      })
      .returning();
    const issuedOn = input.now.toISOString().slice(0, 10);
    const contact = advertiser.contacts[0];
    const [row] = await tx
      .insert(invoices)
      .values({
        workspaceId: input.workspaceId,
        campaignId: campaign.id,
        advertiserId: advertiser.id,
        number: counter.lastNumber,
        currency: campaign.currency,
        lineItems,
        totalCents: lineItems.reduce((sum, item) => sum + item.amountCents, 0),
        issuedOn,
        dueOn: addDays(issuedOn, INVOICE_DUE_DAYS),
        billTo: {
          name: advertiser.name,
          contact: campaign.ioContactName || contact?.name || "",
          email: campaign.ioContactEmail || contact?.email || "",
        },
        notes: input.notes,
        createdBy: input.actorUserId,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning();
    await auditAs({ ...input, db: tx }, "invoice.created", {
      invoiceId: row.id,
      campaignId: campaign.id,
      number: invoiceLabel(row.number),
      totalCents: row.totalCents,
    });
    return presentInvoice(row);
  });
}

/** draft → sent → paid; draft or sent → void. Paid and void are final; asking for the current status is a no-op. */
const NEXT_STATUSES: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  draft: ["sent", "void"],
  sent: ["paid", "void"],
  paid: [],
  void: [],
};

const STATUS_WORDS: Record<InvoiceStatus, string> = { draft: "a draft", sent: "sent", paid: "paid", void: "void" };

export async function setInvoiceStatus(
  input: Actor & { invoiceId: string; status: InvoiceStatus; invoicing: ConnectedAccountInvoicing | null },
) {
  return input.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.id, input.invoiceId), eq(invoices.workspaceId, input.workspaceId)))
      .limit(1)
      .for("update");
    if (!current) throw notFound("Invoice");
    if (current.status === input.status) return presentInvoice(current);
    if (!NEXT_STATUSES[current.status].includes(input.status))
      throw new AppError(
        "CONFLICT",
        `${invoiceLabel(current.number)} is ${STATUS_WORDS[current.status]}, so it cannot be marked ${STATUS_WORDS[input.status]}.`,
      );
    const issued =
      input.status === "sent" && input.invoicing
        ? await input.invoicing.issueInvoice({
            workspaceId: input.workspaceId,
            number: invoiceLabel(current.number),
            currency: current.currency,
            lineItems: current.lineItems,
            billTo: current.billTo,
            dueOn: current.dueOn,
          })
        : null;
    const [row] = await tx
      .update(invoices)
      .set({
        status: input.status,
        updatedAt: input.now,
        ...(input.status === "sent" ? { sentAt: input.now } : {}),
        ...(input.status === "paid" ? { paidAt: input.now } : {}),
        ...(input.status === "void" ? { voidedAt: input.now } : {}),
        ...(issued ? { stripeInvoiceId: issued.stripeInvoiceId } : {}),
      })
      .where(and(eq(invoices.id, current.id), eq(invoices.workspaceId, input.workspaceId)))
      .returning();
    await auditAs({ ...input, db: tx }, "invoice.status_changed", {
      invoiceId: row.id,
      number: invoiceLabel(row.number),
      from: current.status,
      to: row.status,
    });
    return presentInvoice(row);
  });
}

export function presentInvoice(row: typeof invoices.$inferSelect) {
  return {
    id: row.id,
    campaignId: row.campaignId,
    number: row.number,
    label: invoiceLabel(row.number),
    status: row.status,
    currency: row.currency,
    lineItems: row.lineItems,
    totalCents: row.totalCents,
    issuedOn: row.issuedOn,
    dueOn: row.dueOn,
    billTo: row.billTo,
    notes: row.notes,
    stripeInvoiceId: row.stripeInvoiceId,
    sentAt: row.sentAt,
    paidAt: row.paidAt,
    voidedAt: row.voidedAt,
  };
}

/** One invoice with the issuing workspace's name, for its PDF. */
export async function getInvoice(opts: { db: DbOrTx; workspaceId: string; invoiceId: string }) {
  const [rows] = await readBatch(opts.db, [
    opts.db
      .select({ invoice: invoices, workspaceName: workspaces.name })
      .from(invoices)
      .innerJoin(workspaces, eq(workspaces.id, invoices.workspaceId))
      .where(and(eq(invoices.id, opts.invoiceId), eq(invoices.workspaceId, opts.workspaceId)))
      .limit(1),
  ]);
  if (!rows[0]) throw notFound("Invoice");
  return { ...presentInvoice(rows[0].invoice), workspaceName: rows[0].workspaceName };
}
