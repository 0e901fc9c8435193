import { count, eq } from "drizzle-orm";
import type { Transaction } from "../../../db/client";
import { shows } from "../../../db/schema";
import { recordAudit } from "../audit/audit";
import { notifyWorkspace } from "../notifications/notify";
import { formatBytes } from "../media/rules";
import { getPlan, type PlanId } from "./plans";

const SYSTEM_META = { ip: null, userAgent: "stripe-webhook" };

/**
 * What the first paid subscription of a workspace sets up: the plan is already on the billing account (limits
 * derive from it); this adds a default show when the workspace has none and welcomes the owners. The caller
 * holds the billing account's row lock and sets `provisioned_at` in the same transaction, which is what makes
 * it happen once however many times, in whatever order, Stripe delivers the events. Returns emails to enqueue
 * after commit.
 */
export async function provisionWorkspace(opts: {
  tx: Transaction;
  workspaceId: string;
  workspaceName: string;
  plan: PlanId;
  appUrl: string;
  now: Date;
}): Promise<{ emailIds: string[]; createdShowId: string | null }> {
  const { tx, workspaceId, now } = opts;
  const plan = getPlan(opts.plan);
  const [existing] = await tx.select({ n: count() }).from(shows).where(eq(shows.workspaceId, workspaceId));
  let createdShowId: string | null = null;
  if (Number(existing?.n ?? 0) === 0) {
    const [show] = await tx
      .insert(shows)
      .values({
        workspaceId,
        title: opts.workspaceName,
        description: `The podcast of ${opts.workspaceName}.`,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: shows.id });
    createdShowId = show.id;
    await recordAudit({
      db: tx,
      action: "show.created",
      actorUserId: null,
      workspaceId,
      detail: { showId: show.id, title: opts.workspaceName, provisioned: true },
      meta: SYSTEM_META,
      now,
    });
  }
  const limits = plan.limits;
  const { emailIds } = await notifyWorkspace({
    db: tx,
    workspaceId,
    kind: "billing.welcome",
    roles: ["owner"],
    title: `Welcome to Greenroom ${plan.name}`,
    body:
      `${opts.workspaceName} is now on ${plan.name}: ${limits.transcriptionMinutesPerMonth} transcription minutes and ` +
      `${limits.scheduledPostsPerMonth} scheduled posts a month, ${formatBytes(limits.storageBytes)} of storage, ` +
      `${limits.socialAccounts} social accounts and ${limits.seats} seats.` +
      (createdShowId ? ` We created a first show, "${opts.workspaceName}", for you to rename and fill.` : ""),
    link: createdShowId ? `/w/${workspaceId}/shows/${createdShowId}` : `/w/${workspaceId}`,
    dedupeKey: `billing.welcome:${workspaceId}`,
    email: true,
    appUrl: opts.appUrl,
  });
  return { emailIds, createdShowId };
}

/**
 * Tells the owners once per past_due episode that a payment failed and when the paid limits stop. The caller
 * gates on `dunning_notified_at` under the row lock; the dedupe key also names the episode (its grace end).
 */
export async function notifyPastDue(opts: {
  tx: Transaction;
  workspaceId: string;
  workspaceName: string;
  plan: PlanId;
  graceUntil: Date;
  appUrl: string;
}): Promise<{ emailIds: string[] }> {
  const plan = getPlan(opts.plan);
  const until = opts.graceUntil.toISOString().slice(0, 10);
  return notifyWorkspace({
    db: opts.tx,
    workspaceId: opts.workspaceId,
    kind: "billing.past_due",
    roles: ["owner"],
    title: `Payment failed for ${opts.workspaceName}`,
    body:
      `Stripe could not charge the card for ${opts.workspaceName}'s ${plan.name} plan. Update the payment method by ${until} (UTC) ` +
      `to keep ${plan.name}'s limits. After that the workspace uses Free limits until payment succeeds; nothing is deleted.`,
    link: `/w/${opts.workspaceId}/billing`,
    dedupeKey: `billing.past_due:${opts.workspaceId}:${opts.graceUntil.toISOString()}`,
    email: true,
    appUrl: opts.appUrl,
  });
}
