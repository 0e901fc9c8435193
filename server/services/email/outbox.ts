import { and, desc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emails } from "../../../db/schema";
import { AsyncLocalStorage } from "node:async_hooks";
import { enqueueJobs, type QueueProducer } from "../platform/jobs";
import type { EmailContent } from "./templates";

export const SEND_EMAIL_JOB = "email.send";

/**
 * Prompt delivery of emails recorded deep inside a service's transaction (ADR 032 addendum). The request that owns
 * the work runs it inside `sendRecordedEmailsAfter`, which remembers every row `recordEmails` writes and queues
 * them once the work has returned, after its transactions committed. Work that throws queues nothing here (its rows
 * were rolled back, or the sweep below finds those an earlier committed transaction left); a lost enqueue is the
 * sweep's, as before.
 */
const recordedInRequest = new AsyncLocalStorage<string[]>();
/** Cloudflare Queues take at most 100 messages per batch. */
const QUEUE_BATCH = 100;

export async function sendRecordedEmailsAfter<T>(
  emailQueue: QueueProducer,
  work: () => Promise<T>,
  /** For work that reports failure instead of throwing (a tRPC middleware's `next()`). */
  succeeded: (result: T) => boolean = () => true,
): Promise<T> {
  const ids: string[] = [];
  const result = await recordedInRequest.run(ids, work);
  const unique = succeeded(result) ? [...new Set(ids)] : [];
  try {
    for (let i = 0; i < unique.length; i += QUEUE_BATCH)
      await enqueueJobs(
        emailQueue,
        SEND_EMAIL_JOB,
        unique.slice(i, i + QUEUE_BATCH).map((emailId) => ({ emailId })),
      );
  } catch (error) {
    // The change is committed: the outbox sweep queues these rows within minutes.
    console.warn(JSON.stringify({ event: "email.enqueue_failed", emailIds: unique, error: (error as Error).message }));
  }
  return result;
}

/** Writes the outbox row only: a mutation queues it once it returns (the ladder); jobs enqueue the id after commit. */
export async function recordEmail(opts: { db: DbOrTx; to: string; content: EmailContent }) {
  const [id] = await recordEmails({ db: opts.db, messages: [{ to: opts.to, content: opts.content }] });
  return id;
}

/** Several outbox rows in one statement (one notification to many members); ids in the order given. */
export async function recordEmails(opts: {
  db: DbOrTx;
  messages: { to: string; content: EmailContent }[];
}): Promise<string[]> {
  if (opts.messages.length === 0) return [];
  const rows = await opts.db
    .insert(emails)
    .values(
      opts.messages.map(({ to, content }) => ({
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        attachments: content.attachments ?? [],
      })),
    )
    .returning({ id: emails.id });
  const ids = rows.map((row) => row.id);
  recordedInRequest.getStore()?.push(...ids);
  return ids;
}

/**
 * Re-queues emails never attempted by `olderThan`, i.e. whose enqueue after the insert was lost. Rows with
 * attempts are already in the queue's retry cycle and are left to it.
 */
export async function requeueStuckEmails(opts: { db: DbOrTx; emailQueue: QueueProducer; olderThan: Date }) {
  const stuck = await opts.db
    .select({ id: emails.id })
    .from(emails)
    .where(and(eq(emails.status, "queued"), eq(emails.attempts, 0), lt(emails.createdAt, opts.olderThan)))
    .limit(100);
  await enqueueJobs(
    opts.emailQueue,
    SEND_EMAIL_JOB,
    stuck.map(({ id }) => ({ emailId: id })),
  );
  return stuck.length;
}

/** The dev mailbox: newest emails first. Only served in development and test. */
export async function listOutbox(opts: { db: DbOrTx; limit: number }) {
  return opts.db.select().from(emails).orderBy(desc(emails.createdAt)).limit(opts.limit);
}
