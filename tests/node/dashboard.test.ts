import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socialPosts, transcriptionJobs } from "../../db/schema";
import { DASHBOARD_EPISODES_PER_SHOW } from "../../server/services/workspaces/dashboard";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser, createWorkspace } from "../support/factories";
import { insertEpisode, insertMedia, insertShow } from "../support/podcasts";
import { insertSocialAccount } from "../support/social-posts";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const day = 24 * 3600 * 1000;

describe("workspaces.getDashboard", () => {
  it("shows an empty workspace as empty, with nothing on the checklist done", async () => {
    const owner = await createUser(t.db, {});
    const workspace = await createWorkspace(t.db, owner);
    const dashboard = await callerFor(t.db, owner).api.workspaces.getDashboard({ workspaceId: workspace.id });
    expect(dashboard).toMatchObject({
      id: workspace.id,
      role: "owner",
      memberCount: 1,
      shows: [],
      scheduledEpisodes: [],
      upcomingPosts: [],
      failedPosts: [],
      activeTranscriptions: [],
      failedTranscriptions: [],
      checklist: { shows: 0, readyAudio: 0, publishedEpisodes: 0, socialAccounts: 0, pendingInvitations: 0 },
    });
    expect(dashboard.usage.plan.id).toBe("free");
    expect(dashboard.usage.storage.used).toBe(0);
  });

  it("reads the work of the workspace and nothing of another's", async () => {
    const team = await createTeam(t.db, "Busy studio");
    const ws = team.workspace.id;
    const now = Date.now();
    const show = await insertShow(t.db, ws, { title: "Morning Show" });
    const quiet = await insertShow(t.db, ws, { title: "Quiet Show" });
    const titles: string[] = [];
    for (let i = 1; i <= DASHBOARD_EPISODES_PER_SHOW + 1; i++) {
      titles.push(`Ep ${i}`);
      await insertEpisode(t.db, show, {
        title: `Ep ${i}`,
        status: "published",
        publishedAt: new Date(now - (10 - i) * day),
      });
    }
    const next = await insertEpisode(t.db, show, {
      title: "Coming soon",
      status: "scheduled",
      publishAt: new Date(now + day),
    });
    const audio = await insertMedia(t.db, ws, { filename: "interview.mp3" });
    const failedAudio = await insertMedia(t.db, ws, { filename: "broken.mp3" });
    await t.db.insert(transcriptionJobs).values([
      { workspaceId: ws, mediaId: audio.id, status: "transcribing", progress: 40 },
      { workspaceId: ws, mediaId: failedAudio.id, status: "failed", lastError: "The provider refused the file." },
    ]);
    const account = await insertSocialAccount(t.db, ws, { username: "busy_studio" });
    await t.db.insert(socialPosts).values([
      {
        workspaceId: ws,
        accountId: account.id,
        caption: "Tomorrow's post",
        status: "scheduled",
        scheduledAt: new Date(now + day),
        timezone: "Europe/Warsaw",
      },
      { workspaceId: ws, accountId: account.id, caption: "Broken post", status: "failed", lastError: "Media expired" },
      { workspaceId: ws, accountId: account.id, caption: "Just a draft", status: "draft" },
    ]);

    // Another tenant's work must not leak into this dashboard.
    const stranger = await createUser(t.db, {});
    const other = await createWorkspace(t.db, stranger);
    const otherShow = await insertShow(t.db, other.id, { title: "Someone else's show" });
    await insertEpisode(t.db, otherShow, { title: "Theirs", status: "scheduled", publishAt: new Date(now + day) });

    const dashboard = await callerFor(t.db, team.viewer).api.workspaces.getDashboard({ workspaceId: ws });
    expect(dashboard.role).toBe("viewer");
    expect(dashboard.memberCount).toBe(4);
    expect(dashboard.shows.map((s) => s.title)).toEqual(["Quiet Show", "Morning Show"]);
    const morning = dashboard.shows.find((s) => s.id === show.id)!;
    expect(morning.episodeCount).toBe(DASHBOARD_EPISODES_PER_SHOW + 2);
    // The scheduled one first (it goes out next), then the newest published.
    expect(morning.latestEpisodes.map((e) => e.title)).toEqual(["Coming soon", "Ep 4", "Ep 3"]);
    expect(dashboard.shows.find((s) => s.id === quiet.id)!.latestEpisodes).toEqual([]);
    expect(dashboard.scheduledEpisodes).toEqual([
      { id: next.id, title: "Coming soon", publishAt: next.publishAt, showId: show.id, showTitle: "Morning Show" },
    ]);
    expect(dashboard.upcomingPosts).toMatchObject([
      { caption: "Tomorrow's post", timezone: "Europe/Warsaw", account: { username: "busy_studio" } },
    ]);
    expect(dashboard.failedPosts).toMatchObject([{ caption: "Broken post", error: "Media expired" }]);
    expect(dashboard.activeTranscriptions).toMatchObject([
      { status: "transcribing", progress: 40, filename: "interview.mp3" },
    ]);
    expect(dashboard.failedTranscriptions).toMatchObject([
      { status: "failed", filename: "broken.mp3", error: "The provider refused the file." },
    ]);
    expect(dashboard.checklist).toEqual({
      shows: 2,
      readyAudio: 2,
      publishedEpisodes: DASHBOARD_EPISODES_PER_SHOW + 1,
      socialAccounts: 1,
      pendingInvitations: 0,
    });
    expect(dashboard.usage.storage.used).toBe(2000);
    expect(dashboard.usage.socialAccounts).toMatchObject({ used: 1 });
  });
});
