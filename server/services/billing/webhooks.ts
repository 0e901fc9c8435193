import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import * as z from "zod";
import type { Database, Transaction } from "../../../db/client";
import {
  billingAccounts,
  stripeEvents,
  workspaces,
  type BillingStatus,
  type StripeEventOutcome,
} from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { GRACE_PERIOD_DAYS } from "./accounts";
import { planForPriceId, type PriceConfig } from "./plans";
import { notifyPastDue, provisionWorkspace } from "./provisioning";
import { webhookCryptoProvider } from "./stripe-client";

/** The metadata key Greenroom puts on every checkout session and subscription it creates. */
export const WORKSPACE_METADATA_KEY = "greenroom_workspace_id";

/** Event types the endpoint acts on; any other verified event is acknowledged and not recorded. */
export const HANDLED_EVENT_TYPES = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
] as const;
type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

const isHandled = (type: string): type is HandledEventType => (HANDLED_EVENT_TYPES as readonly string[]).includes(type);

/**
 * Checks the Stripe-Signature header over the raw body with Stripe's default tolerance (300 s) and the Web Crypto
 * provider. Any failure (missing/malformed header, wrong secret, tampered body, stale timestamp) is BAD_REQUEST.
 */
export async function verifyStripeEvent(opts: {
  stripe: Stripe;
  body: string;
  signature: string | null;
  secret: string;
}): Promise<Stripe.Event> {
  if (!opts.signature) throw new AppError("BAD_REQUEST", "Missing Stripe-Signature header.");
  try {
    return await opts.stripe.webhooks.constructEventAsync(
      opts.body,
      opts.signature,
      opts.secret,
      undefined,
      await webhookCryptoProvider(),
    );
  } catch (error) {
    throw new AppError("BAD_REQUEST", "Invalid Stripe signature.", { cause: error });
  }
}

export type WebhookResult =
  /** `emailIds`: emails recorded by the event's effects, to enqueue now that it has committed. */
  | { outcome: "processed" | "ignored"; detail: string | null; workspaceId: string | null; emailIds: string[] }
  /** Already applied (or being applied right now) by another delivery of the same event. */
  | { outcome: "duplicate" }
  /** Not in HANDLED_EVENT_TYPES; nothing recorded. */
  | { outcome: "unhandled" };

/**
 * Applies one verified event exactly once. The event row is claimed first, in the same transaction as the
 * change it causes: a concurrent delivery blocks on the primary key until this one commits, then finds the row
 * and reports a duplicate. A failed event is re-claimable, so Stripe's retry runs it again. On failure the
 * transaction rolls back, the failure is recorded on its own, and the error is rethrown (the HTTP layer answers
 * 500 so Stripe retries).
 */
export async function handleStripeEvent(opts: {
  db: Database;
  stripe: Stripe;
  event: Stripe.Event;
  prices: PriceConfig;
  appUrl: string;
  now: Date;
}): Promise<WebhookResult> {
  const { db, event, now } = opts;
  if (!isHandled(event.type)) return { outcome: "unhandled" };
  try {
    return await db.transaction(async (tx) => {
      const claimed = await tx
        .insert(stripeEvents)
        .values({ id: event.id, type: event.type, created: event.created, receivedAt: now, outcome: "processing" })
        .onConflictDoUpdate({
          target: stripeEvents.id,
          set: { outcome: "processing", receivedAt: now, detail: null, attempts: sql`${stripeEvents.attempts} + 1` },
          setWhere: sql`${stripeEvents.outcome} = 'failed'`,
        })
        .returning({ id: stripeEvents.id });
      if (claimed.length === 0) return { outcome: "duplicate" } as const;

      const result = await applyEvent({ ...opts, tx });
      await tx
        .update(stripeEvents)
        .set({ outcome: result.outcome, detail: result.detail, workspaceId: result.workspaceId, processedAt: now })
        .where(eq(stripeEvents.id, event.id));
      return result;
    });
  } catch (error) {
    await recordFailure({ db, event, now, error });
    throw error;
  }
}

/** Never overwrites a row another delivery has since processed; a failed row keeps the latest error. */
async function recordFailure(opts: { db: Database; event: Stripe.Event; now: Date; error: unknown }) {
  const detail = opts.error instanceof Error ? opts.error.message : String(opts.error);
  await opts.db
    .insert(stripeEvents)
    .values({
      id: opts.event.id,
      type: opts.event.type,
      created: opts.event.created,
      receivedAt: opts.now,
      outcome: "failed",
      detail,
    })
    .onConflictDoUpdate({
      target: stripeEvents.id,
      set: { detail, processedAt: opts.now },
      setWhere: sql`${stripeEvents.outcome} = 'failed'`,
    });
}

interface Applied {
  outcome: Extract<StripeEventOutcome, "processed" | "ignored">;
  detail: string | null;
  workspaceId: string | null;
  emailIds: string[];
}

const ignored = (detail: string): Applied => ({ outcome: "ignored", detail, workspaceId: null, emailIds: [] });

/** Where the event points: the subscription it concerns and the workspace its Greenroom metadata names. */
function subscriptionReference(event: Stripe.Event): { subscriptionId: string | null; workspaceId: string | null } {
  const idOf = (value: string | { id: string } | null | undefined) =>
    typeof value === "string" ? value : (value?.id ?? null);
  switch (event.type) {
    case "checkout.session.completed": {
      const session = event.data.object;
      return {
        subscriptionId: idOf(session.subscription),
        workspaceId: session.metadata?.[WORKSPACE_METADATA_KEY] ?? null,
      };
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const subscription = event.data.object;
      return { subscriptionId: subscription.id, workspaceId: subscription.metadata?.[WORKSPACE_METADATA_KEY] ?? null };
    }
    case "invoice.paid":
    case "invoice.payment_failed": {
      const details = event.data.object.parent?.subscription_details;
      return {
        subscriptionId: idOf(details?.subscription),
        workspaceId: details?.metadata?.[WORKSPACE_METADATA_KEY] ?? null,
      };
    }
    default:
      return { subscriptionId: null, workspaceId: null };
  }
}

const TERMINAL: readonly BillingStatus[] = ["canceled", "incomplete_expired"];

/**
 * Every handled event means "this subscription may have changed". Rather than trusting the event's snapshot
 * (events arrive late, twice and out of order), the workspace's row is locked and the subscription is re-read
 * from Stripe, so whichever event commits last writes Stripe's current state.
 */
async function applyEvent(opts: {
  tx: Transaction;
  stripe: Stripe;
  event: Stripe.Event;
  prices: PriceConfig;
  appUrl: string;
  now: Date;
}): Promise<Applied> {
  const { tx, stripe, event, now } = opts;
  const ref = subscriptionReference(event);
  if (!ref.workspaceId) return ignored("not created by Greenroom (no workspace metadata)");
  if (!ref.subscriptionId) return ignored("no subscription");
  if (!z.uuid().safeParse(ref.workspaceId).success) return ignored("workspace metadata is not a workspace id");
  const workspaceId = ref.workspaceId;
  const [workspace] = await tx
    .select({ id: workspaces.id, name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!workspace) return ignored("workspace no longer exists");

  // Serialises every event of one workspace: the re-read below happens under the lock.
  await tx.insert(billingAccounts).values({ workspaceId }).onConflictDoNothing();
  const [account] = await tx
    .select()
    .from(billingAccounts)
    .where(eq(billingAccounts.workspaceId, workspaceId))
    .for("update");

  let subscription = await retrieveSubscription(stripe, ref.subscriptionId);
  if (!subscription) return { ...ignored("subscription does not exist at Stripe"), workspaceId };
  // The live object's metadata is the authority: only a subscription Greenroom made for this workspace counts.
  if (subscription.metadata?.[WORKSPACE_METADATA_KEY] !== workspaceId) {
    return { ...ignored("subscription is not Greenroom's for this workspace"), workspaceId };
  }

  // A workspace that moved to a new subscription must not fall back to Free when the old one ends.
  if (
    account.stripeSubscriptionId &&
    account.stripeSubscriptionId !== subscription.id &&
    TERMINAL.includes(subscription.status as BillingStatus)
  ) {
    return { ...ignored("a replaced subscription ended"), workspaceId };
  }
  // Two checkouts finished in two tabs make two live subscriptions; when the one on record ends, the other
  // (still charging) takes over instead of the workspace dropping to Free.
  if (TERMINAL.includes(subscription.status as BillingStatus)) {
    subscription = (await otherLiveSubscription(stripe, subscription, workspaceId, opts.prices)) ?? subscription;
  }
  const status = subscription.status as BillingStatus;

  const item = subscription.items.data[0];
  const pricedPlan = item ? planForPriceId(opts.prices, item.price.id) : null;
  if (!pricedPlan && !TERMINAL.includes(status)) {
    // Failing (not ignoring) keeps a paying customer visible: Stripe retries once the price is configured.
    throw new Error(`Stripe price ${item?.price.id ?? "(none)"} is not configured for any plan`);
  }

  const plan = pricedPlan ?? account.plan;
  const graceUntil =
    status === "past_due" ? (account.graceUntil ?? new Date(now.getTime() + GRACE_PERIOD_DAYS * 86_400_000)) : null;
  // First paid state of this workspace: provision it, once (the row lock makes a concurrent delivery wait and then see provisioned_at).
  const provision = !account.provisionedAt && pricedPlan !== null && (status === "active" || status === "trialing");
  const dun = status === "past_due" && !account.dunningNotifiedAt && graceUntil !== null;
  await tx
    .update(billingAccounts)
    .set({
      plan,
      status,
      stripeCustomerId: typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id,
      stripeSubscriptionId: subscription.id,
      currentPeriodEnd: item ? new Date(item.current_period_end * 1000) : null,
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      // The grace clock starts when past_due is first seen and is cleared by any other state, as is the dunning mark.
      graceUntil,
      dunningNotifiedAt: status === "past_due" ? (account.dunningNotifiedAt ?? now) : null,
      provisionedAt: account.provisionedAt ?? (provision ? now : null),
      updatedFromEventCreated: sql`greatest(${billingAccounts.updatedFromEventCreated}, ${event.created})`,
      updatedAt: now,
    })
    .where(eq(billingAccounts.workspaceId, workspaceId));
  if (plan !== account.plan || status !== account.status) {
    // Stripe, not a member, changed the plan: the audit row names the event instead of a person.
    await recordAudit({
      db: tx,
      action: "billing.subscription_changed",
      actorUserId: null,
      workspaceId,
      detail: { plan, status, previousPlan: account.plan, previousStatus: account.status, eventId: event.id },
      meta: { ip: null, userAgent: "Stripe webhook" },
      now,
    });
  }
  const emailIds: string[] = [];
  let detail = `${subscription.id}: ${status}`;
  if (provision) {
    const provisioned = await provisionWorkspace({
      tx,
      workspaceId,
      workspaceName: workspace.name,
      plan,
      appUrl: opts.appUrl,
      now,
    });
    emailIds.push(...provisioned.emailIds);
    detail += provisioned.createdShowId ? "; provisioned (default show created)" : "; provisioned";
  }
  if (dun) {
    emailIds.push(
      ...(
        await notifyPastDue({ tx, workspaceId, workspaceName: workspace.name, plan, graceUntil, appUrl: opts.appUrl })
      ).emailIds,
    );
    detail += "; owner emailed about the failed payment";
  }
  return { outcome: "processed", detail, workspaceId, emailIds };
}

const LIVE: readonly BillingStatus[] = ["active", "trialing", "past_due"];

/** Another live subscription Greenroom made for this workspace on the same customer, the latest-renewing first. */
async function otherLiveSubscription(
  stripe: Stripe,
  ended: Stripe.Subscription,
  workspaceId: string,
  prices: PriceConfig,
): Promise<Stripe.Subscription | null> {
  const customer = typeof ended.customer === "string" ? ended.customer : ended.customer.id;
  const { data } = await stripe.subscriptions.list({ customer, status: "all", limit: 20 });
  const candidates = data.filter(
    (other) =>
      other.id !== ended.id &&
      other.metadata?.[WORKSPACE_METADATA_KEY] === workspaceId &&
      LIVE.includes(other.status as BillingStatus) &&
      other.items.data[0] !== undefined &&
      planForPriceId(prices, other.items.data[0].price.id) !== null,
  );
  candidates.sort((a, b) => (b.items.data[0]?.current_period_end ?? 0) - (a.items.data[0]?.current_period_end ?? 0));
  return candidates[0] ?? null;
}

async function retrieveSubscription(stripe: Stripe, id: string): Promise<Stripe.Subscription | null> {
  try {
    return await stripe.subscriptions.retrieve(id);
  } catch (error) {
    if ((error as { code?: string }).code === "resource_missing") return null;
    throw error;
  }
}
