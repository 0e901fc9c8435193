import * as z from "zod";
import {
  CAMPAIGN_PRICING,
  CAMPAIGN_STATUSES,
  CREATIVE_KINDS,
  FLIGHT_POSITIONS,
  FLIGHT_STATUSES,
  INVOICE_STATUSES,
} from "../../../db/schema/campaigns";
import { formatted, rowId, text } from "../../lib/text";

/** Field rules shared by the campaign procedures and forms, so the browser and the server say the same thing. */

export const ZAdvertiserName = text("advertiser name", { min: 1, max: 200, empty: "Enter the advertiser's name." });
export const ZNotes = text("notes", { max: 5000 });

const ZContactEmail = text("contact email", { min: 1, max: 254, empty: "Enter the contact's email address." })
  .toLowerCase()
  .pipe(z.email("Enter a valid email address, such as ana@example.com."));

export const ZContact = z.object({
  name: text("contact name", { min: 1, max: 200, empty: "Enter the contact's name." }),
  email: ZContactEmail,
  role: text("contact role", { max: 100 }).default(""),
});
export const ZContacts = z.array(ZContact).max(20, "Keep at most 20 contacts.");

export const ZCampaignName = text("campaign name", { min: 1, max: 200, empty: "Enter the campaign's name." });
export const ZFlightName = text("flight name", { min: 1, max: 200, empty: "Enter the flight's name." });
export const ZCreativeName = text("creative name", { min: 1, max: 200, empty: "Enter the creative's name." });

/** A calendar day, YYYY-MM-DD, that exists (no 30 February). */
export function day(label: string) {
  const invalid = `Enter the ${label} as a date (YYYY-MM-DD).`;
  return formatted(label, /^\d{4}-\d{2}-\d{2}$/, invalid, 10).refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, invalid);
}

export const ZCurrency = formatted(
  "currency",
  /^[A-Za-z]{3}$/,
  "Use a three-letter currency code such as USD.",
  3,
).transform((value) => value.toUpperCase());

/** Money in cents: whole, not negative, below 10 billion in the currency. */
export const ZCents = (label: string) =>
  z
    .number({ error: `Enter the ${label} in cents.` })
    .int(`Enter the ${label} in whole cents.`)
    .min(0, `The ${label} cannot be negative.`)
    .max(1_000_000_000_000, `Use a ${label} below 10,000,000,000.`);

export const ZPricing = z.enum(CAMPAIGN_PRICING, { error: "Choose CPM or flat fee." });
export const ZCampaignStatus = z.enum(CAMPAIGN_STATUSES, { error: "Choose a campaign status." });
export const ZPosition = z.enum(FLIGHT_POSITIONS, { error: "Choose pre-roll, mid-roll or post-roll." });
export const ZFlightStatus = z.enum(FLIGHT_STATUSES, { error: "Choose a flight status." });
export const ZCreativeKind = z.enum(CREATIVE_KINDS, { error: "Choose a host read or recorded audio." });
export const ZInvoiceStatus = z.enum(INVOICE_STATUSES, { error: "Choose draft, sent, paid or void." });

export const ZIoContactName = text("IO contact name", { max: 200 });
export const ZIoContactEmail = z.union([
  z.literal(""),
  text("IO contact email", { max: 254 })
    .toLowerCase()
    .pipe(z.email("Enter a valid email address for the IO contact, or leave it empty.")),
]);

export const ZImpressionsGoal = z
  .number({ error: "Enter the impressions goal as a number." })
  .int("Enter the impressions goal as a whole number.")
  .min(0, "The impressions goal cannot be negative.")
  .max(2_000_000_000, "Use an impressions goal below 2,000,000,000.");
export const ZPriority = z
  .number({ error: "Enter the priority as a number from 1 to 10." })
  .int("Enter the priority as a whole number from 1 to 10.")
  .min(1, "Use a priority from 1 to 10.")
  .max(10, "Use a priority from 1 to 10.");
export const ZFrequency = z
  .object({
    cap: z.number().int("Enter the cap as a whole number.").min(1, "Allow at least 1 play.").max(100),
    // Listener keys change daily (docs/decisions/019), so a cap cannot reach past one UTC day (ADR 024 addendum).
    days: z
      .number()
      .int("Enter the days as a whole number.")
      .min(1, "Use at least 1 day.")
      .max(
        1,
        "A cap can cover one day at most: listener keys change daily, so Greenroom cannot tell a listener apart across days.",
      )
      .default(1),
  })
  .nullable();

export const ZScript = text("script", { max: 10_000 });
export const ZTalkingPoints = z
  .array(text("talking point", { min: 1, max: 500 }))
  .max(20, "Keep at most 20 talking points.");
export const ZPromoCode = text("promo code", { max: 100 });
export const ZCreativeUrl = z.union([
  z.literal(""),
  text("URL", { max: 2000 }).pipe(
    z.url({ protocol: /^https?$/, error: "Enter a web address starting with https:// or http://, or leave it empty." }),
  ),
]);

export const ZApprovalComment = text("comment", { max: 2000 });
export const ZDeciderName = text("your name", { min: 1, max: 200, empty: "Enter your name." });
export const ZDeciderEmail = z.union([
  z.literal(""),
  text("your email", { max: 254 }).toLowerCase().pipe(z.email("Enter a valid email address, or leave it empty.")),
]);

export const ZAdvertiserId = rowId("Unknown advertiser.");
export const ZCampaignId = rowId("Unknown campaign.");
export const ZFlightId = rowId("Unknown flight.");
export const ZCreativeId = rowId("Unknown creative.");
export const ZShareLinkId = rowId("Unknown share link.");
export const ZInvoiceId = rowId("Unknown invoice.");
/** YYYY-MM: the month a calendar shows. */
export const ZMonth = formatted("month", /^\d{4}-(0[1-9]|1[0-2])$/, "Choose a month as YYYY-MM.", 7);
