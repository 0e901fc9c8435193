import type { JobEnvelope, QueueProducer } from "../../server/services/platform/jobs";

/** A Queue producer that keeps what was sent, for asserting on and for handing to the job handlers. */
export function memoryQueue() {
  const sent: { body: JobEnvelope; delaySeconds?: number }[] = [];
  const queue: QueueProducer = {
    async send(body, options) {
      sent.push({ body: body as JobEnvelope, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages) {
      for (const message of messages)
        sent.push({ body: message.body as JobEnvelope, delaySeconds: message.delaySeconds });
    },
  };
  return { queue, sent, jobs: (name: string) => sent.filter((m) => m.body.job === name).map((m) => m.body.payload) };
}
