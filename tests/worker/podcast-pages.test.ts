import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { episodes } from "../../db/schema";
import { insertEpisode, insertMedia, insertShow, insertTranscript } from "../support/podcasts";
import { ORIGIN, send, signUpOverHttp } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";
import { edgeCache } from "../../server/lib/edge-cache";

const form = (values: Record<string, string>, cookie: string) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie },
  body: new URLSearchParams(values).toString(),
  redirect: "manual" as const,
});

describe("public episode page", () => {
  it("renders the episode with SEO meta, a player, show notes and the timed transcript", async () => {
    const { owner, show, episode, media } = await publishedShow({ showTitle: "Public Show" });
    const handle = workerDb();
    try {
      await handle.db
        .update(episodes)
        .set({ description: "Notes with <b>tags</b> & a link https://example.com/x." })
        .where(eq(episodes.id, episode.id));
      await insertTranscript(handle.db, {
        workspaceId: owner.workspaceId,
        mediaId: media.id,
        episodeId: episode.id,
        segments: [{ startMs: 62_000, endMs: 64_000, speaker: "Ana", text: "Spoken words here." }],
      });
    } finally {
      await handle.close();
    }
    const response = await send(`/p/${show.id}/${episode.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const pageUrl = `${ORIGIN}/p/${show.id}/${episode.id}`;
    const audioUrl = `${ORIGIN}/media/episodes/${episode.id}/audio.mp3`;
    expect(html).toContain("<title>Live episode · Public Show</title>");
    expect(html).toContain(`<link rel="canonical" href="${pageUrl}"/>`);
    expect(html).toContain(`<meta property="og:title" content="Live episode"/>`);
    expect(html).toMatch(/<meta property="og:description" content="Notes with &lt;b&gt;tags&lt;\/b&gt; &amp; a link/);
    expect(html).toContain(`<meta property="og:audio" content="${audioUrl}"/>`);
    expect(html).toMatch(new RegExp(`<audio[^>]*controls[^>]*src="${audioUrl}"`));
    expect(html).toContain("Notes with &lt;b&gt;tags&lt;/b&gt; &amp; a link ");
    expect(html).toContain('href="https://example.com/x"');
    expect(html).toContain("01:02");
    expect(html).toContain("Spoken words here.");
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("is 404 for a draft, an unknown episode, or an episode of another show", async () => {
    const { owner, show, draft, episode } = await publishedShow();
    expect((await send(`/p/${show.id}/${draft.id}`)).status).toBe(404);
    expect((await send(`/p/${show.id}/${crypto.randomUUID()}`)).status).toBe(404);
    const handle = workerDb();
    const other = await insertShow(handle.db, owner.workspaceId).finally(() => handle.close());
    expect((await send(`/p/${other.id}/${episode.id}`)).status).toBe(404);
  });

  it("lists published episodes on the show page", async () => {
    const { show } = await publishedShow();
    const html = await (await send(`/p/${show.id}`)).text();
    expect(html).toContain("Live episode");
    expect(html).not.toContain("Draft episode");
  });
});

describe("edge cache for public pages", () => {
  it("serves a repeat view of the show and episode pages without a database query", async () => {
    const { show, episode } = await publishedShow({ showTitle: "Cached Show" });
    for (const path of [`/p/${show.id}`, `/p/${show.id}/${episode.id}`]) {
      const miss = await send(path);
      expect(miss.headers.get("x-greenroom-cache")).toBe("MISS");
      expect(Number(miss.headers.get("x-greenroom-db-queries"))).toBeGreaterThan(0);
      const html = await miss.text();
      const hit = await send(path);
      expect(hit.headers.get("x-greenroom-cache")).toBe("HIT");
      expect(hit.headers.get("x-greenroom-db-queries")).toBe("0");
      expect(hit.headers.get("cache-control")).toBe("public, max-age=60");
      expect(hit.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await hit.text()).toBe(html);
      const conditional = await send(path, { headers: { "if-none-match": hit.headers.get("etag")! } });
      expect(conditional.status).toBe(304);
      expect(conditional.headers.get("x-greenroom-db-queries")).toBe("0");
    }
  });

  it("lists an episode published from the workspace page on the next view", async () => {
    const { owner, show, draft } = await publishedShow();
    const path = `/p/${show.id}`;
    expect(await (await send(path)).text()).not.toContain("Draft episode");
    expect((await send(path)).headers.get("x-greenroom-cache")).toBe("HIT");
    const publish = await send(
      `/w/${owner.workspaceId}/episodes/${draft.id}`,
      form({ intent: "publish" }, owner.cookie),
    );
    expect(publish.status).toBeLessThan(400);
    const after = await send(path);
    expect(after.headers.get("x-greenroom-cache")).toBe("MISS");
    expect(await after.text()).toContain("Draft episode");
  });

  it("renders a signed-in view fresh and never stores it", async () => {
    const { owner, show } = await publishedShow();
    const path = `/p/${show.id}`;
    const signedIn = await send(path, { headers: { cookie: owner.cookie } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.has("x-greenroom-cache")).toBe(false);
    expect(await edgeCache()!.match(`${ORIGIN}${path}`)).toBeUndefined();
  });

  it("does not cache pages that are not public documents or carry Remix's own parameters; other queries are ignored", async () => {
    const { owner, show } = await publishedShow();
    // A query string cannot force a render: it is answered from the page's one cached copy.
    expect((await send(`/p/${show.id}?utm_source=x`)).headers.get("x-greenroom-cache")).toBe("MISS");
    expect((await send(`/p/${show.id}?utm_source=y`)).headers.get("x-greenroom-cache")).toBe("HIT");
    expect((await send(`/p/${show.id}?_data=root`)).headers.has("x-greenroom-cache")).toBe(false);
    const workspace = await send(`/w/${owner.workspaceId}/shows`, { headers: { cookie: owner.cookie } });
    expect(workspace.headers.has("x-greenroom-cache")).toBe(false);
  });
});

describe("workspace pages", () => {
  it("shows search results with highlighted, escaped snippets linking to the timestamp", async () => {
    const owner = await signUpOverHttp("Searcher");
    const handle = workerDb();
    const transcript = await (async () => {
      const media = await insertMedia(handle.db, owner.workspaceId);
      return insertTranscript(handle.db, {
        workspaceId: owner.workspaceId,
        mediaId: media.id,
        segments: [{ startMs: 61_500, endMs: 63_000, text: "is 5 < 6? ask the walrus" }],
      });
    })().finally(() => handle.close());
    const html = await (
      await send(`/w/${owner.workspaceId}/search?q=walrus`, { headers: { cookie: owner.cookie } })
    ).text();
    expect(html).toContain("<mark>walrus</mark>");
    expect(html).toContain("is 5 &lt; 6? ask the ");
    expect(html).toContain(`href="/w/${owner.workspaceId}/transcripts/${transcript.id}?t=61500"`);
    const empty = await (
      await send(`/w/${owner.workspaceId}/search?q=narwhal`, { headers: { cookie: owner.cookie } })
    ).text();
    expect(empty).toContain("Nothing found for “narwhal”");
  });

  it("creates a show from a form posted without JavaScript, with inline errors first", async () => {
    const owner = await signUpOverHttp("Show Maker");
    const path = `/w/${owner.workspaceId}/shows?index`;
    const invalid = await send(path, form({ title: "", category: "Technology", language: "klingon!" }, owner.cookie));
    expect(invalid.status).toBe(400);
    const html = await invalid.text();
    expect(html).toContain("Enter a title.");
    expect(html).toContain("Use a language code such as en, de or pt-BR.");
    const created = await send(
      path,
      form({ title: "Made by form", category: "Arts > Books", language: "en" }, owner.cookie),
    );
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^/w/${owner.workspaceId}/shows/[0-9a-f-]{36}$`));
    const page = await (await send(location, { headers: { cookie: owner.cookie } })).text();
    expect(page).toContain("Made by form");
    expect(page).toContain(`/feeds/${location.split("/").at(-1)}.xml`);
  });

  it("refuses to publish or schedule an episode without audio, inline", async () => {
    const owner = await signUpOverHttp("Episode Editor");
    const handle = workerDb();
    const episode = await (async () =>
      insertEpisode(handle.db, await insertShow(handle.db, owner.workspaceId), { title: "No audio" }))().finally(() =>
      handle.close(),
    );
    const path = `/w/${owner.workspaceId}/episodes/${episode.id}`;
    const publish = await send(path, form({ intent: "publish" }, owner.cookie));
    expect(publish.status).toBe(400);
    expect(await publish.text()).toContain("Choose the episode&#x27;s audio before it can be published.");
    const schedule = await send(
      path,
      form({ intent: "schedule", publishAtLocal: "2001-01-01T10:00", timeZone: "Europe/Berlin" }, owner.cookie),
    );
    expect(schedule.status).toBe(400);
    expect(await schedule.text()).toContain("Pick a time in the future.");
  });
});
