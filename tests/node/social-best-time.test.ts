import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socialAccounts, socialMediaItems } from "../../db/schema";
import { AppError } from "../../server/lib/errors";
import {
  computeBestTimes,
  getBestTimes,
  localSlot,
  type EngagementSample,
} from "../../server/services/social/best-time";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";

const post = (iso: string, likes: number, reach: number | null = 100, comments = 0, saved = 0): EngagementSample => ({
  postedAt: new Date(iso),
  likeCount: likes,
  commentsCount: comments,
  saved,
  reach,
});

describe("best time to post", () => {
  it("shows the evidence of every slot and recommends only slots with the minimum sample", () => {
    const samples = [
      // Monday 09:00 UTC: three posts at 10 %, 20 %, 30 % engagement.
      post("2026-06-01T09:05:00Z", 10),
      post("2026-06-08T09:40:00Z", 15, 100, 5),
      post("2026-06-15T09:59:00Z", 20, 100, 5, 5),
      // Friday 18:00 UTC: two posts at 90 %: better, but too few to recommend.
      post("2026-06-05T18:00:00Z", 90),
      post("2026-06-12T18:30:00Z", 80, 100, 10),
      // Wednesday 12:00 UTC: three posts at 5 %.
      post("2026-06-03T12:00:00Z", 5),
      post("2026-06-10T12:00:00Z", 5),
      post("2026-06-17T12:00:00Z", 5),
    ];
    const result = computeBestTimes({ samples, timezone: "UTC" });
    expect(result.metric).toBe("engagement_rate");
    expect(result.totalPosts).toBe(8);
    expect(result.minimumPosts).toBe(3);
    expect(result.message).toBeNull();
    expect(
      result.slots.map((s) => [s.weekday, s.hour, s.posts, Number(s.averageEngagement.toFixed(4)), s.recommended]),
    ).toEqual([
      [0, 9, 3, 0.2, true],
      [2, 12, 3, 0.05, true],
      [4, 18, 2, 0.9, false],
    ]);
    expect(result.recommendations.map((s) => [s.weekday, s.hour])).toEqual([
      [0, 9],
      [2, 12],
    ]);
  });

  it('says "not enough data yet" below the minimum sample, with the evidence still listed', () => {
    const few = computeBestTimes({ samples: [post("2026-06-01T09:00:00Z", 10), post("2026-06-02T09:00:00Z", 30)] });
    expect(few.recommendations).toEqual([]);
    expect(few.message).toMatch(/^Not enough data yet/);
    expect(few.message).toContain("3 posts");
    expect(few.slots.map((s) => s.posts)).toEqual([1, 1]);

    const none = computeBestTimes({ samples: [] });
    expect(none.slots).toEqual([]);
    expect(none.message).toMatch(/^Not enough data yet/);
  });

  it("falls back to interactions per post when the provider gives no reach", () => {
    const result = computeBestTimes({
      samples: [
        post("2026-06-01T09:00:00Z", 10, null, 2, 1),
        post("2026-06-08T09:00:00Z", 20, null),
        post("2026-06-15T09:00:00Z", 30, null),
      ],
    });
    expect(result.metric).toBe("interactions");
    expect(result.slots).toEqual([{ weekday: 0, hour: 9, posts: 3, averageEngagement: 21, recommended: true }]);
  });

  it("puts posts in the member's zone, weekday included, and follows a DST change", () => {
    // 9:00 in New York is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT); DST starts 8 March 2026.
    const samples = [
      post("2026-02-23T14:00:00Z", 10),
      post("2026-03-02T14:00:00Z", 20),
      post("2026-03-09T13:00:00Z", 30),
      post("2026-03-16T13:00:00Z", 40),
    ];
    const utc = computeBestTimes({ samples, timezone: "UTC" });
    expect(utc.slots.map((s) => [s.weekday, s.hour, s.posts])).toEqual([
      [0, 13, 2],
      [0, 14, 2],
    ]);
    expect(utc.recommendations).toEqual([]);

    const newYork = computeBestTimes({ samples, timezone: "America/New_York" });
    expect(newYork.timezone).toBe("America/New_York");
    expect(newYork.slots).toEqual([{ weekday: 0, hour: 9, posts: 4, averageEngagement: 0.25, recommended: true }]);

    // Monday 02:00 UTC is still Sunday evening in New York, and 07:30 in Kolkata (UTC+5:30).
    expect(localSlot(new Date("2026-03-02T02:00:00Z"), "America/New_York")).toEqual({ weekday: 6, hour: 21 });
    expect(localSlot(new Date("2026-03-02T02:00:00Z"), "Asia/Kolkata")).toEqual({ weekday: 0, hour: 7 });
    // The repeated hour when DST ends (1 November 2026, 01:00–02:00 twice) lands in hour 1 both times.
    expect(localSlot(new Date("2026-11-01T05:30:00Z"), "America/New_York")).toEqual({ weekday: 6, hour: 1 });
    expect(localSlot(new Date("2026-11-01T06:30:00Z"), "America/New_York")).toEqual({ weekday: 6, hour: 1 });
  });

  it("rejects an unknown zone", () => {
    expect(() => computeBestTimes({ samples: [], timezone: "Mars/Olympus" })).toThrow(AppError);
  });

  describe("from the synced media", () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase();
    });
    afterAll(() => t.close());

    it("reads only the account's recent posts in its workspace", async () => {
      const team = await createTeam(t.db);
      const other = await createTeam(t.db, "Other studio");
      const insertAccount = async (workspaceId: string, username: string) =>
        (
          await t.db
            .insert(socialAccounts)
            .values({ workspaceId, provider: "sandbox", externalId: username, username })
            .returning()
        )[0];
      const account = await insertAccount(team.workspace.id, "ours");
      const foreign = await insertAccount(other.workspace.id, "theirs");
      const now = new Date("2026-07-01T00:00:00Z");
      const item = (accountId: string, workspaceId: string, remoteId: string, postedAt: string) => ({
        workspaceId,
        accountId,
        remoteId,
        mediaType: "IMAGE",
        postedAt: new Date(postedAt),
        likeCount: 10,
        commentsCount: 0,
        saved: 0,
        reach: 100,
        engagementRate: 0.1,
        syncedAt: now,
      });
      await t.db.insert(socialMediaItems).values([
        item(account.id, team.workspace.id, "a1", "2026-06-01T09:00:00Z"),
        item(account.id, team.workspace.id, "a2", "2026-06-08T09:00:00Z"),
        item(account.id, team.workspace.id, "a3", "2026-06-15T09:00:00Z"),
        // Older than the best-time window.
        item(account.id, team.workspace.id, "old", "2025-06-01T09:00:00Z"),
        item(foreign.id, other.workspace.id, "b1", "2026-06-01T09:00:00Z"),
      ]);
      const ours = await getBestTimes({
        db: t.db,
        workspaceId: team.workspace.id,
        accountId: account.id,
        timezone: "Europe/Berlin",
        now,
      });
      expect(ours.totalPosts).toBe(3);
      expect(ours.recommendations.map((s) => [s.weekday, s.hour, s.posts])).toEqual([[0, 11, 3]]);
      // The other workspace's account read through this workspace finds nothing.
      expect(
        (await getBestTimes({ db: t.db, workspaceId: team.workspace.id, accountId: foreign.id, timezone: "UTC", now }))
          .totalPosts,
      ).toBe(0);
    });
  });
});
