import * as z from "zod";
import { NEWSLETTER_STATES, POST_STATUSES, CONTENT_VISIBILITIES } from "../../../../db/schema";

/** Output shapes shared by the posts procedures. */
export const ZPost = z.object({
  id: z.uuid(),
  title: z.string(),
  slug: z.string(),
  bodyHtml: z.string(),
  bodyJson: z.unknown(),
  excerpt: z.string(),
  visibility: z.enum(CONTENT_VISIBILITIES),
  visibilityTierIds: z.array(z.uuid()),
  visibilityEventId: z.uuid().nullable(),
  status: z.enum(POST_STATUSES),
  publishAt: z.date().nullable(),
  publishedAt: z.date().nullable(),
  publishError: z.string().nullable(),
  newsletterState: z.enum(NEWSLETTER_STATES),
  newsletterRequestedAt: z.date().nullable(),
  newsletterSentAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZSnippet = z.array(z.object({ text: z.string(), highlight: z.boolean() }));
