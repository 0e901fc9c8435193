import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { emails } from "../../../db/schema";
import type { EmailProvider } from "./providers";

/**
 * Sends one outbox row. Idempotent: a row already sent is skipped. A provider failure is recorded on the row
 * (visible status and reason) and rethrown so the queue retries with backoff.
 */
export async function deliverEmail(opts: {
  db: DbOrTx;
  provider: EmailProvider;
  from: string;
  emailId: string;
  now: Date;
}) {
  const [email] = await opts.db.select().from(emails).where(eq(emails.id, opts.emailId)).limit(1);
  if (!email) return { outcome: "missing" as const };
  if (email.status === "sent") return { outcome: "already-sent" as const };
  try {
    const { messageId } = await opts.provider.send({ ...email, from: opts.from });
    await opts.db
      .update(emails)
      .set({
        status: "sent",
        provider: opts.provider.name,
        providerMessageId: messageId,
        sentAt: opts.now,
        attempts: sql`${emails.attempts} + 1`,
        lastError: null,
      })
      .where(eq(emails.id, email.id));
    return { outcome: "sent" as const };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await opts.db
      .update(emails)
      .set({ provider: opts.provider.name, attempts: sql`${emails.attempts} + 1`, lastError: reason.slice(0, 1000) })
      .where(eq(emails.id, email.id));
    throw error;
  }
}

/** Called from the dead-letter path: the row stays visible as failed with its last reason. */
export async function markEmailFailed(opts: { db: DbOrTx; emailId: string }) {
  await opts.db.update(emails).set({ status: "failed" }).where(eq(emails.id, opts.emailId));
}
