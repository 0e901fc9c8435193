import { integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A file sent with an email (an event's .ics); small text only, stored in the row so a retry sends the same. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * Every transactional email, written before it is queued. The email queue consumer sends the row through the
 * configured provider and marks it sent, so a redelivered message never mails twice. Locally the dev mailbox
 * reads this table.
 */
export const emails = pgTable("emails", {
  id: uuid("id").primaryKey().defaultRandom(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  attachments: jsonb("attachments").$type<EmailAttachment[]>().notNull().default([]),
  status: text("status", { enum: ["queued", "sent", "failed"] })
    .notNull()
    .default("queued"),
  provider: text("provider"),
  providerMessageId: text("provider_message_id"),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
});
