import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sandboxMedia, socialAccounts } from "../../db/schema";
import { socialMediaLink } from "../../server/services/social/media-links";
import { PUBLISH_SOCIAL_POST_JOB } from "../../server/services/social/pipeline";
import worker from "../../workers/app";
import { memoryQueue } from "../support/memory-queue";
import { createReadyMedia, createSandboxAccount, createScheduledPost, postById } from "../support/social-pipeline";
import { ORIGIN, send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";
import "./env";

describe("social publishing through the Worker", () => {
  it("the minute cron claims a due sandbox post and the queue consumer publishes it once, even delivered twice", async () => {
    const owner = await signUpOverHttp("Social Scheduler");
    const handle = workerDb();
    try {
      const account = await createSandboxAccount(handle.db, owner.workspaceId);
      const post = await createScheduledPost(handle.db, {
        workspaceId: owner.workspaceId,
        accountId: account.id,
        scheduledAt: new Date(Date.now() - 5_000),
      });

      // The cron's messages are recorded instead of going to the real queue, so this test delivers them itself.
      const social = memoryQueue();
      await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: new Date() }), {
        ...env,
        SOCIAL_QUEUE: social.queue as unknown as Queue,
      });
      const claimed = await postById(handle.db, post.id);
      expect(claimed.status).toBe("queued");
      const payload = { postId: post.id, idempotencyKey: claimed.idempotencyKey };
      expect(social.jobs(PUBLISH_SOCIAL_POST_JOB)).toContainEqual(payload);

      const message = (id: string) => ({
        id,
        timestamp: new Date(),
        attempts: 1,
        body: { job: PUBLISH_SOCIAL_POST_JOB, payload },
      });
      const batch = createMessageBatch("greenroom-social", [message("first"), message("duplicate")]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      const result = await getQueueResult(batch, ctx);
      expect(result.retryMessages).toEqual([]);
      expect(result.explicitAcks.sort()).toEqual(["duplicate", "first"]);

      const published = await postById(handle.db, post.id);
      expect(published.status).toBe("published");
      const media = await handle.db.select().from(sandboxMedia).where(eq(sandboxMedia.accountId, account.id));
      expect(media.map((m) => m.id)).toEqual([published.remoteMediaId]);
    } finally {
      await handle.close();
    }
  });

  it("serves a post's library file to Instagram through a signed, expiring link only", async () => {
    const owner = await signUpOverHttp("Social Media Link");
    const handle = workerDb();
    try {
      const media = await createReadyMedia(handle.db, owner.workspaceId);
      const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
      await env.MEDIA.put(media.r2Key, bytes);
      const link = socialMediaLink({ appUrl: env.APP_URL, secret: env.UPLOAD_SIGNING_SECRET, media, now: new Date() });
      const path = new URL(link).pathname;

      const response = await send(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/jpeg");
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);

      const forged = path.replace(/\.[\w-]{43}$/, `.${"x".repeat(43)}`);
      expect((await send(forged)).status).toBe(404);
      const expired = socialMediaLink({
        appUrl: env.APP_URL,
        secret: env.UPLOAD_SIGNING_SECRET,
        media,
        now: new Date(Date.now() - 2 * 86_400_000),
      });
      expect((await send(new URL(expired).pathname)).status).toBe(404);
    } finally {
      await handle.close();
    }
  });
});

describe("sandbox feed page", () => {
  it("is labelled as the Sandbox, lists published sandbox posts, and lets an owner inject the next failure", async () => {
    const owner = await signUpOverHttp("Sandbox Viewer");
    const handle = workerDb();
    let accountId: string;
    try {
      const account = await createSandboxAccount(handle.db, owner.workspaceId, { username: "sandbox_page" });
      accountId = account.id;
      const file = await createReadyMedia(handle.db, owner.workspaceId);
      await handle.db.insert(sandboxMedia).values({
        id: `sbm_page_${account.id}`,
        accountId: account.id,
        containerId: `sbc_page_${account.id}`,
        mediaType: "IMAGE",
        caption: "Live from the sandbox",
        mediaIds: [file.id],
      });
    } finally {
      await handle.close();
    }
    const page = `/w/${owner.workspaceId}/social/sandbox`;
    const html = await (await send(page, { headers: { cookie: owner.cookie } })).text();
    expect(html).toContain("Sandbox — nothing here is posted to Instagram.");
    expect(html).toContain("Live from the sandbox");
    // React separates adjacent text nodes with a comment in server HTML.
    expect(html).toMatch(/@(<!-- -->)?sandbox_page/);

    const saved = await send(page, {
      method: "POST",
      headers: { cookie: owner.cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        intent: `behaviour-${accountId}`,
        accountId,
        failNext: "permanent",
        times: "2",
        message: "Rejected by the sandbox",
      }).toString(),
    });
    expect(saved.status).toBe(200);
    const check = workerDb();
    try {
      const [row] = await check.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
      expect(row.sandboxBehaviour).toEqual({ failNext: "permanent", times: 2, message: "Rejected by the sandbox" });
    } finally {
      await check.close();
    }
  });
});
