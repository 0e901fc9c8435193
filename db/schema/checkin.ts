import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { events, tickets } from "./events";
import { workspaces } from "./workspaces";

/** The check-in list every event has without being asked; gates or days may use lists of their own names. */
export const DEFAULT_CHECK_IN_LIST = "main";

/**
 * One admission of a ticket on one check-in list (ADR 031). Scans are recorded on the steward's device with a
 * random nonce and uploaded later, possibly twice and possibly from two gates at once, so the database decides:
 * at most one live (not undone) row per ticket and list, and a nonce is stored once per workspace, so a re-upload
 * finds its own row instead of admitting again. An undo keeps the row (who, when, why) and frees the slot.
 */
export const checkIns = pgTable(
  "check_ins",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    checkInList: text("check_in_list").notNull().default(DEFAULT_CHECK_IN_LIST),
    /** Chosen by the device for each scan; the idempotency key of the upload. */
    nonce: text("nonce").notNull(),
    /** When the steward scanned, by the device's clock (may be hours before the upload). */
    scannedAt: timestamp("scanned_at", { withTimezone: true }).notNull(),
    stewardUserId: uuid("steward_user_id").references(() => users.id, { onDelete: "set null" }),
    /** A random id the device keeps, and the label the steward gave it ("North gate"). */
    deviceId: text("device_id").notNull(),
    deviceLabel: text("device_label").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp("undone_at", { withTimezone: true }),
    undoneByUserId: uuid("undone_by_user_id").references(() => users.id, { onDelete: "set null" }),
    undoReason: text("undo_reason"),
  },
  (t) => [
    uniqueIndex("check_ins_one_admission_idx")
      .on(t.ticketId, t.checkInList)
      .where(sql`${t.undoneAt} is null`),
    uniqueIndex("check_ins_nonce_idx").on(t.workspaceId, t.nonce),
    index("check_ins_event_idx").on(t.eventId, t.checkInList, t.createdAt),
  ],
);
