import * as z from "zod";
import { cursor, formatted, rowId, text } from "../../lib/text";
import { EPISODE_TYPES } from "../../../db/schema/podcasts";
import { CONTENT_VISIBILITIES } from "../../../db/schema/audience";
import { APPLE_CATEGORIES } from "./categories";

/** Field rules shared by the procedures and the forms, so the browser and the server say the same thing. */

// language[-Script][-REGION]: what RSS readers and Apple accept in <language>; private-use and extension
// subtags are refused rather than passed on to directories that reject them.
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?$/i;

const canonicalTag = (tag: string) => {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    return tag;
  }
};

export const ZLanguageTag = formatted(
  "language",
  LANGUAGE_TAG,
  "Use a language code such as en, de or pt-BR.",
  35,
).transform(canonicalTag);

export const ZShowTitle = text("title", {
  min: 1,
  max: 200,
  empty: "Enter a title.",
  tooLong: "Use at most 200 characters.",
});
/** Apple truncates show descriptions at 4,000 characters. */
export const ZShowDescription = text("description", { max: 4000, tooLong: "Use at most 4,000 characters." });
export const ZCategory = text("category", { max: 200 }).refine(
  (value) => APPLE_CATEGORIES.includes(value),
  "Choose a category from the list.",
);
export const ZAuthor = text("author", { max: 200, tooLong: "Use at most 200 characters." });
/** Where directories send ownership checks (itunes:owner); the form sends nothing for "the workspace owner's". */
export const ZOwnerEmail = text("owner email", { min: 1, max: 254, empty: "Enter an email address." })
  .toLowerCase()
  .pipe(z.email("Enter a valid email address, such as you@example.com."));

export const ZEpisodeType = z.enum(EPISODE_TYPES, { error: "Choose full, trailer or bonus." });

export const ZEpisodeTitle = text("title", {
  min: 1,
  max: 200,
  empty: "Enter a title.",
  tooLong: "Use at most 200 characters.",
});
export const ZEpisodeDescription = text("description", { max: 10_000, tooLong: "Use at most 10,000 characters." });
const wholeNumber = (max: number) =>
  z
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "Use 1 or more.")
    .max(max, `Use at most ${withThousandsSeparators(max)}.`);
/** Not toLocaleString: Intl at module load costs the Worker ~20 ms of start-up CPU loading locale data. */
function withThousandsSeparators(value: number) {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
export const ZEpisodeNumber = wholeNumber(100_000);
export const ZSeasonNumber = wholeNumber(1_000);
/** Up to 24 hours. */
export const ZDurationSeconds = z
  .number({ error: "Enter a duration in seconds." })
  .int("Enter a whole number of seconds.")
  .min(1, "Use 1 second or more.")
  .max(86_400, "Use at most 24 hours.");

/** Who may listen (ADR 028); `tiers` needs at least one of the workspace's tiers. */
export const ZEpisodeVisibility = z.enum(CONTENT_VISIBILITIES, {
  error: "Choose public, members, paid members, chosen tiers or an event's ticket holders.",
});
/** visibility = ticket_holders: an event of this workspace (ADR 034). */
export const ZVisibilityEventId = rowId("Choose an event from the list.").nullable();
export const ZVisibilityTierIds = z
  .array(rowId("Choose tiers from the list."), { error: "Choose tiers from the list." })
  .max(50, "Choose at most 50 tiers.");
/** What a gated episode's public page shows in place of its show notes. */
export const ZEpisodeTeaser = text("teaser", { max: 1000, tooLong: "Use at most 1,000 characters." });

export const ZEpisodeStatus = z.enum(["draft", "scheduled", "published"], {
  error: "Choose draft, scheduled or published.",
});

/** Opaque page cursors; the services decode and check them. */
export const ZCursor = cursor(200);
export const ZPageLimit = z
  .number({ error: "Ask for a page size as a number." })
  .int("Ask for a whole number of rows per page.")
  .min(1, "Ask for at least 1 row per page.")
  .max(100, "Ask for at most 100 rows per page.")
  .default(20);
