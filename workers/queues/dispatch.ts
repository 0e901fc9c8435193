import * as z from "zod";
import type { Env } from "../../server/env";
import { withJobContext } from "../job-context";
import type { JobDefinition } from "./define-job";

const ZEnvelope = z.object({ job: z.string(), payload: z.unknown() });

/** 10 s, 20 s, 40 s ... capped at one hour; Queues' own limit on delaySeconds is 12 h. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempt - 1), 3600);
}

/**
 * Runs each message through its job. A message that can never succeed (bad envelope, unknown job, invalid
 * payload) is logged and acknowledged so it does not loop; a handler error is retried with backoff and,
 * after the queue's max_retries, lands in the dead-letter queue.
 */
export async function dispatchQueueBatch(opts: {
  batch: MessageBatch<unknown>;
  env: Env;
  jobs: readonly JobDefinition[];
}) {
  const byId = new Map(opts.jobs.map((job) => [job.id, job]));
  await withJobContext(opts.env, async (ctx) => {
    for (const message of opts.batch.messages) {
      const envelope = ZEnvelope.safeParse(message.body);
      const job = envelope.success ? byId.get(envelope.data.job) : undefined;
      const payload = job && envelope.success ? job.payload.safeParse(envelope.data.payload) : undefined;
      if (!job || !payload?.success) {
        console.error(
          JSON.stringify({
            event: "queue.poison_message",
            queue: opts.batch.queue,
            messageId: message.id,
            reason: !envelope.success
              ? "not a job envelope"
              : !job
                ? `unknown job "${envelope.data.job}"`
                : "invalid payload",
            issues:
              payload && !payload.success
                ? payload.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)
                : undefined,
          }),
        );
        message.ack();
        continue;
      }
      try {
        await job.handle(payload.data, { ...ctx, now: new Date(), attempt: message.attempts });
        message.ack();
      } catch (error) {
        console.error(
          JSON.stringify({
            event: "queue.job_failed",
            queue: opts.batch.queue,
            job: job.id,
            messageId: message.id,
            attempt: message.attempts,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }
  });
}
