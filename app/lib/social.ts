import type { SocialPostStatus, SocialPostType } from "../../db/schema/social";
import { addDays } from "../../server/services/social/schedule-time";
import { truncate } from "./format";

/** Each status's label and colour; the label is always shown, so colour is never the only signal. */
export const POST_STATUS: Record<SocialPostStatus, { label: string; tone: string }> = {
  draft: { label: "Draft", tone: "badge-draft" },
  scheduled: { label: "Scheduled", tone: "badge-scheduled" },
  queued: { label: "Publishing", tone: "badge-warning" },
  publishing: { label: "Publishing", tone: "badge-warning" },
  published: { label: "Published", tone: "badge-success" },
  failed: { label: "Failed", tone: "badge-failed" },
  canceled: { label: "Canceled", tone: "badge-canceled" },
};

export const POST_TYPE_LABEL: Record<SocialPostType, string> = { image: "Image", carousel: "Carousel", reel: "Reel" };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/**
 * "Tue 10 Mar 2026, 23:30" from a wall-clock value "2026-03-10T23:30". Formatted by hand, like app/lib/format.ts,
 * so the server's and the browser's renderings agree.
 */
export function formatLocal(local: string): string {
  const [date, time] = local.split("T");
  return `${formatDay(date)}, ${time}`;
}

/** "Tue 10 Mar 2026" from "2026-03-10". */
export function formatDay(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${day} ${MONTHS[month - 1]} ${year}`;
}

export const zoneLabel = (zone: string) => zone.replace(/_/g, " ");

/** The zone the browser runs in, or UTC on the server and before hydration. */
export function browserZone(timeZones: string[]): string | null {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && timeZones.includes(zone) ? zone : null;
}

/** Whole days from one "YYYY-MM-DD" to another. */
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Where a post dragged to `day` on a calendar goes: moved by that many days on its own wall clock (`scheduledLocal`
 * in its own zone), so a post at 09:00 New York time stays at 09:00 there when the calendar shows another zone,
 * across DST changes included. `shownLocal` is the post's time in the calendar's zone.
 */
export function movedScheduledLocal(post: { scheduledLocal: string; shownLocal: string }, day: string): string {
  return `${addDays(post.scheduledLocal.slice(0, 10), daysBetween(post.shownLocal.slice(0, 10), day))}${post.scheduledLocal.slice(10)}`;
}

/** A caption on one line, cut to `max` characters, for lists and calendar chips. */
export const captionExcerpt = (caption: string, max: number) =>
  caption.trim() ? truncate(caption.replace(/\s+/g, " "), max) : "(no caption)";
