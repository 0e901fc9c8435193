import * as z from "zod";
import { EVENT_KINDS, EVENT_STATUSES, PROMO_KINDS, VISIBILITIES } from "../../../../db/schema";
import { formatted, rowId, text } from "../../../lib/text";
import { ZLinkToken } from "../../../services/auth/validation";
import { RECURRENCE_FREQUENCIES } from "../../../services/events/times";

/** Field rules and output shapes shared by the events procedures and the forms (ADR 030). */

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const localTime = (label: string) => formatted(label, LOCAL_TIME, `Enter the ${label} as a date and time.`, 16);
/** An empty form field is "not set". */
const optionalLocalTime = (label: string) =>
  z.preprocess((value) => (value === "" ? null : value), localTime(label).nullable());

export const isWebUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
};

export const ZEventId = rowId("Unknown event.");
export const ZTicketTypeId = rowId("Unknown ticket type.");
export const ZPromoCodeId = rowId("Unknown promo code.");
const ZTierIds = z.array(rowId("Choose tiers from the list.")).max(50);
const seats = (label: string) =>
  z
    .number({ error: `Enter the ${label} as a number.` })
    .int(`Enter the ${label} as a whole number.`)
    .min(1, `Use at least 1 for the ${label}.`)
    .max(1_000_000, `Use at most 1,000,000 for the ${label}.`);
const cents = (label: string) =>
  z
    .number({ error: `Enter the ${label} as a number.` })
    .int(`Enter the ${label} in whole cents.`)
    .min(0, `The ${label} cannot be negative.`)
    .max(10_000_000, `Charge at most 100,000.00 for the ${label}.`);

export const ZEventFields = z.object({
  title: text("title", { min: 1, max: 200, empty: "Name the event." }),
  description: text("description", { max: 10_000 }).default(""),
  kind: z.enum(EVENT_KINDS, { error: "Choose in person, online or hybrid." }),
  timeZone: text("time zone", { min: 1, max: 64, empty: "Choose a time zone." }),
  startsAt: localTime("start"),
  endsAt: localTime("end"),
  venue: text("venue", { max: 500 }).default(""),
  joinUrl: z.preprocess(
    (value) => (value === "" ? null : value),
    text("join link", { max: 2000 }).refine(isWebUrl, "Enter the join link as a web address.").nullable(),
  ),
  coverMediaId: rowId("Choose an image from the media library.").nullable().default(null),
  capacity: seats("capacity").nullable(),
  salesStartAt: optionalLocalTime("sales start").default(null),
  salesEndAt: optionalLocalTime("sales end").default(null),
  visibility: z.enum(VISIBILITIES, { error: "Choose who can see the event." }).default("public"),
  visibilityTierIds: ZTierIds.default([]),
});

export const ZRecurrence = z.object({
  frequency: z.enum(RECURRENCE_FREQUENCIES, { error: "Choose daily, weekly or monthly." }),
  interval: z.number().int().min(1, "Repeat at least every 1.").max(12, "Repeat at most every 12."),
  count: z.number().int().min(2, "A series has at least 2 occurrences.").max(52, "Create at most 52 at once."),
});

export const ZEvent = z.object({
  id: z.uuid(),
  seriesId: z.uuid().nullable(),
  title: z.string(),
  description: z.string(),
  kind: z.enum(EVENT_KINDS),
  status: z.enum(EVENT_STATUSES),
  startsAt: z.date(),
  endsAt: z.date(),
  timeZone: z.string(),
  venue: z.string(),
  joinUrl: z.string().nullable(),
  coverMediaId: z.uuid().nullable(),
  capacity: z.number().int().nullable(),
  salesStartAt: z.date().nullable(),
  salesEndAt: z.date().nullable(),
  holdMinutes: z.number().int(),
  offerHours: z.number().int(),
  visibility: z.enum(VISIBILITIES),
  visibilityTierIds: z.array(z.uuid()),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZTicketTypeFields = z.object({
  name: text("ticket name", { min: 1, max: 120, empty: "Name the ticket." }),
  description: text("description", { max: 1000 }).default(""),
  priceCents: cents("price").default(0),
  currency: z.enum(["usd", "eur", "gbp", "cad", "aud"], { error: "Choose a currency." }).default("usd"),
  quantity: seats("quantity").nullable().default(null),
  maxPerOrder: z
    .number()
    .int()
    .min(1, "Allow at least 1 per order.")
    .max(50, "Allow at most 50 per order.")
    .default(10),
  memberTierIds: ZTierIds.default([]),
  memberPriceCents: cents("member price").nullable().default(null),
  earlyAccessTierIds: ZTierIds.default([]),
  earlyAccessStartAt: optionalLocalTime("early access start").default(null),
});

export const ZTicketType = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  quantity: z.number().int().nullable(),
  maxPerOrder: z.number().int(),
  memberTierIds: z.array(z.uuid()),
  memberPriceCents: z.number().int().nullable(),
  earlyAccessTierIds: z.array(z.uuid()),
  earlyAccessStartAt: z.date().nullable(),
  position: z.number().int(),
  archivedAt: z.date().nullable(),
});

export const ZPromoCodeFields = z.object({
  code: formatted("code", /^[A-Za-z0-9_-]{2,40}$/, "Use 2 to 40 letters, digits, - or _.", 40),
  kind: z.enum(PROMO_KINDS, { error: "Choose a percentage or an amount." }),
  value: z.number().int().min(1, "Take off at least 1.").max(10_000_000, "Take off at most 100,000.00."),
  maxUses: z.number().int().min(1, "Allow at least 1 use.").max(1_000_000).nullable().default(null),
  validFrom: optionalLocalTime("valid from").default(null),
  validUntil: optionalLocalTime("valid until").default(null),
  ticketTypeIds: z.array(ZTicketTypeId).max(50).default([]),
});

export const ZPromoCode = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  code: z.string(),
  kind: z.enum(PROMO_KINDS),
  value: z.number().int(),
  maxUses: z.number().int().nullable(),
  validFrom: z.date().nullable(),
  validUntil: z.date().nullable(),
  ticketTypeIds: z.array(z.uuid()),
});

/** A canceled event's refunds (events-changes, ADR 032). */
export const ZCancellationStatus = z.object({
  status: z.enum(EVENT_STATUSES),
  canceledAt: z.date().nullable(),
  refundsPending: z.number().int(),
  refundsDone: z.number().int(),
});

/** A waitlist offer's link: the creator and the token from the email (stored only as its hash). */
export const ZOfferToken = z.object({
  workspaceId: rowId("Unknown creator."),
  token: ZLinkToken,
});

/** An event's recording as the editor and the portal show it (ADR 034). */
export const ZEventRecording = z.object({
  kind: z.enum(["episode", "post"]),
  id: z.uuid(),
  eventId: z.uuid(),
  title: z.string(),
  status: z.enum(["draft", "scheduled", "published"]),
  editUrl: z.string(),
  publicUrl: z.string().nullable(),
  createdAt: z.date(),
});
