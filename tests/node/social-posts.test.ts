import { TRPCError } from "@trpc/server";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Transaction } from "../../db/client";
import { socialPostMedia, socialPosts, usageRecords } from "../../db/schema";
import { PLANS } from "../../server/services/billing/plans";
import { CAPTION_LIMITS, countCaption } from "../../server/services/social/caption";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { insertMedia } from "../support/podcasts";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { insertSocialAccount, setPostStatus } from "../support/social-posts";
import { callerFor } from "../support/trpc";
import { movedScheduledLocal } from "../../app/lib/social";

const now = new Date("2026-03-01T12:00:00Z");

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

/** A workspace on Free with a Sandbox account, two images and a video, and its owner's API at a frozen `now`. */
async function studio(clock: Date = now) {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const account = await insertSocialAccount(t.db, workspace.id);
  const image = await insertMedia(t.db, workspace.id, { kind: "image" });
  const image2 = await insertMedia(t.db, workspace.id, { kind: "image" });
  const video = await insertMedia(t.db, workspace.id, {
    kind: "video",
    contentType: "video/mp4",
    filename: "clip.mp4",
  });
  const api = callerFor(t.db, owner, { clock: () => clock }).api.socialPosts;
  const workspaceId = workspace.id;
  const base = {
    workspaceId,
    accountId: account.id,
    type: "image" as const,
    caption: "New episode out now",
    mediaIds: [image.id],
    timezone: "UTC",
  };
  return { owner, workspace, workspaceId, account, image, image2, video, api, base };
}

/** The procedure's error: code, message and field errors. */
async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpc = error as TRPCError;
  const fieldErrors = (trpc.cause as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
  return { code: trpc.code, message: trpc.message, fieldErrors };
}

async function scheduledUsage(workspaceId: string) {
  return t.db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.workspaceId, workspaceId), eq(usageRecords.metric, "scheduled_posts")));
}

describe("drafts and scheduling", () => {
  it("saves an incomplete draft without counting it, then schedules it in the chosen zone", async () => {
    const s = await studio();
    const draft = await s.api.createPost({ ...s.base, accountId: null, mediaIds: [] });
    expect(draft).toMatchObject({ status: "draft", account: null, media: [], scheduledAt: null });
    expect(await scheduledUsage(s.workspaceId)).toHaveLength(0);

    await s.api.updatePost({ ...s.base, postId: draft.id, caption: "Edited" });
    const scheduled = await s.api.reschedulePost({
      workspaceId: s.workspaceId,
      postId: draft.id,
      scheduledLocal: "2026-06-01T09:30",
      timezone: "Europe/Berlin",
    });
    expect(scheduled).toMatchObject({
      status: "scheduled",
      caption: "Edited",
      timezone: "Europe/Berlin",
      scheduledLocal: "2026-06-01T09:30",
      timeNote: null,
    });
    expect(scheduled.scheduledAt?.toISOString()).toBe("2026-06-01T07:30:00.000Z");
    expect(scheduled.media.map((m) => m.id)).toEqual([s.image.id]);
    expect(await scheduledUsage(s.workspaceId)).toHaveLength(1);
  });

  it("refuses to schedule an incomplete post, naming each field", async () => {
    const s = await studio();
    const error = await failure(s.api.createPost({ ...s.base, accountId: null, mediaIds: [], schedule: true }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors.accountId).toEqual(["Choose the account to post to."]);
    expect(error.fieldErrors.mediaIds?.[0]).toMatch(/exactly 1 image; 0 files/);
    expect(error.fieldErrors.scheduledLocal).toEqual(["Choose when to publish."]);
  });

  it("refuses a time in the past and an unknown zone", async () => {
    const s = await studio();
    const past = await failure(s.api.createPost({ ...s.base, scheduledLocal: "2026-03-01T11:59", schedule: true }));
    expect(past.fieldErrors.scheduledLocal).toEqual(["Choose a time in the future."]);
    const zone = await failure(
      s.api.createPost({ ...s.base, scheduledLocal: "2026-06-01T10:00", timezone: "Mars/Olympus", schedule: true }),
    );
    expect(zone.fieldErrors.timezone).toEqual(["Choose a time zone from the list."]);
  });

  it("refuses a disconnected account and counts nothing", async () => {
    const s = await studio();
    const gone = await insertSocialAccount(t.db, s.workspaceId, { username: "old_handle", status: "disconnected" });
    const error = await failure(
      s.api.createPost({ ...s.base, accountId: gone.id, scheduledLocal: "2026-06-01T10:00", schedule: true }),
    );
    expect(error.fieldErrors.accountId?.[0]).toMatch(/@old_handle is disconnected/);
    const reconnect = await insertSocialAccount(t.db, s.workspaceId, {
      username: "expiring",
      status: "needs_reconnect",
    });
    expect(
      (
        await s.api.createPost({
          ...s.base,
          accountId: reconnect.id,
          scheduledLocal: "2026-06-01T10:00",
          schedule: true,
        })
      ).status,
    ).toBe("scheduled");
    expect(await scheduledUsage(s.workspaceId)).toHaveLength(1);
  });
});

describe("DST", () => {
  it("refuses a time skipped by spring-forward in New York, naming the gap", async () => {
    const s = await studio();
    const error = await failure(
      s.api.createPost({ ...s.base, scheduledLocal: "2026-03-08T02:30", timezone: "America/New_York", schedule: true }),
    );
    expect(error.fieldErrors.scheduledLocal).toEqual([
      "02:30 on 2026-03-08 does not exist in America/New_York: clocks jump from 02:00 to 03:00. Choose a time before 02:00 or from 03:00 on.",
    ]);
    const after = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-03-08T03:00",
      timezone: "America/New_York",
      schedule: true,
    });
    expect(after.scheduledAt?.toISOString()).toBe("2026-03-08T07:00:00.000Z");
    const before = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-03-08T01:59",
      timezone: "America/New_York",
      schedule: true,
    });
    expect(before.scheduledAt?.toISOString()).toBe("2026-03-08T06:59:00.000Z");
  });

  it("uses the first of the two 01:30s when New York falls back, and says so", async () => {
    const s = await studio();
    const post = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-11-01T01:30",
      timezone: "America/New_York",
      schedule: true,
    });
    expect(post.scheduledAt?.toISOString()).toBe("2026-11-01T05:30:00.000Z");
    expect(post.scheduledLocal).toBe("2026-11-01T01:30");
    expect(post.timeNote).toBe(
      "01:30 happens twice on 2026-11-01 in America/New_York (clocks go back); this is the first one, at UTC−04:00.",
    );
  });

  it("handles London's changes the same way", async () => {
    const s = await studio();
    const gap = await failure(
      s.api.createPost({ ...s.base, scheduledLocal: "2026-03-29T01:15", timezone: "Europe/London", schedule: true }),
    );
    expect(gap.fieldErrors.scheduledLocal?.[0]).toMatch(
      /^01:15 on 2026-03-29 does not exist in Europe\/London: clocks jump from 01:00 to 02:00\./,
    );
    const twice = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-10-25T01:15",
      timezone: "Europe/London",
      schedule: true,
    });
    expect(twice.scheduledAt?.toISOString()).toBe("2026-10-25T00:15:00.000Z");
    expect(twice.timeNote).toMatch(/first one, at UTC\+01:00/);
    const summer = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-07-01T12:00",
      timezone: "Europe/London",
      schedule: true,
    });
    expect(summer.scheduledAt?.toISOString()).toBe("2026-07-01T11:00:00.000Z");
  });
});

describe("caption limits", () => {
  const hashtags = (n: number) => Array.from({ length: n }, (_, i) => `#tag${i}`).join(" ");
  const mentions = (n: number) => Array.from({ length: n }, (_, i) => `@guest${i}`).join(" ");

  it("counts characters as code points, hashtags and mentions", () => {
    expect(countCaption("Live 🎙️ with @ana and @bo.b #pod #cast, mail me@example.com")).toEqual({
      characters: 59,
      hashtags: 2,
      mentions: 2,
    });
  });

  it("accepts each limit exactly and refuses one over, naming the limit", async () => {
    const s = await studio();
    const atLimit = ["x".repeat(CAPTION_LIMITS.characters), hashtags(30), mentions(20)];
    for (const caption of atLimit) expect((await s.api.createPost({ ...s.base, caption })).caption).toBe(caption);

    const chars = await failure(s.api.createPost({ ...s.base, caption: "x".repeat(2201) }));
    expect(chars.fieldErrors.caption).toEqual(["Captions can be at most 2200 characters; this one has 2201."]);
    const tags = await failure(s.api.createPost({ ...s.base, caption: hashtags(31) }));
    expect(tags.fieldErrors.caption).toEqual(["Instagram allows at most 30 hashtags in a caption; this one has 31."]);
    const people = await failure(s.api.createPost({ ...s.base, caption: mentions(21) }));
    expect(people.fieldErrors.caption).toEqual([
      "Instagram allows at most 20 @mentions in a caption; this one has 21.",
    ]);
  });
});

describe("media rules", () => {
  const at = { scheduledLocal: "2026-06-01T10:00", schedule: true };

  it("image takes exactly one image, reel exactly one video, carousel 2 to 10", async () => {
    const s = await studio();
    expect(
      (await failure(s.api.createPost({ ...s.base, ...at, mediaIds: [s.video.id] }))).fieldErrors.mediaIds?.[0],
    ).toMatch(/An image post needs exactly 1 image/);
    expect(
      (await failure(s.api.createPost({ ...s.base, ...at, mediaIds: [s.image.id, s.image2.id] }))).fieldErrors
        .mediaIds?.[0],
    ).toMatch(/2 files chosen/);
    expect(
      (await failure(s.api.createPost({ ...s.base, ...at, type: "reel", mediaIds: [s.image.id] }))).fieldErrors
        .mediaIds?.[0],
    ).toMatch(/A reel needs exactly 1 video.*not a video/);
    expect((await s.api.createPost({ ...s.base, ...at, type: "reel", mediaIds: [s.video.id] })).type).toBe("reel");
    expect(
      (await failure(s.api.createPost({ ...s.base, ...at, type: "carousel", mediaIds: [s.image.id] }))).fieldErrors
        .mediaIds?.[0],
    ).toMatch(/2 to 10 images or videos; 1 file chosen/);
    const carousel = await s.api.createPost({
      ...s.base,
      ...at,
      type: "carousel",
      mediaIds: [s.video.id, s.image.id, s.image2.id],
    });
    expect(carousel.media.map((m) => m.id)).toEqual([s.video.id, s.image.id, s.image2.id]);

    const many = await Promise.all(
      Array.from({ length: 9 }, () => insertMedia(t.db, s.workspaceId, { kind: "image" })),
    );
    const eleven = [s.image.id, s.image2.id, ...many.map((m) => m.id)];
    expect(
      (
        await failure(s.api.createPost({ ...s.base, ...at, type: "carousel", mediaIds: eleven }))
      ).fieldErrors.mediaIds?.join(" "),
    ).toMatch(/at most 10 files; 11 are chosen/);
    expect(
      (await s.api.createPost({ ...s.base, ...at, type: "carousel", mediaIds: eleven.slice(0, 10) })).media,
    ).toHaveLength(10);
  });

  it("refuses audio, unready files and repeats; Instagram needs JPEG", async () => {
    const s = await studio();
    const audio = await insertMedia(t.db, s.workspaceId, { kind: "audio" });
    const uploading = await insertMedia(t.db, s.workspaceId, {
      kind: "image",
      status: "verifying",
      filename: "late.png",
    });
    expect((await failure(s.api.createPost({ ...s.base, mediaIds: [audio.id] }))).fieldErrors.mediaIds?.[0]).toMatch(
      /is audio/,
    );
    expect(
      (await failure(s.api.createPost({ ...s.base, mediaIds: [uploading.id] }))).fieldErrors.mediaIds?.[0],
    ).toMatch(/“late.png” is not ready yet \(verifying\)/);
    expect(
      (await failure(s.api.createPost({ ...s.base, type: "carousel", mediaIds: [s.image.id, s.image.id] }))).fieldErrors
        .mediaIds?.[0],
    ).toMatch(/used once/);

    const instagram = await insertSocialAccount(t.db, s.workspaceId, {
      provider: "instagram",
      username: "real_studio",
    });
    const png = await failure(s.api.createPost({ ...s.base, ...at, accountId: instagram.id }));
    expect(png.fieldErrors.mediaIds).toEqual(["Instagram publishes JPEG images only; “cover.png” is image/png."]);
    const jpeg = await insertMedia(t.db, s.workspaceId, {
      kind: "image",
      contentType: "image/jpeg",
      filename: "cover.jpg",
    });
    expect((await s.api.createPost({ ...s.base, ...at, accountId: instagram.id, mediaIds: [jpeg.id] })).status).toBe(
      "scheduled",
    );
  });

  it("another workspace's account or media is NOT_FOUND", async () => {
    const s = await studio();
    const other = await studio();
    expect((await failure(s.api.createPost({ ...s.base, mediaIds: [other.image.id] }))).code).toBe("NOT_FOUND");
    expect((await failure(s.api.createPost({ ...s.base, accountId: other.account.id }))).code).toBe("NOT_FOUND");
  });
});

describe("quota", () => {
  it("allows the plan's scheduled posts a month, refuses one more, and a reschedule does not count again", async () => {
    const s = await studio();
    const limit = PLANS.free.limits.scheduledPostsPerMonth;
    const posts = [];
    for (let i = 0; i < limit; i++)
      posts.push(await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-20T10:00", schedule: true }));
    expect(await scheduledUsage(s.workspaceId)).toHaveLength(limit);

    const over = await failure(s.api.createPost({ ...s.base, scheduledLocal: "2026-03-20T10:00", schedule: true }));
    expect(over.code).toBe("PRECONDITION_FAILED");
    expect(over.message).toMatch(new RegExp(`includes ${limit} scheduled posts a month, and all are used`));
    // The refused post was not created either.
    expect((await s.api.listPosts({ workspaceId: s.workspaceId, filter: "scheduled" })).items).toHaveLength(limit);

    const moved = await s.api.reschedulePost({
      workspaceId: s.workspaceId,
      postId: posts[0].id,
      scheduledLocal: "2026-03-21T08:00",
      timezone: "UTC",
    });
    expect(moved.scheduledAt?.toISOString()).toBe("2026-03-21T08:00:00.000Z");
    await s.api.updatePost({
      ...s.base,
      postId: posts[1].id,
      caption: "Moved and edited",
      scheduledLocal: "2026-03-22T08:00",
      schedule: true,
    });
    expect(await scheduledUsage(s.workspaceId)).toHaveLength(limit);

    // A draft can still be saved at the limit; scheduling it is what counts.
    const draft = await s.api.createPost({ ...s.base });
    expect(
      (
        await failure(
          s.api.reschedulePost({
            workspaceId: s.workspaceId,
            postId: draft.id,
            scheduledLocal: "2026-03-20T10:00",
            timezone: "UTC",
          }),
        )
      ).code,
    ).toBe("PRECONDITION_FAILED");
    expect((await s.api.getPost({ workspaceId: s.workspaceId, postId: draft.id })).status).toBe("draft");
  });
});

describe("status transitions", () => {
  it("refuses to edit, reschedule or cancel a post the pipeline has claimed", async () => {
    const s = await studio();
    const post = await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-02T10:00", schedule: true });
    for (const status of ["queued", "publishing"] as const) {
      await setPostStatus(t.db, post.id, status);
      const move = await failure(
        s.api.reschedulePost({
          workspaceId: s.workspaceId,
          postId: post.id,
          scheduledLocal: "2026-03-03T10:00",
          timezone: "UTC",
        }),
      );
      expect(move).toMatchObject({
        code: "CONFLICT",
        message: "This post is already publishing; it can no longer be changed.",
      });
      expect((await failure(s.api.cancelPost({ workspaceId: s.workspaceId, postId: post.id }))).code).toBe("CONFLICT");
      expect((await failure(s.api.updatePost({ ...s.base, postId: post.id, caption: "Too late" }))).code).toBe(
        "CONFLICT",
      );
    }
    const after = await s.api.getPost({ workspaceId: s.workspaceId, postId: post.id });
    expect(after).toMatchObject({ status: "publishing", caption: "New episode out now" });
    expect(after.scheduledAt?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
  });

  it("retrying a failed post resets its attempts and reason and keeps the media", async () => {
    const s = await studio();
    const post = await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-02T10:00", schedule: true });
    await setPostStatus(t.db, post.id, "failed", {
      attempts: 3,
      lastError: "Media upload failed (ERROR)",
      errorKind: "permanent",
      containerId: "c-1",
    });
    expect(await s.api.getPost({ workspaceId: s.workspaceId, postId: post.id })).toMatchObject({
      status: "failed",
      reason: "Media upload failed (ERROR)",
      attempts: 3,
    });
    const retried = await s.api.reschedulePost({
      workspaceId: s.workspaceId,
      postId: post.id,
      scheduledLocal: "2026-03-01T12:05",
      timezone: "UTC",
    });
    expect(retried).toMatchObject({ status: "scheduled", attempts: 0, reason: null, errorKind: null });
    expect(await t.db.select().from(socialPostMedia).where(eq(socialPostMedia.postId, post.id))).toHaveLength(1);
    expect(await scheduledUsage(s.workspaceId)).toHaveLength(1);
  });

  it("never lets a post whose publish outcome is unknown be edited or canceled; a retry keeps its container to check first", async () => {
    const s = await studio();
    const post = await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-02T10:00", schedule: true });
    const unknown = {
      publishRequestedAt: now,
      remoteMediaId: null,
      containerId: "c-live",
      containerStatus: "FINISHED",
    };
    await setPostStatus(t.db, post.id, "scheduled", unknown);
    const edit = await failure(s.api.updatePost({ ...s.base, postId: post.id, caption: "Typo fixed" }));
    expect(edit).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("may already have published this post"),
    });
    expect((await failure(s.api.cancelPost({ workspaceId: s.workspaceId, postId: post.id }))).code).toBe("CONFLICT");

    await setPostStatus(t.db, post.id, "failed", { ...unknown, attempts: 3, lastError: "Outcome unknown" });
    expect((await failure(s.api.updatePost({ ...s.base, postId: post.id, caption: "Typo fixed" }))).code).toBe(
      "CONFLICT",
    );
    const retried = await s.api.reschedulePost({
      workspaceId: s.workspaceId,
      postId: post.id,
      scheduledLocal: "2026-03-01T12:05",
      timezone: "UTC",
    });
    expect(retried).toMatchObject({ status: "scheduled", attempts: 0, caption: "New episode out now" });
    const [row] = await t.db.select().from(socialPosts).where(eq(socialPosts.id, post.id));
    expect(row).toMatchObject({ containerId: "c-live", publishRequestedAt: now });
  });

  it("saves a failed post's fix as a draft even though its old time has passed", async () => {
    const s = await studio();
    const post = await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-01T12:30", schedule: true });
    await setPostStatus(t.db, post.id, "failed", { lastError: "Caption rejected" });
    const later = callerFor(t.db, s.owner, { clock: () => new Date("2026-03-02T09:00:00Z") }).api.socialPosts;
    const draft = await later.updatePost({
      ...s.base,
      postId: post.id,
      caption: "Fixed caption",
      scheduledLocal: "2026-03-01T12:30",
      schedule: false,
    });
    expect(draft).toMatchObject({ status: "draft", caption: "Fixed caption" });
    const refused = await failure(
      later.updatePost({
        ...s.base,
        postId: post.id,
        caption: "Fixed caption",
        scheduledLocal: "2026-03-01T12:30",
        schedule: true,
      }),
    );
    expect(refused.fieldErrors.scheduledLocal).toEqual(["Choose a time in the future."]);
  });

  it("cancels drafts and scheduled posts; a published one stays", async () => {
    const s = await studio();
    const draft = await s.api.createPost({ ...s.base });
    const scheduled = await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-02T10:00", schedule: true });
    expect((await s.api.cancelPost({ workspaceId: s.workspaceId, postId: draft.id })).status).toBe("canceled");
    expect((await s.api.cancelPost({ workspaceId: s.workspaceId, postId: scheduled.id })).status).toBe("canceled");
    expect((await failure(s.api.cancelPost({ workspaceId: s.workspaceId, postId: scheduled.id }))).code).toBe(
      "CONFLICT",
    );
    const published = await s.api.createPost({ ...s.base, scheduledLocal: "2026-03-02T10:00", schedule: true });
    await setPostStatus(t.db, published.id, "published", {
      publishedAt: now,
      permalink: "https://sandbox.local/p/1",
      remoteMediaId: "m1",
    });
    expect(await failure(s.api.cancelPost({ workspaceId: s.workspaceId, postId: published.id }))).toMatchObject({
      code: "CONFLICT",
      message: "This post is already published.",
    });
  });
});

describe("lists and calendar", () => {
  it("pages each tab in its order", async () => {
    const s = await studio();
    const times = ["2026-03-05T10:00", "2026-03-03T10:00", "2026-03-04T10:00"];
    const posts = [];
    for (const time of times) posts.push(await s.api.createPost({ ...s.base, scheduledLocal: time, schedule: true }));
    await s.api.createPost({ ...s.base });
    const first = await s.api.listPosts({ workspaceId: s.workspaceId, filter: "scheduled", limit: 2 });
    expect(first.items.map((p) => p.id)).toEqual([posts[1].id, posts[2].id]);
    expect(first.items[0]).toMatchObject({
      mediaCount: 1,
      thumbnailMediaId: s.image.id,
      account: { id: s.account.id, provider: "sandbox" },
    });
    const second = await s.api.listPosts({
      workspaceId: s.workspaceId,
      filter: "scheduled",
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((p) => p.id)).toEqual([posts[0].id]);
    expect(second.nextCursor).toBeNull();

    await setPostStatus(t.db, posts[0].id, "failed", { lastError: "Instagram said no", errorKind: "permanent" });
    expect((await s.api.listPosts({ workspaceId: s.workspaceId, filter: "failed" })).items).toMatchObject([
      { id: posts[0].id, reason: "Instagram said no" },
    ]);
    expect((await s.api.listPosts({ workspaceId: s.workspaceId, filter: "drafts" })).items).toHaveLength(1);
    expect(
      (await failure(s.api.listPosts({ workspaceId: s.workspaceId, filter: "scheduled", cursor: "nonsense" }))).code,
    ).toBe("BAD_REQUEST");
  });

  it("puts a post on the local day of the zone the calendar is viewed in", async () => {
    const s = await studio();
    // 23:30 in New York on 10 March is 03:30 UTC and 12:30 in Tokyo on 11 March.
    const late = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-03-10T23:30",
      timezone: "America/New_York",
      schedule: true,
    });
    const range = (from: string, to: string, timezone: string) =>
      s.api.listCalendar({ workspaceId: s.workspaceId, from, to, timezone });

    const newYork = await range("2026-03-10", "2026-03-10", "America/New_York");
    expect(newYork.items).toMatchObject([{ id: late.id, local: "2026-03-10T23:30" }]);
    expect((await range("2026-03-10", "2026-03-10", "Asia/Tokyo")).items).toEqual([]);
    expect((await range("2026-03-11", "2026-03-11", "Asia/Tokyo")).items).toMatchObject([
      { id: late.id, local: "2026-03-11T12:30" },
    ]);
    expect((await range("2026-03-11", "2026-03-17", "UTC")).items).toMatchObject([
      { id: late.id, local: "2026-03-11T03:30" },
    ]);

    // The week of the spring-forward change in New York has a 23-hour Sunday; edges still line up.
    const edge = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-03-09T00:00",
      timezone: "America/New_York",
      schedule: true,
    });
    expect((await range("2026-03-08", "2026-03-08", "America/New_York")).items).toEqual([]);
    expect((await range("2026-03-09", "2026-03-09", "America/New_York")).items.map((p) => p.id)).toEqual([edge.id]);

    await s.api.cancelPost({ workspaceId: s.workspaceId, postId: late.id });
    expect((await range("2026-03-10", "2026-03-10", "America/New_York")).items).toEqual([]);
    expect((await failure(range("2026-03-01", "2026-05-01", "UTC"))).fieldErrors.to?.[0]).toMatch(/at most 42 days/);
  });
});

describe("dragging a post on a calendar shown in another zone", () => {
  it("moves the date on the post's own wall clock and keeps its zone, across a DST change", async () => {
    const s = await studio();
    // 09:00 New York on Friday 6 March (EST) is 14:00 UTC; the calendar is viewed in UTC and the post is dropped on Monday 9 March (EDT).
    const post = await s.api.createPost({
      ...s.base,
      scheduledLocal: "2026-03-06T09:00",
      timezone: "America/New_York",
      schedule: true,
    });
    const [shown] = (
      await s.api.listCalendar({ workspaceId: s.workspaceId, from: "2026-03-06", to: "2026-03-06", timezone: "UTC" })
    ).items;
    expect(shown.local).toBe("2026-03-06T14:00");
    const scheduledLocal = movedScheduledLocal(
      { scheduledLocal: shown.scheduledLocal!, shownLocal: shown.local },
      "2026-03-09",
    );
    const moved = await s.api.reschedulePost({
      workspaceId: s.workspaceId,
      postId: post.id,
      scheduledLocal,
      timezone: shown.timezone,
    });
    expect(moved).toMatchObject({ scheduledLocal: "2026-03-09T09:00", timezone: "America/New_York" });
    expect(moved.scheduledAt?.toISOString()).toBe("2026-03-09T13:00:00.000Z");
  });

  it("counts days between the shown dates, so a post shown on the next day in the viewer's zone moves by the same amount", () => {
    // 23:30 New York is 12:30 the next day in Tokyo: dropping it two Tokyo days later moves it two days in New York.
    expect(
      movedScheduledLocal({ scheduledLocal: "2026-03-10T23:30", shownLocal: "2026-03-11T12:30" }, "2026-03-13"),
    ).toBe("2026-03-12T23:30");
    expect(
      movedScheduledLocal({ scheduledLocal: "2026-12-31T10:00", shownLocal: "2026-12-31T10:00" }, "2027-01-01"),
    ).toBe("2027-01-01T10:00");
  });
});

describe("racing the claim cron (real Postgres)", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  }, 60_000);
  afterAll(() => server?.stop());

  async function waitingOnLocks(db: Database) {
    const result = (await db.execute(
      sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'`,
    )) as unknown as { rows: Array<{ n: number }> };
    return result.rows[0].n;
  }

  /** A scheduled post, and its owner's API, on the real server. */
  async function scheduledPost(caption: string, scheduledLocal: string) {
    const db = server.db;
    const owner = await createUser(db);
    const workspace = await createWorkspace(db, owner);
    const account = await insertSocialAccount(db, workspace.id);
    const image = await insertMedia(db, workspace.id, { kind: "image" });
    const api = callerFor(db, owner, { clock: () => now }).api.socialPosts;
    const post = await api.createPost({
      workspaceId: workspace.id,
      accountId: account.id,
      type: "image",
      caption,
      mediaIds: [image.id],
      timezone: "UTC",
      scheduledLocal,
      schedule: true,
    });
    return { api, workspaceId: workspace.id, post };
  }

  /**
   * Runs `write` in a transaction on its own connection and holds it open until `reschedule` is waiting on the
   * row's lock; then commits. Returns the write's result and the reschedule's error (or null).
   */
  async function rescheduleBehind<T>(write: (tx: Transaction) => Promise<T>, reschedule: () => Promise<unknown>) {
    const other = server.connect();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let markWritten!: () => void;
    const written = new Promise<void>((resolve) => (markWritten = resolve));
    try {
      const writing = other.db.transaction(async (tx) => {
        const result = await write(tx);
        markWritten();
        await held;
        return result;
      });
      await written;
      const rescheduling = reschedule().then(
        () => null,
        (error: unknown) => error as TRPCError,
      );
      for (let i = 0; i < 500 && (await waitingOnLocks(server.db)) === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await waitingOnLocks(server.db)).toBe(1);
      release();
      return { written: await writing, error: await rescheduling };
    } finally {
      release();
      await other.close();
    }
  }

  it("a reschedule that reads the post before the cron's claim commits is refused, not applied over it", async () => {
    const { api, workspaceId, post } = await scheduledPost("Race", "2026-03-01T12:01");
    // The claim cron's UPDATE … RETURNING, held open until the reschedule is waiting on its row lock.
    const { written, error } = await rescheduleBehind(
      async (tx) =>
        (
          await tx
            .update(socialPosts)
            .set({ status: "queued", claimedAt: now })
            .where(and(eq(socialPosts.id, post.id), eq(socialPosts.status, "scheduled")))
            .returning({ id: socialPosts.id })
        ).length,
      () => api.reschedulePost({ workspaceId, postId: post.id, scheduledLocal: "2026-03-05T09:00", timezone: "UTC" }),
    );
    expect(written).toBe(1);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "This post is already publishing; it can no longer be changed.",
    });
    const after = await api.getPost({ workspaceId, postId: post.id });
    expect(after.status).toBe("queued");
    expect(after.scheduledAt?.toISOString()).toBe("2026-03-01T12:01:00.000Z");
  });

  it("a reschedule whose checked content is edited before it writes is refused, not scheduled unchecked", async () => {
    const { api, workspaceId, post } = await scheduledPost("Checked", "2026-03-02T12:00");
    // Another member's edit (dropping the account: not schedulable) holds the row until the reschedule waits on it.
    const { error } = await rescheduleBehind(
      (tx) =>
        tx
          .update(socialPosts)
          .set({ status: "draft", accountId: null, updatedAt: new Date(now.getTime() + 1000) })
          .where(eq(socialPosts.id, post.id)),
      () => api.reschedulePost({ workspaceId, postId: post.id, scheduledLocal: "2026-03-05T09:00", timezone: "UTC" }),
    );
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "This post was changed while you were moving it. Reload and try again.",
    });
    expect(await api.getPost({ workspaceId, postId: post.id })).toMatchObject({ status: "draft", account: null });
  });
});
