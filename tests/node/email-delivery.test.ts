import { eq } from "drizzle-orm";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emails } from "../../db/schema";
import { deliverEmail } from "../../server/services/email/deliver";
import {
  SEND_EMAIL_JOB,
  recordEmail,
  requeueStuckEmails,
  sendRecordedEmailsAfter,
} from "../../server/services/email/outbox";
import { outboxProvider, resendProvider } from "../../server/services/email/providers";
import { verifyEmailTemplate } from "../../server/services/email/templates";
import { EMAIL_MAX_ATTEMPTS, sendEmailJob } from "../../workers/queues/jobs/send-email";
import type { Env } from "../../server/env";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { memoryQueue } from "../support/memory-queue";
import { testConfig } from "../support/trpc";

/** A loopback server speaking Resend's POST /emails protocol; `failNext` makes it answer 500. */
function fakeResend() {
  const received: { headers: IncomingMessage["headers"]; body: Record<string, unknown> }[] = [];
  let failNext = 0;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/emails" || req.headers.authorization !== "Bearer re_test_key") {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "bad key or route" }));
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(raw) });
      if (failNext > 0) {
        failNext--;
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ message: "internal provider error" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `re_${received.length}` }));
    });
  });
  return {
    received,
    failTimes: (n: number) => void (failNext = n),
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestDatabase;
const resend = fakeResend();
let resendUrl: string;
beforeAll(async () => {
  t = await createTestDatabase();
  resendUrl = await resend.start();
});
afterAll(async () => {
  await resend.stop();
  await t.close();
});

const content = verifyEmailTemplate({ name: "Maya", url: "http://localhost:8787/verify-email?token=abc" });
const FROM = "Greenroom <hello@greenroom.test>";

async function newEmail() {
  const queue = memoryQueue();
  // As a mutation does: the row is written, then queued by the ladder's wrapper once the work returns.
  const emailId = await sendRecordedEmailsAfter(queue.queue, () =>
    recordEmail({ db: t.db, to: "maya@example.test", content }),
  );
  return { emailId, queue };
}

describe("email outbox", () => {
  it("queues a send-email job naming the stored row", async () => {
    const { emailId, queue } = await newEmail();
    expect(queue.jobs(SEND_EMAIL_JOB)).toEqual([{ emailId }]);
  });

  it("sends through the Resend protocol once, with the email id as idempotency key, and skips redelivery", async () => {
    const { emailId } = await newEmail();
    const provider = resendProvider({ apiKey: "re_test_key", baseUrl: resendUrl });
    const before = resend.received.length;
    expect(await deliverEmail({ db: t.db, provider, from: FROM, emailId, now: new Date() })).toEqual({
      outcome: "sent",
    });
    expect(await deliverEmail({ db: t.db, provider, from: FROM, emailId, now: new Date() })).toEqual({
      outcome: "already-sent",
    });
    expect(resend.received.length - before).toBe(1);
    const request = resend.received.at(-1)!;
    expect(request.headers["idempotency-key"]).toBe(emailId);
    expect(request.body).toMatchObject({ from: FROM, to: ["maya@example.test"], subject: content.subject });
    const [row] = await t.db.select().from(emails).where(eq(emails.id, emailId));
    expect(row).toMatchObject({
      status: "sent",
      provider: "resend",
      providerMessageId: `re_${resend.received.length}`,
      attempts: 1,
    });
  });

  it("records a provider failure with its reason, rethrows for a retry, and marks the row failed on the last attempt", async () => {
    const { emailId } = await newEmail();
    resend.failTimes(2);
    const env = {
      EMAIL_PROVIDER: "resend",
      RESEND_API_KEY: "re_test_key",
      RESEND_API_URL: resendUrl,
      EMAIL_FROM: FROM,
    } as Env;
    const run = (attempt: number) =>
      sendEmailJob.handle({ emailId }, { db: t.db, env, config: testConfig, now: new Date(), attempt });
    await expect(run(1)).rejects.toThrow(/500: internal provider error/);
    let [row] = await t.db.select().from(emails).where(eq(emails.id, emailId));
    expect(row).toMatchObject({
      status: "queued",
      attempts: 1,
      lastError: "Email provider answered 500: internal provider error",
    });
    await expect(run(EMAIL_MAX_ATTEMPTS)).rejects.toThrow();
    [row] = await t.db.select().from(emails).where(eq(emails.id, emailId));
    expect(row.status).toBe("failed");
  });

  it("the local outbox provider delivers without any network", async () => {
    const { emailId } = await newEmail();
    expect(await deliverEmail({ db: t.db, provider: outboxProvider, from: FROM, emailId, now: new Date() })).toEqual({
      outcome: "sent",
    });
  });

  it("the sweep re-queues only rows never attempted and older than the cutoff", async () => {
    const { emailId: stuck } = await newEmail();
    const { emailId: retrying } = await newEmail();
    resend.failTimes(1);
    await expect(
      deliverEmail({
        db: t.db,
        provider: resendProvider({ apiKey: "re_test_key", baseUrl: resendUrl }),
        from: FROM,
        emailId: retrying,
        now: new Date(),
      }),
    ).rejects.toThrow();
    const queue = memoryQueue();
    const requeued = await requeueStuckEmails({
      db: t.db,
      emailQueue: queue.queue,
      olderThan: new Date(Date.now() + 60_000),
    });
    const ids = queue.jobs(SEND_EMAIL_JOB).map((p) => (p as { emailId: string }).emailId);
    expect(ids).toContain(stuck);
    expect(ids).not.toContain(retrying);
    expect(requeued).toBe(ids.length);
    const attempted = await t.db.select({ id: emails.id }).from(emails).where(eq(emails.status, "failed"));
    for (const { id } of attempted) expect(ids).not.toContain(id);
  });
});
