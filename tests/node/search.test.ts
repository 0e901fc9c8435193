import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitHeadline } from "../../server/services/search/search";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { insertEpisode, insertMedia, insertShow, insertTranscript } from "../support/podcasts";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function studio() {
  const team = await createTeam(t.db, "Search studio");
  const ws = team.workspace.id;
  return {
    ws,
    search: (q: string, more: { limit?: number; cursor?: string | null } = {}) =>
      callerFor(t.db, team.viewer).api.search.query({ workspaceId: ws, q, ...more }),
  };
}

const highlighted = (snippet: { text: string; highlight: boolean }[]) =>
  snippet.filter((p) => p.highlight).map((p) => p.text.toLowerCase());
const plain = (snippet: { text: string }[]) => snippet.map((p) => p.text).join("");

describe("workspace search", () => {
  it("finds transcript segments with their position, file, episode and show, highlighted", async () => {
    const { ws, search } = await studio();
    const show = await insertShow(t.db, ws, { title: "Coffee Talk" });
    const media = await insertMedia(t.db, ws, { filename: "ep-12.mp3" });
    const episode = await insertEpisode(t.db, show, { title: "Twelve", audioMediaId: media.id });
    const transcript = await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: media.id,
      episodeId: episode.id,
      segments: [
        { startMs: 1_000, endMs: 4_000, text: "Welcome back everyone." },
        {
          startMs: 62_345,
          endMs: 65_000,
          speaker: "Ana",
          text: "Espresso is brewed under pressure; espresso needs fine grounds.",
        },
      ],
    });
    const loose = await insertMedia(t.db, ws, { filename: "raw interview.wav" });
    await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: loose.id,
      segments: [{ startMs: 5_000, endMs: 6_000, text: "I never drink espresso." }],
    });

    const { items } = await search("espresso");
    expect(items).toHaveLength(2);
    const [best, second] = items;
    expect(best.rank).toBeGreaterThan(second.rank);
    expect(best).toMatchObject({
      kind: "segment",
      transcriptId: transcript.id,
      mediaId: media.id,
      mediaFilename: "ep-12.mp3",
      startMs: 62_345,
      endMs: 65_000,
      speaker: "Ana",
      episodeId: episode.id,
      episodeTitle: "Twelve",
      showId: show.id,
      showTitle: "Coffee Talk",
    });
    expect(highlighted(best.snippet)).toEqual(["espresso", "espresso"]);
    expect(plain(best.snippet)).toContain("is brewed under pressure");
    expect(second).toMatchObject({ mediaFilename: "raw interview.wav", episodeId: null, showTitle: null });
  });

  it("finds episodes by title and show notes and ranks them with segments", async () => {
    const { ws, search } = await studio();
    const show = await insertShow(t.db, ws, { title: "Garden Hour" });
    const episode = await insertEpisode(t.db, show, {
      title: "Tomatoes all summer",
      description: "How we grow tomatoes in pots.",
    });
    const { items } = await search("tomatoes");
    expect(items).toEqual([
      expect.objectContaining({
        kind: "episode",
        id: episode.id,
        episodeId: episode.id,
        episodeTitle: "Tomatoes all summer",
        showTitle: "Garden Hour",
        transcriptId: null,
        startMs: null,
      }),
    ]);
    expect(highlighted(items[0].snippet)).toContain("tomatoes");
  });

  it("understands web search syntax: phrases and exclusions", async () => {
    const { ws, search } = await studio();
    const media = await insertMedia(t.db, ws);
    await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: media.id,
      segments: [
        { startMs: 0, endMs: 1, text: "the red panda sleeps" },
        { startMs: 1, endMs: 2, text: "a panda that is red" },
        { startMs: 2, endMs: 3, text: "giant panda facts" },
      ],
    });
    expect((await search('"red panda"')).items.map((i) => i.startMs)).toEqual([0]);
    expect((await search("panda -red")).items.map((i) => i.startMs)).toEqual([2]);
    expect((await search("panda")).items).toHaveLength(3);
    expect((await search("&&&")).items).toEqual([]);
  });

  it("returns the user's text as plain text parts, never markup, and ignores highlight markers in stored text", async () => {
    const { ws, search } = await studio();
    const media = await insertMedia(t.db, ws);
    await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: media.id,
      segments: [
        { startMs: 0, endMs: 1, text: '5 < 6 & 7 > 2 "quoted" payload' },
        { startMs: 1, endMs: 2, text: "<script>alert(1)</script> \uE000boom\uE001 second" },
      ],
    });
    const [hit] = (await search("payload")).items;
    expect(plain(hit.snippet)).toBe('5 < 6 & 7 > 2 "quoted" payload');
    expect(highlighted(hit.snippet)).toEqual(["payload"]);
    // ts_headline drops HTML-looking tags from snippets; the markers cannot be smuggled in.
    const [other] = (await search("second")).items;
    expect(plain(other.snippet)).toBe(" alert(1)  boom second");
    expect(highlighted(other.snippet)).toEqual(["second"]);
    expect(splitHeadline("a\uE000b\uE001c\uE000d\uE001")).toEqual([
      { text: "a", highlight: false },
      { text: "b", highlight: true },
      { text: "c", highlight: false },
      { text: "d", highlight: true },
    ]);
  });

  it("pages through ranked hits in one query per page", async () => {
    const { ws, search } = await studio();
    const media = await insertMedia(t.db, ws);
    await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: media.id,
      segments: Array.from({ length: 7 }, (_, i) => ({
        startMs: i * 1000,
        endMs: i * 1000 + 500,
        text: `hello number ${i}`,
      })),
    });
    const seen: number[] = [];
    let cursor: string | null = null;
    const queriesPerPage: number[] = [];
    do {
      t.resetQueryCount();
      const page: Awaited<ReturnType<typeof search>> = await search("hello", { limit: 3, cursor });
      queriesPerPage.push(t.queryCount());
      seen.push(...page.items.map((i) => i.startMs!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]);
    // Membership check + the search statement, whatever the number of hits.
    expect(new Set(queriesPerPage)).toEqual(new Set([2]));
    await expect(search("hello", { cursor: "99999" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("groups hits per episode, and per transcript without one, with each group's count, best group first", async () => {
    const { ws, search } = await studio();
    const show = await insertShow(t.db, ws, { title: "Bread Club" });
    const media = await insertMedia(t.db, ws, { filename: "sourdough.mp3" });
    const episode = await insertEpisode(t.db, show, {
      title: "Sourdough starter",
      description: "Feeding a sourdough starter.",
      audioMediaId: media.id,
    });
    await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: media.id,
      episodeId: episode.id,
      segments: [
        { startMs: 0, endMs: 1000, text: "Sourdough needs time." },
        { startMs: 1000, endMs: 2000, text: "Nothing about bread here." },
        { startMs: 2000, endMs: 3000, text: "A sourdough loaf, a sourdough crust, sourdough everything." },
      ],
    });
    const loose = await insertMedia(t.db, ws, { filename: "voice memo.wav" });
    const memo = await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: loose.id,
      segments: [{ startMs: 500, endMs: 900, text: "Remember to buy sourdough." }],
    });

    const { items } = await search("sourdough");
    const keys = items.map((hit) => hit.groupKey);
    expect(keys).toEqual([`e:${episode.id}`, `e:${episode.id}`, `e:${episode.id}`, `t:${memo.id}`]);
    // The episode's own hit leads its group, then its transcript's lines by rank.
    expect(items.slice(0, 3).map((hit) => [hit.kind, hit.startMs])).toEqual([
      ["episode", null],
      ["segment", 2000],
      ["segment", 0],
    ]);
    expect(items.map((hit) => hit.groupHits)).toEqual([3, 3, 3, 1]);

    // A group split across pages still carries its whole count.
    const first = await search("sourdough", { limit: 2 });
    expect(first.items.map((hit) => [hit.groupKey, hit.groupHits])).toEqual([
      [`e:${episode.id}`, 3],
      [`e:${episode.id}`, 3],
    ]);
  });
});
