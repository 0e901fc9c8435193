import * as z from "zod";
import { DEFAULT_CHECK_IN_LIST, TICKET_STATUSES } from "../../../../db/schema";
import { formatted, rowId } from "../../../lib/text";

export const ZEventId = rowId("Unknown event.");
export const ZTicketId = rowId("Unknown ticket.");

/** A check-in list's name: the default "main", or one per gate or day ("north-gate", "day-2"). */
export const ZCheckInList = formatted(
  "check-in list",
  /^[a-z0-9][a-z0-9-]{0,39}$/,
  "Name the check-in list with up to 40 lower-case letters, digits and dashes.",
  40,
).default(DEFAULT_CHECK_IN_LIST);

export const ZCheckIn = z.object({
  id: z.uuid(),
  ticketId: z.uuid(),
  list: z.string(),
  scannedAt: z.date(),
  createdAt: z.date(),
  stewardName: z.string(),
  deviceLabel: z.string(),
});

export const ZOfflineTicket = z.object({
  id: z.uuid(),
  secretVersion: z.number().int(),
  status: z.enum(TICKET_STATUSES),
  holderName: z.string(),
  holderEmail: z.string(),
  typeName: z.string(),
});
