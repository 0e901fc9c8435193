import * as z from "zod";
import { systemClock } from "../../../server/lib/clock";
import { PUBLISH_SOCIAL_POST_JOB } from "../../../server/services/social/pipeline";
import { publishPost } from "../../../server/services/social/publish-post";
import { defineJob } from "../define-job";

/**
 * Publishes one claimed post. Every outcome is recorded on the post (published, failed with its reason, deferred,
 * or re-queued by the service itself), so the message is acknowledged; a database failure throws and the queue
 * retries the message, which the post's idempotency key makes safe.
 */
export const publishSocialPostJob = defineJob({
  id: PUBLISH_SOCIAL_POST_JOB,
  payload: z.object({ postId: z.uuid(), idempotencyKey: z.uuid() }),
  async handle(payload, ctx) {
    // Container polls wait inside the run, so time is read as it passes, not frozen at the batch start.
    const result = await publishPost({ db: ctx.db, env: ctx.env, ...payload, clock: systemClock });
    console.log(JSON.stringify({ event: "social.publish_post", postId: payload.postId, ...result }));
  },
});
