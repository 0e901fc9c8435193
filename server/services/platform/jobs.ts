/** What a producer needs of a Cloudflare Queue binding; tests pass an in-memory one with the same shape. */
export interface QueueProducer {
  send(message: unknown, options?: QueueSendOptions): Promise<unknown>;
  sendBatch(messages: Iterable<MessageSendRequest<unknown>>): Promise<unknown>;
}

/** Every queue message is an envelope naming the job; the consumer registry validates the payload. */
export interface JobEnvelope {
  job: string;
  payload: unknown;
}

export async function enqueueJob(queue: QueueProducer, job: string, payload: unknown, delaySeconds?: number) {
  const envelope: JobEnvelope = { job, payload };
  await queue.send(envelope, delaySeconds ? { delaySeconds } : undefined);
}

/** One request for many jobs of the same kind (Queues accepts up to 100 messages per batch). */
export async function enqueueJobs(queue: QueueProducer, job: string, payloads: unknown[]) {
  if (payloads.length === 0) return;
  await queue.sendBatch(
    payloads.map((payload): MessageSendRequest<unknown> => ({ body: { job, payload } satisfies JobEnvelope })),
  );
}

/**
 * A producer that holds what is sent until `flush`: services hand it to code running inside their transaction and
 * flush after the commit, so a rolled-back write queues nothing (ADR 013).
 */
export function afterCommitQueue(queue: QueueProducer) {
  const held: MessageSendRequest<unknown>[] = [];
  const producer: QueueProducer = {
    async send(body, options) {
      held.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages) {
      held.push(...messages);
    },
  };
  return {
    queue: producer,
    async flush() {
      const messages = held.splice(0);
      for (const message of messages)
        await queue.send(message.body, message.delaySeconds ? { delaySeconds: message.delaySeconds } : undefined);
    },
  };
}
