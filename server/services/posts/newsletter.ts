import { and, eq, inArray, isNotNull, isNull, lt, notExists, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { newsletterDeliveries, posts, supporters, users, workspaces } from "../../../db/schema";
import { escapeHtml } from "../../lib/html";
import { decideAccess, gatedOf, type GatedRow } from "../audience/gate";
import type { EmailProvider } from "../email/providers";
import { enqueueJobs, type QueueProducer } from "../platform/jobs";
import { textOfHtml } from "./sanitise";
import { unsubscribeToken } from "./unsubscribe";
import { postUrls } from "./urls";
import { supporterGrantsJson, supporterViewer } from "../audience/viewer";

/**
 * Newsletters (ADR 026): a post goes by email to exactly the audience the gate lets read it. `prepare` picks the
 * recipients and writes one delivery row each (unique per post and person, so a repeated prepare adds nobody),
 * then queues them in batches; `send` mails a batch, each copy rendered at send time with the supporter's
 * unsubscribe link, each row's id the provider's idempotency key, each row's status visible to the creator.
 */
export const NEWSLETTER_PREPARE_JOB = "newsletter.prepare";
export const NEWSLETTER_SEND_JOB = "newsletter.send";
export const NEWSLETTER_BATCH_SIZE = 100;
/** A batch claimed this long ago without finishing (a crashed consumer) may be claimed again. */
const CLAIM_TIMEOUT_MS = 5 * 60_000;

/**
 * Active supporters with newsletters on and a confirmed address whose grants pass the gate for this post, now.
 * The gate decides in code (the one decision); the statement only narrows to people who could receive email.
 */
export async function newsletterRecipients(opts: { db: DbOrTx; post: { workspaceId: string } & GatedRow; now: Date }) {
  const rows = await opts.db
    .select({
      supporterId: supporters.id,
      userId: supporters.userId,
      email: users.email,
      status: supporters.status,
      grants: supporterGrantsJson,
    })
    .from(supporters)
    .innerJoin(users, eq(users.id, supporters.userId))
    .where(
      and(
        eq(supporters.workspaceId, opts.post.workspaceId),
        eq(supporters.status, "active"),
        eq(supporters.emailNewsletters, true),
        isNotNull(users.emailVerifiedAt),
      ),
    );
  const gated = gatedOf(opts.post);
  return rows.filter((row) => {
    return decideAccess(gated, supporterViewer(row), opts.now).allowed;
  });
}

/**
 * Writes the delivery rows of a post whose newsletter is sending and queues them, 100 to a message. Only rows this
 * run inserted are queued, so a duplicate prepare message queues nothing; a prepare lost before its rows were
 * written is queued again by the cron sweep.
 */
export async function prepareNewsletter(opts: { db: DbOrTx; postId: string; queue: QueueProducer; now: Date }) {
  const [post] = await opts.db
    .select()
    .from(posts)
    .where(and(eq(posts.id, opts.postId), eq(posts.status, "published"), eq(posts.newsletterState, "sending")))
    .limit(1);
  if (!post) return { queued: 0 };
  const recipients = await newsletterRecipients({ db: opts.db, post, now: opts.now });
  let queued = 0;
  for (let start = 0; start < recipients.length; start += NEWSLETTER_BATCH_SIZE) {
    const batch = recipients.slice(start, start + NEWSLETTER_BATCH_SIZE);
    const inserted = await opts.db
      .insert(newsletterDeliveries)
      .values(
        batch.map((recipient) => ({
          workspaceId: post.workspaceId,
          postId: post.id,
          userId: recipient.userId,
          supporterId: recipient.supporterId,
          email: recipient.email,
          createdAt: opts.now,
        })),
      )
      .onConflictDoNothing({ target: [newsletterDeliveries.postId, newsletterDeliveries.userId] })
      .returning({ id: newsletterDeliveries.id });
    if (inserted.length) {
      await enqueueJobs(opts.queue, NEWSLETTER_SEND_JOB, [
        { postId: post.id, deliveryIds: inserted.map((row) => row.id) },
      ]);
      queued += inserted.length;
    }
  }
  await finishIfDone(opts.db, post.id, opts.now);
  return { queued };
}

/** Relative addresses in a stored body (post media, episode pages) made absolute for an email client. */
function absolute(html: string, appUrl: string) {
  return html.replace(/ (src|href)="\//g, (_whole, attr: string) => ` ${attr}="${appUrl}/`);
}

export function newsletterEmail(opts: {
  post: { title: string; bodyHtml: string; excerpt: string };
  workspaceName: string;
  pageUrl: string;
  unsubscribeUrl: string;
  appUrl: string;
}) {
  const body = absolute(opts.post.bodyHtml, opts.appUrl);
  const text =
    `${opts.post.title}\n${opts.workspaceName}\n\n${textOfHtml(body)}\n\n` +
    `Read it on the web: ${opts.pageUrl}\n\nUnsubscribe from ${opts.workspaceName}'s newsletter: ${opts.unsubscribeUrl}\n`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.6;color:#1f2328;max-width:640px;margin:0 auto;padding:16px">
<p style="color:#57606a;font-size:14px">${escapeHtml(opts.workspaceName)}</p>
<h1 style="font-size:28px;line-height:1.2">${escapeHtml(opts.post.title)}</h1>
${body}
<p><a href="${escapeHtml(opts.pageUrl)}">Read it on the web</a></p>
<p style="color:#57606a;font-size:13px">You receive this because you support ${escapeHtml(opts.workspaceName)}. <a href="${escapeHtml(opts.unsubscribeUrl)}">Unsubscribe</a></p>
</body></html>`;
  return { subject: opts.post.title, text, html };
}

/**
 * Mails one batch. Each row is claimed first (queued, not claimed by a live run), so a message delivered twice or
 * two consumers racing mail each copy once; the row id is the provider's idempotency key for a crash between
 * sending and recording. Each recipient's access is asked again at send time: a grant revoked since the prepare
 * means no email (the full text of a paywalled post only goes to someone the gate lets read it). Failures are
 * recorded per row; the batch is retried while any row is left queued and attempts remain.
 */
export async function sendNewsletterBatch(opts: {
  db: DbOrTx;
  postId: string;
  deliveryIds: string[];
  provider: EmailProvider;
  from: string;
  appUrl: string;
  secret: string;
  now: Date;
  finalAttempt: boolean;
}) {
  const staleClaim = new Date(opts.now.getTime() - CLAIM_TIMEOUT_MS);
  const claimed = await opts.db
    .update(newsletterDeliveries)
    .set({ claimedAt: opts.now, attempts: sql`${newsletterDeliveries.attempts} + 1` })
    .where(
      and(
        eq(newsletterDeliveries.postId, opts.postId),
        inArray(newsletterDeliveries.id, opts.deliveryIds),
        eq(newsletterDeliveries.status, "queued"),
        or(isNull(newsletterDeliveries.claimedAt), lt(newsletterDeliveries.claimedAt, staleClaim)),
      ),
    )
    .returning();
  const outcome = { sent: 0, skipped: 0, failed: 0, retry: 0 };
  if (claimed.length === 0) return outcome;
  const [post] = await opts.db
    .select({ post: posts, workspaceName: workspaces.name })
    .from(posts)
    .innerJoin(workspaces, eq(workspaces.id, posts.workspaceId))
    .where(eq(posts.id, opts.postId))
    .limit(1);
  // The recipients' current preferences and grants, for the whole batch in one statement.
  const current = await opts.db
    .select({
      id: supporters.id,
      status: supporters.status,
      emailNewsletters: supporters.emailNewsletters,
      grants: supporterGrantsJson,
    })
    .from(supporters)
    .where(
      inArray(
        supporters.id,
        claimed.map((delivery) => delivery.supporterId),
      ),
    );
  const supporterById = new Map(current.map((row) => [row.id, row]));
  const urls = postUrls(opts.appUrl);
  for (const delivery of claimed) {
    const settle = (values: Partial<typeof newsletterDeliveries.$inferInsert>) =>
      opts.db
        .update(newsletterDeliveries)
        .set({ claimedAt: null, ...values })
        .where(eq(newsletterDeliveries.id, delivery.id));
    if (!post || post.post.status !== "published") {
      await settle({ status: "failed", reason: "The post was unpublished or deleted before this copy was sent." });
      outcome.skipped++;
      continue;
    }
    const supporter = supporterById.get(delivery.supporterId);
    if (!supporter?.emailNewsletters) {
      await settle({ status: "unsubscribed", reason: "Turned newsletters off before this copy was sent." });
      outcome.skipped++;
      continue;
    }
    if (!decideAccess(gatedOf(post.post), supporterViewer(supporter), opts.now).allowed) {
      await settle({ status: "failed", reason: "No longer has access to this post (membership ended or blocked)." });
      outcome.skipped++;
      continue;
    }
    const unsubscribeUrl = urls.unsubscribe(unsubscribeToken(opts.secret, delivery.supporterId));
    const content = newsletterEmail({
      post: post.post,
      workspaceName: post.workspaceName,
      pageUrl: urls.page(post.post.workspaceId, post.post.id),
      unsubscribeUrl,
      appUrl: opts.appUrl,
    });
    try {
      const { messageId } = await opts.provider.send({
        id: delivery.id,
        from: opts.from,
        to: delivery.email,
        ...content,
        headers: { "List-Unsubscribe": `<${unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      await settle({ status: "sent", sentAt: opts.now, providerMessageId: messageId, reason: null });
      outcome.sent++;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      if (opts.finalAttempt) {
        await settle({ status: "failed", reason });
        outcome.failed++;
      } else {
        await settle({ reason });
        outcome.retry++;
      }
    }
  }
  await finishIfDone(opts.db, opts.postId, opts.now);
  return outcome;
}

/** The newsletter is sent once no copy is left queued. */
async function finishIfDone(db: DbOrTx, postId: string, now: Date) {
  await db
    .update(posts)
    .set({ newsletterState: "sent", newsletterSentAt: now })
    .where(
      and(
        eq(posts.id, postId),
        eq(posts.newsletterState, "sending"),
        notExists(
          db
            .select({ one: sql`1` })
            .from(newsletterDeliveries)
            .where(and(eq(newsletterDeliveries.postId, postId), eq(newsletterDeliveries.status, "queued"))),
        ),
      ),
    );
}

/**
 * For the cron: newsletters whose prepare message was lost (sending, no rows, asked over ten minutes ago) and
 * copies queued but never attempted for ten minutes (their send message was lost) are queued again.
 */
export async function requeueStuckNewsletters(opts: { db: DbOrTx; queue: QueueProducer; now: Date }) {
  const olderThan = new Date(opts.now.getTime() - 10 * 60_000);
  const [unprepared, unsent] = await Promise.all([
    opts.db
      .select({ id: posts.id })
      .from(posts)
      .where(
        and(
          eq(posts.newsletterState, "sending"),
          lt(posts.newsletterRequestedAt, olderThan),
          notExists(
            opts.db
              .select({ one: sql`1` })
              .from(newsletterDeliveries)
              .where(eq(newsletterDeliveries.postId, posts.id)),
          ),
        ),
      )
      .limit(100),
    opts.db
      .select({ id: newsletterDeliveries.id, postId: newsletterDeliveries.postId })
      .from(newsletterDeliveries)
      .where(
        and(
          eq(newsletterDeliveries.status, "queued"),
          eq(newsletterDeliveries.attempts, 0),
          lt(newsletterDeliveries.createdAt, olderThan),
        ),
      )
      .limit(1000),
  ]);
  await enqueueJobs(
    opts.queue,
    NEWSLETTER_PREPARE_JOB,
    unprepared.map((post) => ({ postId: post.id })),
  );
  const byPost = new Map<string, string[]>();
  for (const row of unsent) byPost.set(row.postId, [...(byPost.get(row.postId) ?? []), row.id]);
  const batches = [...byPost].flatMap(([postId, ids]) => {
    const out = [];
    for (let start = 0; start < ids.length; start += NEWSLETTER_BATCH_SIZE)
      out.push({ postId, deliveryIds: ids.slice(start, start + NEWSLETTER_BATCH_SIZE) });
    return out;
  });
  await enqueueJobs(opts.queue, NEWSLETTER_SEND_JOB, batches);
  return { prepares: unprepared.length, batches: batches.length };
}
