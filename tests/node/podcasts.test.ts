import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, episodes } from "../../db/schema";
import { publishDueEpisodes } from "../../server/services/podcasts/episodes";
import { publishDueEpisodesCron } from "../../workers/cron/jobs/publish-due-episodes";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { insertEpisode, insertMedia, insertShow } from "../support/podcasts";
import { callerFor, testConfig, testEnv } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpc = error as TRPCError;
  const cause = trpc.cause as
    { fieldErrors?: Record<string, string[]>; issues?: { path: PropertyKey[] }[] } | undefined;
  const zodFields = cause?.issues?.map((issue) => String(issue.path[0]));
  return {
    code: trpc.code,
    message: trpc.message,
    fields: cause?.fieldErrors ?? Object.fromEntries((zodFields ?? []).map((f) => [f, true])),
  };
}

async function team(clock?: () => Date) {
  const a = await createTeam(t.db, "Studio");
  const ws = a.workspace.id;
  const as = (user: typeof a.owner) => callerFor(t.db, user, { clock }).api.podcasts;
  return { a, ws, editor: as(a.editor), viewer: as(a.viewer) };
}

describe("shows", () => {
  it("validates fields with messages per field and normalises the language tag", async () => {
    const { ws, editor } = await team();
    const bad = await rejection(
      editor.createShow({
        workspaceId: ws,
        title: "  ",
        category: "Podcasts",
        language: "english!",
        author: "x".repeat(201),
      }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(Object.keys(bad.fields).sort()).toEqual(["author", "category", "language", "title"]);
    const show = await editor.createShow({
      workspaceId: ws,
      title: " Deep Dive ",
      category: "Arts > Books",
      language: "pt-br",
      explicit: true,
    });
    expect(show).toMatchObject({
      title: "Deep Dive",
      category: "Arts > Books",
      language: "pt-BR",
      explicit: true,
      artworkMediaId: null,
    });
    expect(show.feedUrl).toBe(`${testConfig.appUrl}/feeds/${show.id}.xml`);
  });

  it("lets viewers read but not change", async () => {
    const { ws, viewer, editor } = await team();
    const show = await editor.createShow({ workspaceId: ws, title: "Read only", category: "News", language: "en" });
    expect((await viewer.getShow({ workspaceId: ws, showId: show.id })).title).toBe("Read only");
    expect((await rejection(viewer.updateShow({ workspaceId: ws, showId: show.id, title: "Nope" }))).code).toBe(
      "FORBIDDEN",
    );
    expect(
      (await rejection(viewer.createShow({ workspaceId: ws, title: "Nope", category: "News", language: "en" }))).code,
    ).toBe("FORBIDDEN");
    expect((await rejection(viewer.deleteShow({ workspaceId: ws, showId: show.id }))).code).toBe("FORBIDDEN");
  });

  it("takes only a ready image of the workspace as artwork", async () => {
    const { ws, editor } = await team();
    const audio = await insertMedia(t.db, ws, { kind: "audio" });
    const uploading = await insertMedia(t.db, ws, { kind: "image", status: "uploading" });
    const image = await insertMedia(t.db, ws, { kind: "image", contentType: "image/jpeg" });
    const base = { workspaceId: ws, title: "Art", category: "Arts", language: "en" };
    expect((await rejection(editor.createShow({ ...base, artworkMediaId: audio.id }))).fields).toHaveProperty(
      "artworkMediaId",
    );
    expect((await rejection(editor.createShow({ ...base, artworkMediaId: uploading.id }))).fields).toHaveProperty(
      "artworkMediaId",
    );
    const show = await editor.createShow({ ...base, artworkMediaId: image.id });
    expect(show.artworkUrl).toBe(`${testConfig.appUrl}/media/shows/${show.id}/artwork.jpg`);
    const cleared = await editor.updateShow({ workspaceId: ws, showId: show.id, artworkMediaId: null });
    expect(cleared).toMatchObject({ artworkMediaId: null, artworkUrl: null });
  });

  it("paginates newest first without gaps or repeats, and rejects a forged cursor", async () => {
    const { ws, viewer } = await team();
    for (let i = 0; i < 5; i++)
      await insertShow(t.db, ws, { title: `Show ${i}`, createdAt: new Date(Date.UTC(2025, 0, 1 + i)) });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof viewer.listShows>> = await viewer.listShows({
        workspaceId: ws,
        limit: 2,
        cursor,
      });
      seen.push(...page.items.map((s) => s.title));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["Show 4", "Show 3", "Show 2", "Show 1", "Show 0"]);
    expect((await rejection(viewer.listShows({ workspaceId: ws, cursor: "bm90LWEtY3Vyc29y" }))).code).toBe(
      "BAD_REQUEST",
    );
  });

  it("deletes a show with its episodes and records it in the audit log", async () => {
    const { ws, editor } = await team();
    const show = await insertShow(t.db, ws);
    await insertEpisode(t.db, show);
    await editor.deleteShow({ workspaceId: ws, showId: show.id });
    expect(await t.db.select().from(episodes).where(eq(episodes.showId, show.id))).toEqual([]);
    const actions = (await t.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, ws))).map((e) => e.action);
    expect(actions).toContain("show.deleted");
  });
});

describe("episodes", () => {
  it("lists newest first: published by publish time, drafts by creation", async () => {
    const { ws, viewer } = await team();
    const show = await insertShow(t.db, ws);
    const day = (d: number) => new Date(Date.UTC(2025, 5, d));
    await insertEpisode(t.db, show, {
      title: "old published",
      status: "published",
      publishedAt: day(1),
      createdAt: day(1),
    });
    await insertEpisode(t.db, show, { title: "draft", createdAt: day(3) });
    await insertEpisode(t.db, show, { title: "scheduled", status: "scheduled", publishAt: day(9), createdAt: day(2) });
    await insertEpisode(t.db, show, {
      title: "new published",
      status: "published",
      publishedAt: day(5),
      createdAt: day(0),
    });
    const first = await viewer.listEpisodes({ workspaceId: ws, showId: show.id, limit: 3 });
    const second = await viewer.listEpisodes({ workspaceId: ws, showId: show.id, limit: 3, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((e) => e.title)).toEqual([
      "scheduled",
      "new published",
      "draft",
      "old published",
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it("keeps season and episode numbers unique within a show", async () => {
    const { ws, editor } = await team();
    const show = await insertShow(t.db, ws);
    await editor.createEpisode({ workspaceId: ws, showId: show.id, title: "One", seasonNumber: 1, episodeNumber: 1 });
    const clash = await rejection(
      editor.createEpisode({ workspaceId: ws, showId: show.id, title: "Again", seasonNumber: 1, episodeNumber: 1 }),
    );
    expect(clash).toMatchObject({
      code: "CONFLICT",
      fields: { episodeNumber: ["This show already has an episode 1 in season 1."] },
    });
    await editor.createEpisode({
      workspaceId: ws,
      showId: show.id,
      title: "Season two",
      seasonNumber: 2,
      episodeNumber: 1,
    });
    const invalid = await rejection(
      editor.createEpisode({ workspaceId: ws, showId: show.id, title: "x", episodeNumber: 1.5, durationSeconds: -3 }),
    );
    expect(Object.keys(invalid.fields).sort()).toEqual(["durationSeconds", "episodeNumber"]);
  });

  it("backs the number check with the index even without a season, and lets unnumbered episodes repeat", async () => {
    const { ws } = await team();
    const show = await insertShow(t.db, ws);
    await insertEpisode(t.db, show, { episodeNumber: 7 });
    await expect(insertEpisode(t.db, show, { episodeNumber: 7 })).rejects.toMatchObject({
      cause: expect.objectContaining({ code: "23505" }),
    });
    await insertEpisode(t.db, show, { episodeNumber: 7, seasonNumber: 2 });
    await insertEpisode(t.db, show, {});
    await insertEpisode(t.db, show, {});
  });

  it("publishes only with ready audio of this workspace, stamping the time", async () => {
    const now = new Date("2025-07-01T12:00:00.000Z");
    let clock = now;
    const { ws, editor } = await team(() => clock);
    const show = await insertShow(t.db, ws);
    const episode = await editor.createEpisode({ workspaceId: ws, showId: show.id, title: "Pilot" });
    const noAudio = await rejection(
      editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, status: "published" }),
    );
    expect(noAudio).toMatchObject({
      code: "BAD_REQUEST",
      fields: { audioMediaId: ["Choose the episode's audio before it can be published."] },
    });

    const image = await insertMedia(t.db, ws, { kind: "image" });
    expect(
      (await rejection(editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, audioMediaId: image.id })))
        .fields,
    ).toHaveProperty("audioMediaId");

    const verifying = await insertMedia(t.db, ws, { kind: "audio", status: "verifying" });
    await editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, audioMediaId: verifying.id });
    expect(
      (await rejection(editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, status: "published" }))).fields,
    ).toHaveProperty("audioMediaId");

    const ready = await insertMedia(t.db, ws, { kind: "audio" });
    const published = await editor.updateEpisode({
      workspaceId: ws,
      episodeId: episode.id,
      audioMediaId: ready.id,
      status: "published",
    });
    expect(published).toMatchObject({ status: "published", publishedAt: now, publishAt: null });

    clock = new Date(now.getTime() + 60_000);
    const later = await editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, title: "Pilot (remastered)" });
    expect(later.publishedAt).toEqual(now);

    const unpublished = await editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, status: "draft" });
    expect(unpublished).toMatchObject({ status: "draft", publishedAt: null });
    const actions = (await t.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, ws))).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["episode.created", "episode.published", "episode.updated", "episode.unpublished"]),
    );
  });

  it("schedules only for a future time, with ready audio", async () => {
    const now = new Date("2025-07-01T12:00:00.000Z");
    const { ws, editor } = await team(() => now);
    const show = await insertShow(t.db, ws);
    const audio = await insertMedia(t.db, ws, { kind: "audio" });
    const episode = await editor.createEpisode({
      workspaceId: ws,
      showId: show.id,
      title: "Later",
      audioMediaId: audio.id,
    });
    const missing = await rejection(
      editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, status: "scheduled" }),
    );
    expect(missing.fields).toEqual({ publishAt: ["Pick when the episode should go live."] });
    const past = await rejection(
      editor.updateEpisode({
        workspaceId: ws,
        episodeId: episode.id,
        status: "scheduled",
        publishAt: new Date(now.getTime() - 1000),
      }),
    );
    expect(past.fields).toEqual({ publishAt: ["Pick a time in the future."] });
    const at = new Date(now.getTime() + 3_600_000);
    expect(
      await editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, status: "scheduled", publishAt: at }),
    ).toMatchObject({ status: "scheduled", publishAt: at, publishedAt: null });
  });
});

describe("publishing scheduled episodes (cron)", () => {
  it("publishes due episodes once, at their scheduled time, and leaves future ones", async () => {
    const { ws } = await team();
    const show = await insertShow(t.db, ws);
    const audio = await insertMedia(t.db, ws);
    const now = new Date();
    const dueAt = new Date(now.getTime() - 30_000);
    const due = await insertEpisode(t.db, show, {
      title: "Due",
      status: "scheduled",
      publishAt: dueAt,
      audioMediaId: audio.id,
    });
    const future = await insertEpisode(t.db, show, {
      title: "Future",
      status: "scheduled",
      publishAt: new Date(now.getTime() + 3_600_000),
      audioMediaId: audio.id,
    });

    // Other tests' episodes may be due as well: only this show's are asserted.
    const first = await publishDueEpisodes({ db: t.db, now });
    expect(first).toContain(due.id);
    expect(first).not.toContain(future.id);
    expect(await publishDueEpisodes({ db: t.db, now })).toEqual([]);
    const rows = await t.db.select().from(episodes).where(eq(episodes.showId, show.id));
    expect(rows.find((e) => e.id === due.id)).toMatchObject({ status: "published", publishedAt: dueAt });
    expect(rows.find((e) => e.id === future.id)).toMatchObject({ status: "scheduled", publishedAt: null });
    const audits = await t.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, ws));
    expect(audits.filter((e) => e.action === "episode.published")).toHaveLength(1);
  });

  it("runs as the per-minute cron, and two overlapping runs publish each episode once", async () => {
    const { ws } = await team();
    const show = await insertShow(t.db, ws);
    const audio = await insertMedia(t.db, ws);
    const past = new Date(Date.now() - 60_000);
    const due: string[] = [];
    for (let i = 0; i < 3; i++)
      due.push(
        (
          await insertEpisode(t.db, show, {
            title: `Due ${i}`,
            status: "scheduled",
            publishAt: past,
            audioMediaId: audio.id,
          })
        ).id,
      );
    const [first, second] = await Promise.all([
      publishDueEpisodes({ db: t.db, now: new Date() }),
      publishDueEpisodes({ db: t.db, now: new Date() }),
    ]);
    expect([...first, ...second].filter((id) => due.includes(id)).sort()).toEqual([...due].sort());

    expect(publishDueEpisodesCron.schedule).toBe("* * * * *");
    const { env } = testEnv();
    expect(await publishDueEpisodesCron.run({ db: t.db, env, config: testConfig, now: new Date() })).toEqual({
      published: 0,
    });
  });
});
