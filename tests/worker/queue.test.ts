import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { emails } from "../../db/schema";
import { SEND_EMAIL_JOB } from "../../server/services/email/outbox";
import worker from "../../workers/app";
import "./env";

async function insertEmail() {
  const { db, close } = createDb({ databaseUrl: env.DATABASE_URL, localProxy: env.LOCAL_DB_PROXY });
  const [row] = await db
    .insert(emails)
    .values({ to: "q@example.test", subject: "Hi", text: "Hello", html: "<p>Hello</p>" })
    .returning();
  await close();
  return row.id;
}

const message = (id: string, body: unknown, attempts = 1) => ({ id, timestamp: new Date(), attempts, body });

async function runBatch(messages: ReturnType<typeof message>[], bindings = env) {
  const batch = createMessageBatch("greenroom-email", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings);
  return getQueueResult(batch, ctx);
}

describe("queue dispatch", () => {
  it("acks poison messages without retrying them, and still processes the rest of the batch", async () => {
    const emailId = await insertEmail();
    const result = await runBatch([
      message("garbage", "not an envelope"),
      message("unknown-job", { job: "nope.nothing", payload: {} }),
      message("bad-payload", { job: SEND_EMAIL_JOB, payload: { emailId: 42 } }),
      message("good", { job: SEND_EMAIL_JOB, payload: { emailId } }),
    ]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(["bad-payload", "garbage", "good", "unknown-job"]);
  });

  it("retries a failing job with backoff instead of acking it", async () => {
    const emailId = await insertEmail();
    const broken = { ...env, EMAIL_PROVIDER: "resend" as const, RESEND_API_KEY: undefined };
    const result = await runBatch([message("fails", { job: SEND_EMAIL_JOB, payload: { emailId } }, 3)], broken);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["fails"]);
  });
});
