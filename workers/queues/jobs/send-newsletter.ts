import * as z from "zod";
import {
  NEWSLETTER_BATCH_SIZE,
  NEWSLETTER_SEND_JOB,
  sendNewsletterBatch,
} from "../../../server/services/posts/newsletter";
import { emailProviderFromEnv } from "../../../server/services/email/providers";
import { defineJob } from "../define-job";
import { EMAIL_MAX_ATTEMPTS } from "./send-email";

/** Mails one batch of a newsletter's copies; copies left queued by a provider failure make the batch retry. */
export const sendNewsletterJob = defineJob({
  id: NEWSLETTER_SEND_JOB,
  payload: z.object({ postId: z.uuid(), deliveryIds: z.array(z.uuid()).min(1).max(NEWSLETTER_BATCH_SIZE) }),
  async handle({ postId, deliveryIds }, ctx) {
    const outcome = await sendNewsletterBatch({
      db: ctx.db,
      postId,
      deliveryIds,
      provider: emailProviderFromEnv(ctx.env),
      from: ctx.env.EMAIL_FROM,
      appUrl: ctx.config.appUrl,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
      now: ctx.now,
      finalAttempt: ctx.attempt >= EMAIL_MAX_ATTEMPTS,
    });
    if (outcome.retry > 0) throw new Error(`${outcome.retry} newsletter copies could not be sent yet; retrying.`);
  },
});
