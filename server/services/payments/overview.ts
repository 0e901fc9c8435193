import { desc, eq } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { sandboxPayments, sandboxSubscriptions, tiers, users } from "../../../db/schema";
import { connectedAccountQuery, connectStatusOf } from "./connect-accounts";
import { paymentsMode, type PaymentsEnv } from "./provider";

const SANDBOX_LIST_LIMIT = 50;

/** The sandbox's recent subscriptions and payments of one workspace, as unawaited reads for one batch. */
function sandboxActivityReads(db: DbOrTx, workspaceId: string) {
  return [
    db
      .select({
        id: sandboxSubscriptions.id,
        userEmail: users.email,
        tierName: tiers.name,
        interval: sandboxSubscriptions.interval,
        status: sandboxSubscriptions.status,
        amountCents: sandboxSubscriptions.amountCents,
        currency: sandboxSubscriptions.currency,
        currentPeriodEnd: sandboxSubscriptions.currentPeriodEnd,
        cancelAtPeriodEnd: sandboxSubscriptions.cancelAtPeriodEnd,
        failNextRenewal: sandboxSubscriptions.failNextRenewal,
      })
      .from(sandboxSubscriptions)
      .innerJoin(users, eq(users.id, sandboxSubscriptions.userId))
      .innerJoin(tiers, eq(tiers.id, sandboxSubscriptions.tierId))
      .where(eq(sandboxSubscriptions.workspaceId, workspaceId))
      .orderBy(desc(sandboxSubscriptions.createdAt), desc(sandboxSubscriptions.id))
      .limit(SANDBOX_LIST_LIMIT),
    db
      .select({
        id: sandboxPayments.id,
        userEmail: users.email,
        subscriptionId: sandboxPayments.subscriptionId,
        status: sandboxPayments.status,
        amountCents: sandboxPayments.amountCents,
        refundedCents: sandboxPayments.refundedCents,
        currency: sandboxPayments.currency,
        disputeStatus: sandboxPayments.disputeStatus,
        createdAt: sandboxPayments.createdAt,
      })
      .from(sandboxPayments)
      .leftJoin(users, eq(users.id, sandboxPayments.userId))
      .where(eq(sandboxPayments.workspaceId, workspaceId))
      .orderBy(desc(sandboxPayments.createdAt), desc(sandboxPayments.id))
      .limit(SANDBOX_LIST_LIMIT),
  ] as const;
}

/** What the creator's payments page shows, in one round trip. */
export async function getPaymentsOverview(opts: { db: DbOrTx; env: PaymentsEnv; workspaceId: string }) {
  const mode = paymentsMode(opts.env).kind;
  if (mode === "stripe") {
    const [account] = await connectedAccountQuery(opts.db, opts.workspaceId);
    return { mode, connect: connectStatusOf(account), sandbox: null };
  }
  if (mode !== "sandbox") return { mode, connect: null, sandbox: null };
  const [subscriptions, payments] = await readBatch(opts.db, sandboxActivityReads(opts.db, opts.workspaceId));
  return { mode, connect: null, sandbox: { subscriptions, payments } };
}
