import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx } from "../../../db/client";
import { billingAccounts, workspaces, type BillingStatus } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { isBillingConfigured } from "./accounts";
import { getPlan, stripePriceIds, type PlanId, type PriceConfig } from "./plans";
import { createStripeClient } from "./stripe-client";
import { WORKSPACE_METADATA_KEY } from "./webhooks";

export type StripeEnv = PriceConfig & {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_URL?: string;
};

/** Statuses under which the workspace already has a live subscription: changes go through the portal instead. */
const LIVE: readonly BillingStatus[] = ["active", "trialing", "past_due", "unpaid", "paused", "incomplete"];

/** The Stripe client, or PRECONDITION_FAILED when billing is off (the offline default). */
async function stripeFor(env: StripeEnv): Promise<Stripe> {
  if (!isBillingConfigured(env) || !env.STRIPE_SECRET_KEY)
    throw new AppError("PRECONDITION_FAILED", "Billing is not configured.");
  return createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiUrl: env.STRIPE_API_URL });
}

async function loadAccount(db: DbOrTx, workspaceId: string) {
  const [account] = await db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
  return account ?? null;
}

/**
 * The workspace's Stripe customer, created on first checkout with the workspace id in its metadata. ADR 009: one
 * customer belongs to one workspace. Two checkouts racing may both create a customer; only the first stored id is
 * kept (the update is conditional), and the loser's customer stays unused at Stripe with no subscription.
 */
async function ensureCustomer(opts: {
  db: DbOrTx;
  stripe: Stripe;
  workspaceId: string;
  existing: string | null;
}): Promise<string> {
  if (opts.existing) return opts.existing;
  const [workspace] = await opts.db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, opts.workspaceId));
  if (!workspace) throw new AppError("NOT_FOUND", "Workspace not found.");
  const customer = await opts.stripe.customers.create({
    name: workspace.name,
    metadata: { [WORKSPACE_METADATA_KEY]: opts.workspaceId },
  });
  await opts.db.insert(billingAccounts).values({ workspaceId: opts.workspaceId }).onConflictDoNothing();
  await opts.db
    .update(billingAccounts)
    .set({ stripeCustomerId: customer.id })
    .where(and(eq(billingAccounts.workspaceId, opts.workspaceId), isNull(billingAccounts.stripeCustomerId)));
  const stored = await loadAccount(opts.db, opts.workspaceId);
  return stored?.stripeCustomerId ?? customer.id;
}

const billingUrl = (appUrl: string, workspaceId: string) => `${appUrl}/w/${workspaceId}/billing`;

/** A Stripe Checkout session for a paid plan; the caller redirects the browser to its URL. */
export async function createCheckoutSession(opts: {
  db: DbOrTx;
  workspaceId: string;
  plan: Exclude<PlanId, "free">;
  env: StripeEnv;
  appUrl: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ url: string }> {
  const stripe = await stripeFor(opts.env);
  const price = stripePriceIds(opts.env)[opts.plan];
  if (!price)
    throw new AppError("PRECONDITION_FAILED", `The ${getPlan(opts.plan).name} plan has no Stripe price configured.`);
  const account = await loadAccount(opts.db, opts.workspaceId);
  if (account && LIVE.includes(account.status)) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "This workspace already has a subscription; change it with Manage billing.",
    );
  }
  // The stored customer and the audit row commit together, before the checkout session is created at Stripe.
  const customer = await opts.db.transaction(async (tx) => {
    const id = await ensureCustomer({
      db: tx,
      stripe,
      workspaceId: opts.workspaceId,
      existing: account?.stripeCustomerId ?? null,
    });
    await recordAudit({
      db: tx,
      action: "billing.checkout_requested",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { plan: opts.plan },
      meta: opts.meta,
      now: opts.now,
    });
    return id;
  });
  // The metadata on both the session and the subscription is what the webhook trusts (ADR 009).
  const metadata = { [WORKSPACE_METADATA_KEY]: opts.workspaceId };
  const back = billingUrl(opts.appUrl, opts.workspaceId);
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    client_reference_id: opts.workspaceId,
    line_items: [{ price, quantity: 1 }],
    metadata,
    subscription_data: { metadata },
    success_url: `${back}?checkout=success`,
    cancel_url: `${back}?checkout=canceled`,
  });
  // A subscription-mode session with the hosted UI always has a URL; a missing one is a Stripe-side fault.
  if (!session.url) throw new Error("Stripe did not return a checkout URL.");
  return { url: session.url };
}

/** A Stripe Customer Portal session (payment method, plan change, cancellation) for a workspace that has a customer. */
export async function createPortalSession(opts: {
  db: DbOrTx;
  workspaceId: string;
  env: StripeEnv;
  appUrl: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ url: string }> {
  const stripe = await stripeFor(opts.env);
  const account = await loadAccount(opts.db, opts.workspaceId);
  if (!account?.stripeCustomerId)
    throw new AppError("PRECONDITION_FAILED", "This workspace has no billing account yet; choose a plan first.");
  // Recorded before the portal link exists: a link that was handed out always has its audit row.
  await recordAudit({
    db: opts.db,
    action: "billing.portal_requested",
    actorUserId: opts.actorUserId,
    workspaceId: opts.workspaceId,
    meta: opts.meta,
    now: opts.now,
  });
  const session = await stripe.billingPortal.sessions.create({
    customer: account.stripeCustomerId,
    return_url: billingUrl(opts.appUrl, opts.workspaceId),
  });
  return { url: session.url };
}

export interface InvoiceEntry {
  id: string;
  number: string | null;
  status: string | null;
  currency: string;
  amountDueCents: number;
  amountPaidCents: number;
  created: Date;
  hostedInvoiceUrl: string | null;
  invoicePdfUrl: string | null;
}

/** The workspace's invoices from Stripe, newest first; empty when billing is off or there is no customer yet. */
export async function listInvoices(opts: {
  db: DbOrTx;
  workspaceId: string;
  env: StripeEnv;
  limit: number;
}): Promise<InvoiceEntry[]> {
  if (!isBillingConfigured(opts.env)) return [];
  const account = await loadAccount(opts.db, opts.workspaceId);
  if (!account?.stripeCustomerId) return [];
  const stripe = await stripeFor(opts.env);
  const invoices = await stripe.invoices.list({ customer: account.stripeCustomerId, limit: opts.limit });
  return invoices.data.map((invoice) => ({
    id: invoice.id ?? "",
    number: invoice.number ?? null,
    status: invoice.status ?? null,
    currency: invoice.currency,
    amountDueCents: invoice.amount_due,
    amountPaidCents: invoice.amount_paid,
    created: new Date(invoice.created * 1000),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdfUrl: invoice.invoice_pdf ?? null,
  }));
}
