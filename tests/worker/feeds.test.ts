import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { insertTranscript } from "../support/podcasts";
import { mutate, send } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";
import { edgeCache } from "../../server/lib/edge-cache";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => name === "item" });

describe("public RSS feed", () => {
  it("serves valid RSS with published episodes only, enclosure length matching the stored bytes", async () => {
    const { show, episode, bytes } = await publishedShow({ size: 4321, showTitle: "Feeds & <Friends>" });
    const response = await send(`/feeds/${show.id}.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const channel = parser.parse(await response.text()).rss.channel;
    expect(channel.title).toBe("Feeds & <Friends>");
    expect(channel.item.map((i: { title: string }) => i.title)).toEqual(["Live episode"]);
    const enclosure = channel.item[0].enclosure;
    expect(enclosure["@length"]).toBe(String(bytes.length));
    expect(enclosure["@type"]).toBe("audio/mpeg");
    expect(enclosure["@url"]).toBe(`http://localhost/media/episodes/${episode.id}/audio.mp3`);

    // The enclosure URL in the feed serves exactly that many bytes.
    const audio = await send(new URL(enclosure["@url"]).pathname);
    expect(audio.status).toBe(200);
    expect(new Uint8Array(await audio.arrayBuffer())).toEqual(bytes);
  });

  it("answers 304 to a matching If-None-Match and a new ETag when the feed changes", async () => {
    const { owner, show, episode } = await publishedShow();
    const first = await send(`/feeds/${show.id}.xml`);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await send(`/feeds/${show.id}.xml`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await send(`/feeds/${show.id}.xml`, { headers: { "if-none-match": `W/"x", W/${etag}` } })).status).toBe(
      304,
    );

    // Edited the way the app edits it: the write also drops this colo's cached copy of the feed.
    const renamed = await mutate(
      "podcasts.updateEpisode",
      { workspaceId: owner.workspaceId, episodeId: episode.id, title: "Renamed" },
      { cookie: owner.cookie },
    );
    expect(renamed.status).toBe(200);
    const changed = await send(`/feeds/${show.id}.xml`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("is 404 for an unknown or malformed show id", async () => {
    expect((await send(`/feeds/${crypto.randomUUID()}.xml`)).status).toBe(404);
    expect((await send("/feeds/not-a-show.xml")).status).toBe(404);
  });

  it("serves the transcript as VTT and SRT and the chapters for published episodes only", async () => {
    const { owner, show, episode, media, draft, draftAudio } = await publishedShow();
    const handle = workerDb();
    try {
      await insertTranscript(handle.db, {
        workspaceId: owner.workspaceId,
        mediaId: media.id,
        episodeId: episode.id,
        segments: [{ startMs: 62_345, endMs: 64_000, speaker: "Ana", text: "Hello <there> & welcome" }],
        chapters: [
          { startMs: 0, title: "Intro" },
          { startMs: 90_500, title: "Main" },
        ],
      });
      await insertTranscript(handle.db, {
        workspaceId: owner.workspaceId,
        mediaId: draftAudio.id,
        episodeId: draft.id,
        segments: [{ startMs: 0, endMs: 1, text: "secret" }],
      });
    } finally {
      await handle.close();
    }
    const base = `/feeds/${show.id}/episodes/${episode.id}`;
    const vtt = await send(`${base}/transcript.vtt`);
    expect(vtt.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await vtt.text()).toBe(
      "WEBVTT\n\n00:01:02.345 --> 00:01:04.000\n<v Ana>Hello &lt;there&gt; &amp; welcome\n",
    );
    const srt = await send(`${base}/transcript.srt`);
    expect(srt.headers.get("content-type")).toBe("application/x-subrip; charset=utf-8");
    expect(await srt.text()).toBe("1\n00:01:02,345 --> 00:01:04,000\nAna: Hello <there> & welcome\n");
    const chapters = await send(`${base}/chapters.json`);
    expect(chapters.headers.get("content-type")).toBe("application/json+chapters; charset=utf-8");
    expect(await chapters.json()).toEqual({
      version: "1.2.0",
      chapters: [
        { startTime: 0, title: "Intro" },
        { startTime: 90.5, title: "Main" },
      ],
    });
    expect(chapters.headers.get("access-control-allow-origin")).toBe("*");

    for (const file of ["transcript.vtt", "transcript.srt", "chapters.json"]) {
      expect((await send(`/feeds/${show.id}/episodes/${draft.id}/${file}`)).status).toBe(404);
    }
    expect((await send(`${base}/transcript.txt`)).status).toBe(404);
  });
});

describe("edge cache for feeds", () => {
  const feedItems = async (response: Response) =>
    ((parser.parse(await response.text()).rss.channel.item ?? []) as { title: string }[]).map((i) => i.title);

  it("answers repeat and conditional polls from the edge without a database query", async () => {
    const { show } = await publishedShow();
    const path = `/feeds/${show.id}.xml`;
    const miss = await send(path);
    expect(miss.headers.get("x-greenroom-cache")).toBe("MISS");
    expect(Number(miss.headers.get("x-greenroom-db-queries"))).toBeGreaterThan(0);
    const body = await miss.text();

    const hit = await send(path);
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-greenroom-cache")).toBe("HIT");
    expect(hit.headers.get("x-greenroom-db-queries")).toBe("0");
    expect(hit.headers.get("cache-control")).toBe("public, max-age=300");
    expect(hit.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(hit.headers.get("etag")).toBe(miss.headers.get("etag"));
    expect(await hit.text()).toBe(body);

    const conditional = await send(path, { headers: { "if-none-match": miss.headers.get("etag")! } });
    expect(conditional.status).toBe(304);
    expect(conditional.headers.get("x-greenroom-db-queries")).toBe("0");
    expect(await conditional.text()).toBe("");

    // Every colo drops its copy within a minute, which bounds how stale a feed can be anywhere.
    const stored = await edgeCache()!.match(`http://localhost${path}`);
    expect(stored?.headers.get("cache-control")).toBe("public, max-age=60");
    expect(stored?.headers.has("x-greenroom-db-queries")).toBe(false);
  });

  it("shows a publish and a deletion on the very next poll in the colo that made them", async () => {
    const { owner, show, episode, draft } = await publishedShow();
    const path = `/feeds/${show.id}.xml`;
    expect(await feedItems(await send(path))).toEqual(["Live episode"]);
    expect((await send(path)).headers.get("x-greenroom-cache")).toBe("HIT");

    const published = await mutate(
      "podcasts.updateEpisode",
      { workspaceId: owner.workspaceId, episodeId: draft.id, status: "published" },
      { cookie: owner.cookie },
    );
    expect(published.status).toBe(200);
    const afterPublish = await send(path);
    expect(afterPublish.headers.get("x-greenroom-cache")).toBe("MISS");
    expect((await feedItems(afterPublish)).sort()).toEqual(["Draft episode", "Live episode"]);

    const deleted = await mutate(
      "podcasts.deleteEpisode",
      { workspaceId: owner.workspaceId, episodeId: episode.id },
      { cookie: owner.cookie },
    );
    expect(deleted.status).toBe(200);
    expect(await feedItems(await send(path))).toEqual(["Draft episode"]);
  });

  it("serves transcript files from the edge too", async () => {
    const { owner, show, episode, media } = await publishedShow();
    const handle = workerDb();
    await insertTranscript(handle.db, {
      workspaceId: owner.workspaceId,
      mediaId: media.id,
      episodeId: episode.id,
      segments: [{ startMs: 0, endMs: 1_000, text: "Cached words" }],
    }).finally(() => handle.close());
    const path = `/feeds/${show.id}/episodes/${episode.id}/transcript.vtt`;
    const miss = await send(path);
    expect(miss.headers.get("x-greenroom-cache")).toBe("MISS");
    const hit = await send(path);
    expect(hit.headers.get("x-greenroom-db-queries")).toBe("0");
    expect(await hit.text()).toBe(await miss.text());
  });

  it("neither answers nor fills the cache for a signed-in request", async () => {
    const { owner, show } = await publishedShow();
    const path = `/feeds/${show.id}.xml`;
    const signedIn = await send(path, { headers: { cookie: owner.cookie } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.has("x-greenroom-cache")).toBe(false);
    expect(await edgeCache()!.match(`http://localhost${path}`)).toBeUndefined();

    expect((await send(path)).headers.get("x-greenroom-cache")).toBe("MISS");
    const again = await send(path, { headers: { cookie: owner.cookie } });
    expect(again.headers.has("x-greenroom-cache")).toBe(false);
    expect(Number(again.headers.get("x-greenroom-db-queries"))).toBeGreaterThan(0);
  });

  it("keeps a machine transcript and chapters out of the feed and files until approved, then shows them at once", async () => {
    const { owner, show, episode, media } = await publishedShow();
    const handle = workerDb();
    const transcript = await insertTranscript(handle.db, {
      workspaceId: owner.workspaceId,
      mediaId: media.id,
      episodeId: episode.id,
      segments: [{ startMs: 0, endMs: 1_000, text: "Unreviewed words" }],
      chapters: [{ startMs: 0, title: "Opening" }],
      approved: false,
    }).finally(() => handle.close());
    const feed = `/feeds/${show.id}.xml`;
    const vtt = `/feeds/${show.id}/episodes/${episode.id}/transcript.vtt`;
    const chapters = `/feeds/${show.id}/episodes/${episode.id}/chapters.json`;
    const page = `/p/${show.id}/${episode.id}`;
    const tags = async (path: string) => {
      const xml = await (await send(path)).text();
      return { transcript: xml.includes("<podcast:transcript"), chapters: xml.includes("<podcast:chapters") };
    };

    expect(await tags(feed)).toEqual({ transcript: false, chapters: false });
    expect((await send(vtt)).status).toBe(404);
    expect((await send(chapters)).status).toBe(404);
    expect(await (await send(page)).text()).not.toContain("Unreviewed words");
    // Cached as private: the approval below must reach the next poll anyway.
    expect((await send(feed)).headers.get("x-greenroom-cache")).toBe("HIT");
    expect((await send(page)).headers.get("x-greenroom-cache")).toBe("HIT");

    const approve = (part: "transcript" | "chapters", published: boolean) =>
      mutate(
        "transcripts.setPublication",
        { workspaceId: owner.workspaceId, transcriptId: transcript.id, part, published },
        { cookie: owner.cookie },
      );
    expect((await approve("transcript", true)).status).toBe(200);
    const afterApproval = await send(feed);
    expect(afterApproval.headers.get("x-greenroom-cache")).toBe("MISS");
    expect(await afterApproval.text()).toContain("<podcast:transcript");
    expect(await tags(feed)).toEqual({ transcript: true, chapters: false });
    expect(await (await send(vtt)).text()).toContain("Unreviewed words");
    expect(await (await send(page)).text()).toContain("Unreviewed words");
    expect((await send(chapters)).status).toBe(404);

    expect((await approve("chapters", true)).status).toBe(200);
    expect(await tags(feed)).toEqual({ transcript: true, chapters: true });
    expect(await (await send(chapters)).text()).toContain("Opening");

    expect((await approve("transcript", false)).status).toBe(200);
    expect(await tags(feed)).toEqual({ transcript: false, chapters: false });
    expect((await send(vtt)).status).toBe(404);

    // A show that auto-publishes needs no approval.
    const auto = await mutate(
      "transcripts.setShowAutoPublish",
      { workspaceId: owner.workspaceId, showId: show.id, enabled: true },
      { cookie: owner.cookie },
    );
    expect(auto.status).toBe(200);
    expect(await tags(feed)).toEqual({ transcript: true, chapters: true });
    expect((await send(vtt)).status).toBe(200);
  });
});
