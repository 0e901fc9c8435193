import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { DbOrTx } from "../../../db/client";
import { billingAccounts, connectedAccounts } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { effectivePlan } from "../billing/accounts";
import type { PlanId } from "../billing/plans";
import { createStripeClient } from "../billing/stripe-client";
import { paymentsMode, type PaymentsEnv, type PaymentsMode } from "./provider";

/**
 * Creators' Stripe Connect accounts (ADR 025): onboarding through Account Links, and the account's status as
 * Stripe last reported it (`account.updated`, or a re-read when the creator comes back from onboarding).
 */

/** The metadata key on every object Greenroom creates on a connected account; the webhook touches nothing else. */
export const CONNECT_WORKSPACE_KEY = "greenroom_workspace_id";

export type StripeMode = Extract<PaymentsMode, { kind: "stripe" }>;

export const connectClient = (mode: StripeMode) =>
  createStripeClient({ secretKey: mode.secretKey, apiUrl: mode.apiUrl });

export type ConnectedAccount = typeof connectedAccounts.$inferSelect;

/** The workspace's connected account row, unawaited so a page can batch it. */
export function connectedAccountQuery(db: DbOrTx, workspaceId: string) {
  return db.select().from(connectedAccounts).where(eq(connectedAccounts.workspaceId, workspaceId));
}

/** What the creator's payments page shows of the account. */
export function connectStatusOf(account: ConnectedAccount | undefined) {
  if (!account) return null;
  return {
    accountId: account.stripeAccountId,
    chargesEnabled: account.chargesEnabled,
    payoutsEnabled: account.payoutsEnabled,
    detailsSubmitted: account.detailsSubmitted,
    requirementsCurrentlyDue: account.requirementsCurrentlyDue,
    requirementsPastDue: account.requirementsPastDue,
    disabledReason: account.disabledReason,
  };
}

/** The account's columns from Stripe's Account object. */
export function accountColumns(account: Stripe.Account) {
  return {
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    requirementsCurrentlyDue: account.requirements?.currently_due ?? [],
    requirementsPastDue: account.requirements?.past_due ?? [],
    disabledReason: account.requirements?.disabled_reason ?? null,
  };
}

/** The account that can take a supporter's money now, or PRECONDITION_FAILED saying what is missing. */
export async function requireChargeableAccount(db: DbOrTx, workspaceId: string): Promise<ConnectedAccount> {
  const [account] = await connectedAccountQuery(db, workspaceId);
  if (!account) throw new AppError("PRECONDITION_FAILED", "This creator has not connected a Stripe account yet.");
  if (!account.chargesEnabled)
    throw new AppError("PRECONDITION_FAILED", "This creator's Stripe account cannot take payments yet.");
  return account;
}

/** The workspace's Greenroom plan now, which sets the platform fee on what its supporters pay. */
export async function workspacePlan(db: DbOrTx, workspaceId: string, now: Date): Promise<PlanId> {
  const [account] = await db.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId));
  return effectivePlan(account ?? null, now);
}

/**
 * Creates the workspace's Standard account on first use (once: an advisory lock and Stripe's idempotency key make a
 * double click one account) and returns an Account Link into Stripe's onboarding, which comes back to the payments
 * page. Standard accounts, because direct charges make the creator the merchant of record who handles refunds and
 * disputes in their own Dashboard.
 */
export async function startConnectOnboarding(opts: {
  db: DbOrTx;
  mode: StripeMode;
  workspaceId: string;
  actorUserId: string;
  appUrl: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ url: string }> {
  const stripe = await connectClient(opts.mode);
  const accountId = await opts.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`connect-account:${opts.workspaceId}`}, 0))`);
    const [existing] = await connectedAccountQuery(tx, opts.workspaceId);
    if (existing) return existing.stripeAccountId;
    const account = await stripe.accounts.create(
      { type: "standard", metadata: { [CONNECT_WORKSPACE_KEY]: opts.workspaceId } },
      { idempotencyKey: `greenroom-connect-account-${opts.workspaceId}` },
    );
    await tx.insert(connectedAccounts).values({
      workspaceId: opts.workspaceId,
      stripeAccountId: account.id,
      ...accountColumns(account),
      createdAt: opts.now,
      updatedAt: opts.now,
    });
    await recordAudit({
      db: tx,
      action: "payments.account_onboarding_started",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { account: account.id },
      meta: opts.meta,
      now: opts.now,
    });
    return account.id;
  });
  const page = `${opts.appUrl}/w/${opts.workspaceId}/payments`;
  const link = await stripe.accountLinks.create({
    account: accountId,
    type: "account_onboarding",
    refresh_url: `${page}?connect=refresh`,
    return_url: `${page}?connect=return`,
  });
  return { url: link.url };
}

/**
 * Re-reads the account from Stripe (the creator just came back from onboarding; the webhook may still be on its
 * way). The read is Stripe's state now, so it also moves the event watermark to now: an `account.updated` created
 * before this read and delivered after it changes nothing.
 */
export async function refreshConnectedAccount(opts: {
  db: DbOrTx;
  mode: StripeMode;
  workspaceId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}) {
  const [row] = await connectedAccountQuery(opts.db, opts.workspaceId);
  if (!row) throw new AppError("PRECONDITION_FAILED", "No Stripe account is connected yet.");
  const stripe = await connectClient(opts.mode);
  const account = await stripe.accounts.retrieve(row.stripeAccountId);
  // The new status and who asked for it commit together (ADR 013).
  const updated = await opts.db.transaction(async (tx) => {
    const [saved] = await tx
      .update(connectedAccounts)
      .set({
        ...accountColumns(account),
        updatedFromEventCreated: sql`greatest(${connectedAccounts.updatedFromEventCreated}, ${Math.floor(opts.now.getTime() / 1000)})`,
        updatedAt: opts.now,
      })
      .where(eq(connectedAccounts.workspaceId, opts.workspaceId))
      .returning();
    await recordAudit({
      db: tx,
      action: "payments.account_refreshed",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { account: row.stripeAccountId, chargesEnabled: account.charges_enabled ?? false },
      meta: opts.meta,
      now: opts.now,
    });
    return saved;
  });
  return connectStatusOf(updated)!;
}

/** Connect onboarding needs Stripe; the sandbox and a deployment without keys have nothing to connect. */
export function requireStripeMode(env: PaymentsEnv): StripeMode {
  const mode = paymentsMode(env);
  if (mode.kind !== "stripe")
    throw new AppError("PRECONDITION_FAILED", "Stripe Connect is not configured on this Greenroom.");
  return mode;
}
