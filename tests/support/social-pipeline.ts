import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { mediaObjects, socialAccounts, socialPostMedia, socialPosts, type SocialPostType } from "../../db/schema";
import type { Env } from "../../server/env";
import type { PublishPostMessage } from "../../server/services/social/pipeline";
import { publishPost } from "../../server/services/social/publish-post";
import type { SandboxBehaviour } from "../../server/services/social/sandbox";
import type { memoryQueue } from "./memory-queue";
import { testEnv } from "./trpc";

/** A frozen clock whose `sleep` moves it forward: container polls "wait" without taking wall time. */
export function steppingClock(start: Date) {
  let current = start.getTime();
  return {
    clock: () => new Date(current),
    sleep: async (ms: number) => void (current += ms),
    advance: (seconds: number) => void (current += seconds * 1000),
    set: (date: Date) => void (current = date.getTime()),
  };
}

export async function createSandboxAccount(
  db: Database,
  workspaceId: string,
  overrides: Partial<typeof socialAccounts.$inferInsert> = {},
) {
  const [account] = await db
    .insert(socialAccounts)
    .values({
      workspaceId,
      provider: "sandbox",
      externalId: `sandbox-${randomUUID()}`,
      username: "greenroom.sandbox",
      ...overrides,
    })
    .returning();
  return account;
}

export async function setSandboxBehaviour(db: Database, accountId: string, behaviour: SandboxBehaviour | null) {
  await db
    .update(socialAccounts)
    .set({ sandboxBehaviour: behaviour as Record<string, unknown> | null })
    .where(eq(socialAccounts.id, accountId));
}

export async function createReadyMedia(db: Database, workspaceId: string, kind: "image" | "video" = "image") {
  const id = randomUUID();
  const [media] = await db
    .insert(mediaObjects)
    .values({
      id,
      workspaceId,
      r2Key: `w/${workspaceId}/media/${id}`,
      filename: kind === "image" ? "cover.jpg" : "clip.mp4",
      contentType: kind === "image" ? "image/jpeg" : "video/mp4",
      kind,
      declaredSize: 1000,
      size: 1000,
      status: "ready",
    })
    .returning();
  return media;
}

/** A scheduled post with its media (one image unless told otherwise). */
export async function createScheduledPost(
  db: Database,
  opts: {
    workspaceId: string;
    accountId: string;
    scheduledAt: Date;
    caption?: string;
    type?: SocialPostType;
    mediaIds?: string[];
  },
) {
  const mediaIds = opts.mediaIds ?? [(await createReadyMedia(db, opts.workspaceId)).id];
  const [post] = await db
    .insert(socialPosts)
    .values({
      workspaceId: opts.workspaceId,
      accountId: opts.accountId,
      type: opts.type ?? "image",
      caption: opts.caption ?? `Episode 12 is out ${randomUUID().slice(0, 6)} #podcast`,
      status: "scheduled",
      scheduledAt: opts.scheduledAt,
    })
    .returning();
  await db
    .insert(socialPostMedia)
    .values(mediaIds.map((mediaId, position) => ({ postId: post.id, position, mediaId })));
  return post;
}

export async function postById(db: Database, postId: string) {
  const [post] = await db.select().from(socialPosts).where(eq(socialPosts.id, postId));
  return post;
}

/** The test env (tests/support/trpc.ts) with its recording email and social queues at hand. */
export function pipelineEnv(overrides: Partial<Env> = {}) {
  const { env, queues } = testEnv(overrides);
  return { env, email: queues.email, social: queues.social };
}

/** Takes the publish messages sent so far off the recorder (in order) and runs each through the consumer. */
export async function deliverAll(opts: {
  db: Database;
  env: Env;
  social: ReturnType<typeof memoryQueue>;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}) {
  const messages = opts.social.sent.splice(0).map((m) => m.body.payload as PublishPostMessage);
  const results = [];
  for (const message of messages)
    results.push(await publishPost({ db: opts.db, env: opts.env, ...message, clock: opts.clock, sleep: opts.sleep }));
  return results;
}
