import * as z from "zod";
import { deliverEmail, markEmailFailed } from "../../../server/services/email/deliver";
import { SEND_EMAIL_JOB } from "../../../server/services/email/outbox";
import { emailProviderFromEnv } from "../../../server/services/email/providers";
import { defineJob } from "../define-job";

/** Matches max_retries = 5 on greenroom-email in wrangler.toml: the first try plus five retries. */
export const EMAIL_MAX_ATTEMPTS = 6;

export const sendEmailJob = defineJob({
  id: SEND_EMAIL_JOB,
  payload: z.object({ emailId: z.uuid() }),
  async handle({ emailId }, ctx) {
    try {
      await deliverEmail({
        db: ctx.db,
        provider: emailProviderFromEnv(ctx.env),
        from: ctx.env.EMAIL_FROM,
        emailId,
        now: ctx.now,
      });
    } catch (error) {
      if (ctx.attempt >= EMAIL_MAX_ATTEMPTS) await markEmailFailed({ db: ctx.db, emailId });
      throw error;
    }
  },
});
