import type { DbOrTx } from "../../../db/client";
import { eq } from "drizzle-orm";
import { workspaces } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import {
  paymentsMode,
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentsEnv,
  type PaymentsMode,
  type PaymentsProviderApi,
  type RefundRequest,
  type RefundResult,
} from "./provider";
import { connectProvider } from "./connect-provider";
import { sandboxProvider } from "./sandbox";

/**
 * What the rest of Greenroom calls to take money (tiers, tickets, gifts): the configured provider behind one set of
 * functions. Outcomes arrive later as `PaymentEvent`s in the ledger, never as return values.
 */

export function paymentsProvider(opts: { env: PaymentsEnv; appUrl: string }): PaymentsProviderApi {
  const mode = paymentsMode(opts.env);
  switch (mode.kind) {
    case "sandbox":
      return sandboxProvider({ appUrl: opts.appUrl });
    case "stripe":
      return connectProvider(mode);
    case "off":
      throw new AppError("PRECONDITION_FAILED", "Payments are not set up on this Greenroom yet.");
  }
}

export function describePaymentsMode(env: PaymentsEnv): PaymentsMode["kind"] {
  return paymentsMode(env).kind;
}

interface Call {
  db: DbOrTx;
  env: PaymentsEnv;
  appUrl: string;
  meta: RequestMeta;
  now: Date;
}

/** Starts a checkout; the caller redirects the buyer to `url`. */
export async function createCheckout(opts: Call & { request: CheckoutRequest }): Promise<CheckoutSession> {
  const provider = paymentsProvider(opts);
  // The checkout and its audit row commit together (ADR 013).
  return opts.db.transaction(async (tx) => {
    const session = await provider.createCheckout({ db: tx, request: opts.request, now: opts.now });
    await recordAudit({
      db: tx,
      action: "payments.checkout_requested",
      actorUserId: opts.request.userId,
      workspaceId: opts.request.workspaceId,
      detail: {
        provider: provider.provider,
        checkoutId: session.id,
        kind: opts.request.kind,
        ...(opts.request.kind === "subscription"
          ? { tierId: opts.request.tierId, interval: opts.request.interval }
          : { purpose: opts.request.purpose.kind }),
      },
      meta: opts.meta,
      now: opts.now,
    });
    return session;
  });
}

/** The supporter's place to manage what they pay this creator. */
export async function createPortal(
  opts: Call & { workspaceId: string; userId: string; returnUrl: string },
): Promise<{ url: string }> {
  const provider = paymentsProvider(opts);
  const [workspace] = await opts.db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.id, opts.workspaceId));
  if (!workspace) throw notFound("Creator");
  await recordAudit({
    db: opts.db,
    action: "payments.portal_requested",
    actorUserId: opts.userId,
    workspaceId: opts.workspaceId,
    detail: { provider: provider.provider },
    meta: opts.meta,
    now: opts.now,
  });
  return provider.createPortal({
    db: opts.db,
    request: { workspaceId: opts.workspaceId, userId: opts.userId, returnUrl: opts.returnUrl },
    now: opts.now,
  });
}

/** Refunds a payment (all of what is left, or `amountCents`); the grant follows when the refund event arrives. */
export async function refund(opts: Call & { request: RefundRequest }): Promise<RefundResult> {
  const provider = paymentsProvider(opts);
  return opts.db.transaction(async (tx) => {
    const result = await provider.refund({ db: tx, request: opts.request, now: opts.now });
    await recordAudit({
      db: tx,
      action: "payments.refund_requested",
      actorUserId: opts.request.actorUserId,
      workspaceId: opts.request.workspaceId,
      detail: {
        provider: provider.provider,
        paymentId: opts.request.paymentId,
        refundId: result.refundId,
        amountCents: result.amountRefundedCents,
      },
      meta: opts.meta,
      now: opts.now,
    });
    return result;
  });
}
