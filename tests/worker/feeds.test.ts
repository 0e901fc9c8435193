import { eq } from "drizzle-orm";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { episodes } from "../../db/schema";
import { insertTranscript } from "../support/podcasts";
import { send } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";

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
    const { show, episode } = await publishedShow();
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

    const handle = workerDb();
    try {
      await handle.db.update(episodes).set({ title: "Renamed" }).where(eq(episodes.id, episode.id));
    } finally {
      await handle.close();
    }
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
