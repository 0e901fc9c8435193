import * as z from "zod";
import { cursor, formatted, rowId, text } from "../../../lib/text";
import {
  MEDIA_KINDS,
  MEDIA_STATUSES,
  SOCIAL_ACCOUNT_STATUSES,
  SOCIAL_POST_STATUSES,
  SOCIAL_POST_TYPES,
  SOCIAL_PROVIDERS,
} from "../../../../db/schema";

/** A local date and time as the composer's datetime-local input sends it. */
export const ZScheduledLocal = formatted("date and time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Enter a date and time.");
/** An IANA zone name; the service checks it against the zones it knows ("Choose a time zone from the list."). */
export const ZTimeZone = text("time zone", { min: 1, max: 64, empty: "Choose a time zone." });

/** The composer's fields, shared by createPost and updatePost. Limits beyond shape are checked by the service. */
export const ZPostContentInput = z.object({
  accountId: rowId("Choose an account from the list.").nullable().default(null),
  type: z.enum(SOCIAL_POST_TYPES, "Choose image, carousel or reel."),
  caption: text("caption", { max: 10_000, trim: false, tooLong: "That caption is far too long." }).default(""),
  mediaIds: z.array(rowId("Choose files from the library.")).max(20, "Choose at most 10 files.").default([]),
  scheduledLocal: ZScheduledLocal.nullable().default(null),
  timezone: ZTimeZone,
  sourceType: z.enum(["transcript", "episode"]).nullable().optional(),
  sourceId: rowId("Unknown source.").nullable().optional(),
  /** false saves a draft; true schedules it (the whole post is checked and counts against the plan). */
  schedule: z.boolean().default(false),
});

const ZErrorKind = z.enum(["transient", "permanent", "deferred", "reconnect"]).nullable();

export const ZPostDetail = z.object({
  id: z.uuid(),
  type: z.enum(SOCIAL_POST_TYPES),
  caption: z.string(),
  status: z.enum(SOCIAL_POST_STATUSES),
  scheduledAt: z.date().nullable(),
  timezone: z.string(),
  scheduledLocal: z.string().nullable(),
  timeNote: z.string().nullable(),
  publishedAt: z.date().nullable(),
  permalink: z.string().nullable(),
  remoteMediaId: z.string().nullable(),
  attempts: z.number().int(),
  reason: z.string().nullable(),
  errorKind: ZErrorKind,
  sourceType: z.enum(["transcript", "episode"]).nullable(),
  sourceId: z.uuid().nullable(),
  account: z
    .object({
      id: z.uuid(),
      username: z.string(),
      displayName: z.string().nullable(),
      provider: z.enum(SOCIAL_PROVIDERS),
      status: z.enum(SOCIAL_ACCOUNT_STATUSES),
    })
    .nullable(),
  media: z.array(
    z.object({
      id: z.uuid(),
      filename: z.string(),
      kind: z.enum(MEDIA_KINDS),
      contentType: z.string(),
      status: z.enum(MEDIA_STATUSES),
    }),
  ),
  createdAt: z.date(),
  updatedAt: z.date(),
});

/** A row of the lists and calendar: the detail's scalar fields plus what a row shows instead of the media. */
export const ZPostSummary = ZPostDetail.pick({
  id: true,
  type: true,
  caption: true,
  status: true,
  scheduledAt: true,
  timezone: true,
  publishedAt: true,
  permalink: true,
  reason: true,
  errorKind: true,
  attempts: true,
  scheduledLocal: true,
}).extend({
  mediaCount: z.number().int(),
  thumbnailMediaId: z.uuid().nullable(),
  publishedLocal: z.string().nullable(),
  account: z.object({ id: z.uuid(), username: z.string(), provider: z.enum(SOCIAL_PROVIDERS) }).nullable(),
});

export const ZPostId = rowId("Unknown post.");
export const ZPageCursor = cursor(300).nullish();
