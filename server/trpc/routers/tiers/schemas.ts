import * as z from "zod";
import { TIER_KINDS } from "../../../../db/schema";
import { rowId, text } from "../../../lib/text";

const ZCents = z
  .number({ error: "Enter the price as a number." })
  .int("Enter the price in whole cents.")
  .min(100, "Charge at least 1.00.")
  .max(10_000_000, "Charge at most 100,000.00.");

export const ZTierId = rowId("Unknown tier.");

export const ZTierFields = z.object({
  name: text("tier name", { min: 1, max: 80, empty: "Name the tier." }),
  description: text("description", { max: 2000 }),
  benefits: z
    .array(text("benefit", { min: 1, max: 200, empty: "Describe the benefit, or remove it." }))
    .max(20, "List at most 20 benefits."),
  monthlyPriceCents: ZCents.nullable(),
  yearlyPriceCents: ZCents.nullable(),
  currency: z.enum(["usd", "eur", "gbp", "cad", "aud"], { error: "Choose a currency." }),
  trialDays: z.number().int().min(0, "Use 0 for no trial.").max(90, "Offer at most 90 days of trial."),
});

export const ZTier = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  benefits: z.array(z.string()),
  kind: z.enum(TIER_KINDS),
  monthlyPriceCents: z.number().int().nullable(),
  yearlyPriceCents: z.number().int().nullable(),
  currency: z.string(),
  trialDays: z.number().int(),
  position: z.number().int(),
  archivedAt: z.date().nullable(),
});
