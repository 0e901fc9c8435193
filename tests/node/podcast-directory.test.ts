import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { parseFeed } from "podcast-partytime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaObjects, shows } from "../../db/schema";
import { buildFeedXml } from "../../server/services/podcasts/feed";
import { podcastGuidFor } from "../../server/services/podcasts/podcast-guid";
import { getPublicShow } from "../../server/services/podcasts/public";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { insertMedia, insertShow } from "../support/podcasts";
import { callerFor, testConfig } from "../support/trpc";

/**
 * What podcast directories check before they list a feed (issue 11): the feed is read back with Podcast Index's
 * own parser (podcast-partytime), not with our assumptions about our XML.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const APP = testConfig.appUrl;

async function team() {
  const a = await createTeam(t.db, "Studio");
  return { ...a, ws: a.workspace.id, editor: callerFor(t.db, a.editor).api.podcasts };
}

async function feedOf(showId: string) {
  const xml = await buildFeedXml({ feed: await getPublicShow({ db: t.db, showId }), appUrl: APP });
  const parsed = parseFeed(xml);
  expect(parsed).not.toBeNull();
  return { xml, feed: parsed! };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const cause = (error as TRPCError).cause as { fieldErrors?: Record<string, string[]> } | undefined;
  return { code: (error as TRPCError).code, message: (error as TRPCError).message, fields: cause?.fieldErrors };
}

/** A published episode with ready MP3 audio of the given duration, made through the procedures. */
async function publishedEpisode(
  api: Awaited<ReturnType<typeof team>>["editor"],
  ws: string,
  showId: string,
  opts: { title: string; episodeType?: "full" | "trailer" | "bonus"; audioSeconds: number },
) {
  const audio = await insertMedia(t.db, ws, { durationSeconds: opts.audioSeconds });
  const episode = await api.createEpisode({
    workspaceId: ws,
    showId,
    title: opts.title,
    audioMediaId: audio.id,
    episodeType: opts.episodeType,
  });
  return api.updateEpisode({ workspaceId: ws, episodeId: episode.id, status: "published" });
}

describe("podcast:guid", () => {
  it("is the UUIDv5 the Podcasting 2.0 namespace defines (its own worked example)", async () => {
    expect(await podcastGuidFor("https://mp3s.nashownotes.com/pc20rss.xml")).toBe(
      "917393e3-1b1e-5cef-ace4-edaa54e1f810",
    );
    // Scheme and trailing slashes do not count.
    expect(await podcastGuidFor("http://mp3s.nashownotes.com/pc20rss.xml//")).toBe(
      "917393e3-1b1e-5cef-ace4-edaa54e1f810",
    );
  });

  it("is stored when the show is made and stays when the app moves to another domain", async () => {
    const { ws, editor } = await team();
    const show = await editor.createShow({ workspaceId: ws, title: "Guid", category: "Technology", language: "en" });
    const [row] = await t.db.select().from(shows).where(eq(shows.id, show.id));
    expect(row.podcastGuid).toBe(await podcastGuidFor(`${APP}/feeds/${show.id}.xml`));
    const moved = await buildFeedXml({
      feed: await getPublicShow({ db: t.db, showId: show.id }),
      appUrl: "https://new.example",
    });
    expect(parseFeed(moved)!.guid).toBe(row.podcastGuid);
  });

  it("is computed for a show made before guids were stored, and fixed on its next edit", async () => {
    const { ws, editor } = await team();
    const legacy = await insertShow(t.db, ws, { title: "Old show" });
    const expected = await podcastGuidFor(`${APP}/feeds/${legacy.id}.xml`);
    expect((await feedOf(legacy.id)).feed.guid).toBe(expected);
    await editor.updateShow({ workspaceId: ws, showId: legacy.id, description: "Now edited" });
    const [row] = await t.db.select().from(shows).where(eq(shows.id, legacy.id));
    expect(row.podcastGuid).toBe(expected);
  });
});

describe("the feed, read by Podcast Index's parser", () => {
  it("carries itunes:owner, podcast:guid, podcast:locked, per-episode itunes:image, types and durations", async () => {
    const { ws, owner, editor } = await team();
    const art = await insertMedia(t.db, ws, { kind: "image", contentType: "image/jpeg", filename: "cover.jpg" });
    const show = await editor.createShow({
      workspaceId: ws,
      title: "Directory ready",
      author: "Ada & Co",
      category: "Technology",
      language: "en",
      artworkMediaId: art.id,
    });
    // The email defaults to the workspace owner's (the editor made the show), and is stored with the show.
    expect(show.ownerEmail).toBe(owner.email);
    expect(show.locked).toBe(true);
    await publishedEpisode(editor, ws, show.id, { title: "Trailer", episodeType: "trailer", audioSeconds: 95 });
    await publishedEpisode(editor, ws, show.id, { title: "Bonus", episodeType: "bonus", audioSeconds: 600 });
    await publishedEpisode(editor, ws, show.id, { title: "Full", audioSeconds: 3725 });

    const { feed } = await feedOf(show.id);
    const artwork = `${APP}/media/shows/${show.id}/artwork.jpg`;
    expect(feed.owner).toEqual({ name: "Ada & Co", email: owner.email });
    expect(feed.guid).toBe(await podcastGuidFor(`${APP}/feeds/${show.id}.xml`));
    expect(feed.locked).toBe(true);
    expect(feed.podcastOwner).toBe(owner.email);
    expect(feed.itunesImage).toBe(artwork);
    const byTitle = Object.fromEntries(feed.items.map((item) => [item.title, item]));
    expect(Object.keys(byTitle).sort()).toEqual(["Bonus", "Full", "Trailer"]);
    expect(byTitle.Trailer).toMatchObject({ itunesEpisodeType: "trailer", duration: 95, itunesImage: artwork });
    expect(byTitle.Bonus).toMatchObject({ itunesEpisodeType: "bonus", duration: 600, itunesImage: artwork });
    expect(byTitle.Full).toMatchObject({ itunesEpisodeType: "full", duration: 3725, itunesImage: artwork });
    for (const item of feed.items) expect(item.enclosure.type).toBe("audio/mpeg");
  });

  it("uses the owner email and lock the creator chose, and falls back to the owner's address when cleared", async () => {
    const { ws, owner, editor } = await team();
    const show = await editor.createShow({
      workspaceId: ws,
      title: "Chosen",
      category: "Technology",
      language: "en",
      ownerEmail: "Feeds@Studio.Example",
      locked: false,
    });
    expect(show.ownerEmail).toBe("feeds@studio.example");
    const first = await feedOf(show.id);
    let feed = first.feed;
    const xml = first.xml;
    expect(feed.owner).toEqual({ name: "Chosen", email: "feeds@studio.example" });
    expect(feed.locked).toBe(false);
    expect(xml).toContain('<podcast:locked owner="feeds@studio.example">no</podcast:locked>');

    await editor.updateShow({ workspaceId: ws, showId: show.id, ownerEmail: null, locked: true });
    ({ feed } = await feedOf(show.id));
    expect(feed.owner?.email).toBe(owner.email);
    expect(feed.locked).toBe(true);

    const bad = await refusal(editor.updateShow({ workspaceId: ws, showId: show.id, ownerEmail: "not an address" }));
    expect(bad.code).toBe("BAD_REQUEST");
  });

  it("falls back to the workspace owner's address for a show made before owner emails were stored", async () => {
    const { ws, owner } = await team();
    const legacy = await insertShow(t.db, ws, { title: "Old" });
    expect((await feedOf(legacy.id)).feed.owner).toEqual({ name: legacy.author || "Old", email: owner.email });
  });
});

describe("episode audio", () => {
  it.each([
    ["audio/wav", "talk.wav", "WAV audio"],
    ["audio/flac", "talk.flac", "FLAC audio"],
    ["audio/webm", "recording.webm", "WebM audio"],
    ["audio/ogg", "recording.opus", "Ogg audio"],
  ])("refuses %s as an episode's audio and says how to fix it", async (contentType, filename, label) => {
    const { ws, editor } = await team();
    const show = await insertShow(t.db, ws);
    const audio = await insertMedia(t.db, ws, { contentType, filename });
    const created = await refusal(
      editor.createEpisode({ workspaceId: ws, showId: show.id, title: "E", audioMediaId: audio.id }),
    );
    expect(created.code).toBe("BAD_REQUEST");
    expect(created.fields?.audioMediaId?.[0]).toBe(
      `“${filename}” is ${label}, which podcast apps do not play. Export or convert it to MP3 (128 kbit/s is plenty for speech) or M4A/AAC, upload that and choose it here; the original stays in the media library for transcription.`,
    );
    const episode = await editor.createEpisode({ workspaceId: ws, showId: show.id, title: "E" });
    const updated = await refusal(
      editor.updateEpisode({ workspaceId: ws, episodeId: episode.id, audioMediaId: audio.id }),
    );
    expect(updated.fields?.audioMediaId).toEqual(created.fields?.audioMediaId);
  });

  it("accepts MP3 and M4A, prefilling the episode's duration from the file", async () => {
    const { ws, editor } = await team();
    const show = await insertShow(t.db, ws);
    const mp3 = await insertMedia(t.db, ws, { contentType: "audio/mpeg", durationSeconds: 1805 });
    const m4a = await insertMedia(t.db, ws, { contentType: "audio/x-m4a", filename: "e.m4a", durationSeconds: 61 });
    const episode = await editor.createEpisode({ workspaceId: ws, showId: show.id, title: "E", audioMediaId: mp3.id });
    expect(episode.durationSeconds).toBe(1805);
    // The form sends the prefilled duration back unchanged with the new audio: the new file's duration wins.
    const swapped = await editor.updateEpisode({
      workspaceId: ws,
      episodeId: episode.id,
      audioMediaId: m4a.id,
      durationSeconds: 1805,
    });
    expect(swapped.durationSeconds).toBe(61);
    // A duration the creator typed is kept.
    const typed = await editor.updateEpisode({
      workspaceId: ws,
      episodeId: episode.id,
      audioMediaId: mp3.id,
      durationSeconds: 1700,
    });
    expect(typed.durationSeconds).toBe(1700);
  });
});

describe("show artwork", () => {
  it.each([
    [1200, 1200, "“cover.png” is 1200 × 1200 px. Show artwork must be at least 1400 × 1400 px: export it larger."],
    [3200, 3200, "“cover.png” is 3200 × 3200 px. Show artwork must be at most 3000 × 3000 px: export it smaller."],
    [
      1600,
      1400,
      "“cover.png” is 1600 × 1400 px. Show artwork must be square, from 1400 × 1400 to 3000 × 3000 px: crop it.",
    ],
  ])("refuses %i × %i with its measured size", async (widthPx, heightPx, message) => {
    const { ws, editor } = await team();
    const art = await insertMedia(t.db, ws, { kind: "image", widthPx, heightPx });
    const created = await refusal(
      editor.createShow({
        workspaceId: ws,
        title: "S",
        category: "Technology",
        language: "en",
        artworkMediaId: art.id,
      }),
    );
    expect(created).toMatchObject({ code: "BAD_REQUEST", message, fields: { artworkMediaId: [message] } });
    const show = await insertShow(t.db, ws);
    const updated = await refusal(editor.updateShow({ workspaceId: ws, showId: show.id, artworkMediaId: art.id }));
    expect(updated.message).toBe(message);
  });

  it("accepts 1400 and 3000 px squares, refuses WebP and images whose size is unknown", async () => {
    const { ws, editor } = await team();
    for (const side of [1400, 3000]) {
      const art = await insertMedia(t.db, ws, { kind: "image", widthPx: side, heightPx: side });
      const show = await editor.createShow({
        workspaceId: ws,
        title: `S${side}`,
        category: "Technology",
        language: "en",
        artworkMediaId: art.id,
      });
      expect(show.artworkMediaId).toBe(art.id);
    }
    const webp = await insertMedia(t.db, ws, { kind: "image", contentType: "image/webp", filename: "c.webp" });
    const unknown = await insertMedia(t.db, ws, { kind: "image", widthPx: null, heightPx: null });
    const show = await insertShow(t.db, ws);
    expect(
      (await refusal(editor.updateShow({ workspaceId: ws, showId: show.id, artworkMediaId: webp.id }))).message,
    ).toBe("“c.webp” is not a JPEG or PNG. Podcast apps show only those: export the artwork as one.");
    expect(
      (await refusal(editor.updateShow({ workspaceId: ws, showId: show.id, artworkMediaId: unknown.id }))).message,
    ).toBe("The size of “cover.png” could not be read. Export it again as a JPEG or PNG and upload it.");
  });

  it("keeps artwork a show already has when other settings are saved", async () => {
    const { ws, editor } = await team();
    const old = await insertMedia(t.db, ws, { kind: "image", widthPx: null, heightPx: null });
    const show = await insertShow(t.db, ws, { artworkMediaId: old.id });
    const saved = await editor.updateShow({
      workspaceId: ws,
      showId: show.id,
      title: "Renamed",
      artworkMediaId: old.id,
    });
    expect(saved).toMatchObject({ title: "Renamed", artworkMediaId: old.id });
    const [media] = await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, old.id));
    expect(media.widthPx).toBeNull();
  });
});
