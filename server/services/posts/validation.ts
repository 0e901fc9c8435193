import * as z from "zod";
import { POST_STATUSES, CONTENT_VISIBILITIES } from "../../../db/schema";
import { rowId, text } from "../../lib/text";

/** Field rules shared by the procedures and the forms, so the browser and the server say the same thing. */
export const ZPostTitle = text("title", {
  min: 1,
  max: 200,
  empty: "Enter a title.",
  tooLong: "Use at most 200 characters.",
});
/** The body as HTML (sanitised by the server whatever it holds). */
export const ZPostBodyHtml = text("body", {
  max: 200_000,
  tooLong: "The post is too long: use at most 200,000 characters.",
});
/** The editor's JSON document as text; the fallback form sends none. */
export const ZPostBodyJson = text("editor document", { max: 400_000 }).refine((value) => {
  if (!value) return true;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null;
  } catch {
    return false;
  }
}, "The editor's document could not be read. Reload the editor and try again.");
export const ZPostExcerpt = text("teaser", { max: 500, tooLong: "Use at most 500 characters for the teaser." });
export const ZVisibility = z.enum(CONTENT_VISIBILITIES, { error: "Choose who can read the post." });
export const ZVisibilityEventId = rowId("Choose an event from the list.").nullable();
export const ZVisibilityTierIds = z.array(rowId("Choose tiers from the list.")).max(50);
export const ZPostStatus = z.enum(POST_STATUSES, { error: "Choose draft, scheduled or published." });

/** "" means no editor document. */
export function parseBodyJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  return value ? (JSON.parse(value) as unknown) : null;
}
