import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adArrangements, type ArrangementAd } from "../../db/schema";
import type { Env } from "../../server/env";
import { feedRoutes } from "../../server/http/feeds";
import { shiftChapters, shiftSegments } from "../../server/services/ads/timeline";
import type { TrpcContext } from "../../server/trpc/context";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createTeam } from "../support/factories";
import { insertPublishedEpisode, insertShow, insertTranscript } from "../support/podcasts";
import { testConfig, testEnv } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

/** A fixed arrangement: a 15 s pre-roll and a 30 s mid-roll cut in at 60 s of the episode. */
const seams = (flightId = "f", creativeId = "c"): ArrangementAd[] => [
  { flightId, creativeId, byteStart: 100, byteEnd: 240_100, startMs: 0, durationMs: 15_000, episodeAtMs: 0 },
  {
    flightId,
    creativeId,
    byteStart: 1_200_100,
    byteEnd: 1_680_100,
    startMs: 75_000,
    durationMs: 30_000,
    episodeAtMs: 60_000,
  },
];

const CHAPTERS = [
  { startMs: 0, title: "Intro" },
  { startMs: 59_999, title: "Just before the break" },
  { startMs: 60_000, title: "After the break" },
  { startMs: 120_000, title: "Outro" },
];
const SEGMENTS = [
  { startMs: 0, endMs: 4_000, text: "Hello and welcome." },
  { startMs: 55_000, endMs: 60_000, text: "We will be right back." },
  { startMs: 58_000, endMs: 62_000, text: "A sentence the cut falls inside." },
  { startMs: 60_000, endMs: 64_000, text: "And we are back." },
];

describe("chapters and transcripts follow the arrangement", () => {
  it("moves every time after each seam by exactly the ads inserted before it", () => {
    expect(shiftChapters(seams(), CHAPTERS).map((c) => c.startMs)).toEqual([15_000, 74_999, 105_000, 165_000]);
    expect(shiftSegments(seams(), SEGMENTS).map((s) => [s.startMs, s.endMs])).toEqual([
      [15_000, 19_000],
      [70_000, 75_000], // ends where the mid-roll starts
      [73_000, 107_000], // spans the mid-roll it was cut by
      [105_000, 109_000],
    ]);
    // No ads: today's times, unchanged.
    expect(shiftChapters([], CHAPTERS)).toEqual(CHAPTERS);
    expect(shiftSegments([], SEGMENTS)).toEqual(SEGMENTS);
  });

  it("serves shifted chapters, VTT and SRT at the arrangement's address; the plain address keeps today's times", async () => {
    const x = await createTeam(t.db, `Network ${crypto.randomUUID().slice(0, 6)}`);
    const show = await insertShow(t.db, x.workspace.id);
    const { episode, media } = await insertPublishedEpisode(t.db, show);
    await insertTranscript(t.db, {
      workspaceId: x.workspace.id,
      mediaId: media.id,
      episodeId: episode.id,
      segments: SEGMENTS,
      chapters: CHAPTERS,
    });
    const { campaign, flight } = await createCampaign(t.db, x.workspace.id, { showId: show.id });
    const creative = await createCreative(t.db, campaign);
    const arrangementId = "0123456789abcdef01234567";
    await t.db.insert(adArrangements).values({
      id: arrangementId,
      workspaceId: x.workspace.id,
      episodeId: episode.id,
      mediaId: media.id,
      size: 3_000_000,
      durationMs: 185_000,
      ads: seams(flight.id, creative.id),
    });
    // Another workspace's episode cannot borrow this arrangement.
    const other = await createTeam(t.db, `Other ${crypto.randomUUID().slice(0, 6)}`);
    const otherShow = await insertShow(t.db, other.workspace.id);
    const otherEpisode = await insertPublishedEpisode(t.db, otherShow);

    const { env } = testEnv({});
    const app = new Hono<{ Bindings: Env; Variables: { trpc: TrpcContext } }>();
    app.use("*", async (c, next) => {
      c.set("trpc", {
        db: t.db,
        env,
        config: testConfig,
        meta: { ip: null, userAgent: null },
        auth: null,
        clock: () => new Date(),
        responseHeaders: new Headers(),
      });
      await next();
    });
    app.route("/", feedRoutes);
    const get = (path: string) => app.request(path, {}, env);
    const base = `/feeds/${show.id}/episodes/${episode.id}`;

    const plain = (await (await get(`${base}/chapters.json`)).json()) as { chapters: { startTime: number }[] };
    expect(plain.chapters.map((c) => c.startTime)).toEqual([0, 59.999, 60, 120]);
    const arranged = await get(`${base}/arrangements/${arrangementId}/chapters.json`);
    expect(arranged.status).toBe(200);
    expect(arranged.headers.get("cache-control")).toBe("public, max-age=300");
    const shifted = (await arranged.json()) as { chapters: { startTime: number; title: string }[] };
    expect(shifted.chapters.map((c) => [c.title, c.startTime])).toEqual([
      ["Intro", 15],
      ["Just before the break", 74.999],
      ["After the break", 105],
      ["Outro", 165],
    ]);
    const vtt = await (await get(`${base}/arrangements/${arrangementId}/transcript.vtt`)).text();
    expect(vtt).toContain("00:01:45.000 --> 00:01:49.000\nAnd we are back.");
    expect(vtt).toContain("00:00:15.000 --> 00:00:19.000\nHello and welcome.");
    const srt = await (await get(`${base}/arrangements/${arrangementId}/transcript.srt`)).text();
    expect(srt).toContain("00:01:45,000 --> 00:01:49,000\nAnd we are back.");

    expect((await get(`${base}/arrangements/ffffffffffffffffffffffff/chapters.json`)).status).toBe(404);
    expect((await get(`${base}/arrangements/not-an-id/chapters.json`)).status).toBe(404);
    const foreign = `/feeds/${otherShow.id}/episodes/${otherEpisode.episode.id}/arrangements/${arrangementId}`;
    expect((await get(`${foreign}/chapters.json`)).status).toBe(404);
  });
});
