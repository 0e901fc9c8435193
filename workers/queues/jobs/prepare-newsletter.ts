import * as z from "zod";
import { NEWSLETTER_PREPARE_JOB, prepareNewsletter } from "../../../server/services/posts/newsletter";
import { defineJob } from "../define-job";

/** Picks a post's newsletter recipients through the gate and queues their copies in batches (ADR 026). */
export const prepareNewsletterJob = defineJob({
  id: NEWSLETTER_PREPARE_JOB,
  payload: z.object({ postId: z.uuid() }),
  async handle({ postId }, ctx) {
    await prepareNewsletter({ db: ctx.db, postId, queue: ctx.env.EMAIL_QUEUE, now: ctx.now });
  },
});
