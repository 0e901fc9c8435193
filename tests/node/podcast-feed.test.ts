import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFeedXml } from "../../server/services/podcasts/feed";
import { getPublicShow } from "../../server/services/podcasts/public";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { insertEpisode, insertMedia, insertPublishedEpisode, insertShow, insertTranscript } from "../support/podcasts";

const APP = "https://studio.example";
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => ["item", "podcast:transcript"].includes(name),
});

async function feedOf(showId: string) {
  const xml = await buildFeedXml({ feed: await getPublicShow({ db: t.db, showId }), appUrl: APP });
  expect(XMLValidator.validate(xml)).toBe(true);
  return { xml, rss: parser.parse(xml).rss };
}

describe("RSS feed", () => {
  it("has the channel tags Apple Podcasts and Spotify require, escaped exactly", async () => {
    const owner = await createUser(t.db);
    const ws = await createWorkspace(t.db, owner);
    const art = await insertMedia(t.db, ws.id, { kind: "image", contentType: "image/png" });
    const show = await insertShow(t.db, ws.id, {
      title: `Q&A <live> "Zoë's" show`,
      description: "Notes & <b>news</b>",
      author: "Zoë & Co",
      category: "Society & Culture > Documentary",
      language: "pt-BR",
      explicit: true,
      artworkMediaId: art.id,
    });
    const { rss } = await feedOf(show.id);
    expect(rss["@version"]).toBe("2.0");
    expect(rss["@xmlns:itunes"]).toBe("http://www.itunes.com/dtds/podcast-1.0.dtd");
    expect(rss["@xmlns:podcast"]).toBe("https://podcastindex.org/namespace/1.0");
    const channel = rss.channel;
    expect(channel.title).toBe(`Q&A <live> "Zoë's" show`);
    expect(channel.description).toBe("Notes & <b>news</b>");
    expect(channel.language).toBe("pt-BR");
    expect(channel["itunes:author"]).toBe("Zoë & Co");
    expect(channel["itunes:explicit"]).toBe(true);
    expect(channel["itunes:image"]["@href"]).toBe(`${APP}/media/shows/${show.id}/artwork.png`);
    expect(channel["itunes:category"]["@text"]).toBe("Society & Culture");
    expect(channel["itunes:category"]["itunes:category"]["@text"]).toBe("Documentary");
    expect(channel["atom:link"]).toMatchObject({ "@href": `${APP}/feeds/${show.id}.xml`, "@rel": "self" });
    expect(channel.link).toBe(`${APP}/p/${show.id}`);
    expect(channel.item).toBeUndefined();
  });

  it("lists only published episodes with ready audio, newest first, with enclosure, guid, dates and numbers", async () => {
    const owner = await createUser(t.db);
    const ws = await createWorkspace(t.db, owner);
    const show = await insertShow(t.db, ws.id);
    const other = await insertShow(t.db, ws.id);
    const older = await insertPublishedEpisode(
      t.db,
      show,
      {
        title: "First",
        publishedAt: new Date("2025-03-04T05:06:07.000Z"),
        episodeNumber: 1,
        seasonNumber: 2,
        durationSeconds: 1805,
      },
      { size: 12_345_678, contentType: "audio/mpeg" },
    );
    const newer = await insertPublishedEpisode(
      t.db,
      show,
      { title: "Second", publishedAt: new Date("2025-04-01T00:00:00.000Z") },
      { size: 999, contentType: "audio/mp4", durationSeconds: 61 },
    );
    await insertEpisode(t.db, show, { title: "Draft" });
    await insertEpisode(t.db, show, {
      title: "Scheduled",
      status: "scheduled",
      publishAt: new Date(Date.now() + 86_400_000),
    });
    await insertPublishedEpisode(t.db, show, { title: "Audio still verifying" }, { status: "verifying" });
    await insertPublishedEpisode(t.db, other, { title: "Other show" });

    const { rss } = await feedOf(show.id);
    const items = rss.channel.item;
    expect(items.map((i: { title: string }) => i.title)).toEqual(["Second", "First"]);
    const first = items[1];
    expect(first.enclosure).toEqual({
      "@url": `${APP}/media/episodes/${older.episode.id}/audio.mp3`,
      "@length": "12345678",
      "@type": "audio/mpeg",
    });
    expect(first.guid).toEqual({ "#text": older.episode.id, "@isPermaLink": "false" });
    expect(first.pubDate).toBe("Tue, 04 Mar 2025 05:06:07 GMT");
    expect(new Date(first.pubDate).toISOString()).toBe("2025-03-04T05:06:07.000Z");
    expect(first["itunes:duration"]).toBe(1805);
    expect(first["itunes:episode"]).toBe(1);
    expect(first["itunes:season"]).toBe(2);
    expect(first.link).toBe(`${APP}/p/${show.id}/${older.episode.id}`);
    // The media file's duration stands in when the episode has none of its own.
    expect(items[0]["itunes:duration"]).toBe(61);
    expect(items[0].enclosure["@url"]).toBe(`${APP}/media/episodes/${newer.episode.id}/audio.m4a`);
    expect(first["podcast:transcript"]).toBeUndefined();
  });

  it("points podcast:transcript at the VTT and SRT and podcast:chapters at the chapters file", async () => {
    const owner = await createUser(t.db);
    const ws = await createWorkspace(t.db, owner);
    const show = await insertShow(t.db, ws.id);
    const withChapters = await insertPublishedEpisode(t.db, show, { title: "Linked transcript" });
    await insertTranscript(t.db, {
      workspaceId: ws.id,
      mediaId: withChapters.media.id,
      episodeId: withChapters.episode.id,
      language: "en",
      segments: [{ startMs: 0, endMs: 1000, text: "Hi" }],
      chapters: [{ startMs: 0, title: "Intro" }],
    });
    // No episode link: found through the episode's audio file. No chapters.
    const viaAudio = await insertPublishedEpisode(t.db, show, {
      title: "Audio transcript",
      publishedAt: new Date(Date.now() - 60_000),
    });
    await insertTranscript(t.db, {
      workspaceId: ws.id,
      mediaId: viaAudio.media.id,
      segments: [{ startMs: 0, endMs: 1000, text: "Hi" }],
    });

    const { rss } = await feedOf(show.id);
    const [linked, byAudio] = rss.channel.item;
    const base = `${APP}/feeds/${show.id}/episodes/${withChapters.episode.id}`;
    expect(linked["podcast:transcript"]).toEqual([
      { "@url": `${base}/transcript.vtt`, "@type": "text/vtt", "@language": "en" },
      { "@url": `${base}/transcript.srt`, "@type": "application/x-subrip", "@language": "en" },
    ]);
    expect(linked["podcast:chapters"]).toEqual({
      "@url": `${base}/chapters.json`,
      "@type": "application/json+chapters",
    });
    expect(byAudio["podcast:transcript"]).toHaveLength(2);
    expect(byAudio["podcast:chapters"]).toBeUndefined();
  });

  it("gives the same bytes for the same data (a stable ETag)", async () => {
    const owner = await createUser(t.db);
    const ws = await createWorkspace(t.db, owner);
    const show = await insertShow(t.db, ws.id);
    await insertPublishedEpisode(t.db, show);
    expect((await feedOf(show.id)).xml).toBe((await feedOf(show.id)).xml);
  });
});
