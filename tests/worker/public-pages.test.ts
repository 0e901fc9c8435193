import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { episodes } from "../../db/schema";
import { ORIGIN, send } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";

const form = (values: Record<string, string>, cookie: string) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie },
  body: new URLSearchParams(values).toString(),
  redirect: "manual" as const,
});

const showSettings = (show: { title: string }, listen: Record<string, string>) => ({
  intent: "update-show",
  title: show.title,
  description: "Weekly talk about microphones.",
  category: "Technology",
  language: "en",
  author: "Ana Host",
  ...listen,
});

describe("public pages worth sharing", () => {
  it("lists the creator's Listen on links on both pages, saved from the show settings and visible at once", async () => {
    const { owner, show, episode } = await publishedShow({ showTitle: "Shared Show" });
    const showPath = `/p/${show.id}`;
    const episodePath = `/p/${show.id}/${episode.id}`;
    await send(showPath);
    expect((await send(showPath)).headers.get("x-greenroom-cache")).toBe("HIT");

    const saved = await send(
      `/w/${owner.workspaceId}/shows/${show.id}`,
      form(
        showSettings(show, {
          "listen-apple": "https://podcasts.apple.com/us/podcast/shared-show/id123",
          "listen-spotify": "https://open.spotify.com/show/abc123",
          "listen-overcast": "",
          "listen-pocketcasts": "https://pca.st/shared",
          "listen-other-1-label": "YouTube",
          "listen-other-1-url": "https://www.youtube.com/@shared",
        }),
        owner.cookie,
      ),
    );
    expect(saved.status).toBe(200);

    // The write purged this colo's copy: the next view is rendered again, with the links.
    const after = await send(showPath);
    expect(after.headers.get("x-greenroom-cache")).toBe("MISS");
    const html = await after.text();
    const listen = /<nav aria-label="Listen on"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";
    expect(listen).toContain('href="https://podcasts.apple.com/us/podcast/shared-show/id123"');
    expect(listen).toContain(">Apple Podcasts<");
    expect(listen).toContain('href="https://open.spotify.com/show/abc123"');
    expect(listen).toContain(">Pocket Casts<");
    expect(listen).toContain('href="https://www.youtube.com/@shared"');
    expect(listen).toContain(">YouTube<");
    expect(listen).not.toContain("Overcast");
    expect(listen).toContain(`href="${ORIGIN}/feeds/${show.id}.xml"`);
    expect(await (await send(episodePath)).text()).toContain('href="https://open.spotify.com/show/abc123"');
  });

  it("refuses a link that is not on the app's own site, keeping what was typed", async () => {
    const { owner, show } = await publishedShow();
    const response = await send(
      `/w/${owner.workspaceId}/shows/${show.id}`,
      form(showSettings(show, { "listen-spotify": "https://example.com/not-spotify" }), owner.cookie),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('href="#listenLinks"');
    expect(html).toContain("Use your show&#x27;s Spotify address, like https://open.spotify.com/show/…");
    expect(html).toContain('value="https://example.com/not-spotify"');
    const other = await send(
      `/w/${owner.workspaceId}/shows/${show.id}`,
      form(showSettings(show, { "listen-other-1-url": "javascript:alert(1)" }), owner.cookie),
    );
    expect(other.status).toBe(400);
    expect(await other.text()).toContain("Enter a web address for the link, starting with https://.");
  });

  it("shows large artwork, descriptions, durations and play buttons, with Open Graph and Twitter card tags", async () => {
    const { show, episode } = await publishedShow({ showTitle: "Card Show" });
    const handle = workerDb();
    try {
      await handle.db
        .update(episodes)
        .set({ description: "What we talked about, in a few words.", durationSeconds: 3725 })
        .where(eq(episodes.id, episode.id));
    } finally {
      await handle.close();
    }
    const html = await (await send(`/p/${show.id}`)).text();
    expect(html).toContain(`<meta property="og:title" content="Card Show"/>`);
    expect(html).toContain(`<meta property="og:url" content="${ORIGIN}/p/${show.id}"/>`);
    expect(html).toContain(`<meta name="twitter:card" content="summary"/>`);
    expect(html).toContain(`<meta name="twitter:title" content="Card Show"/>`);
    expect(html).toContain(`<meta name="twitter:description"`);
    expect(html).toContain("What we talked about, in a few words.");
    expect(html).toContain("1:02:05");
    expect(html).toMatch(
      new RegExp(`<a href="${ORIGIN}/p/${show.id}/${episode.id}"[^>]*aria-label="Play Live episode"`),
    );
    const episodeHtml = await (await send(`/p/${show.id}/${episode.id}`)).text();
    expect(episodeHtml).toContain(`<meta name="twitter:title" content="Live episode"/>`);
    expect(episodeHtml).toContain(`<meta property="og:site_name" content="Card Show"/>`);
  });
});

describe("errors for people", () => {
  it("answers a mistyped or cut-short public link with a listener's 404, pointing at the show when it is known", async () => {
    const { show, episode, draft } = await publishedShow({ showTitle: "Lost Show" });
    for (const path of [`/p/${show.id}/${episode.id.slice(0, 30)}`, `/p/${show.id}/${draft.id}`, `/p/${show.id}/x`]) {
      const response = await send(path);
      expect(response.status, path).toBe(404);
      const html = await response.text();
      expect(html, path).toContain("This episode is not available");
      expect(html, path).toContain(`href="${ORIGIN}/p/${show.id}"`);
      expect(html, path).toContain("See all episodes of <!-- -->Lost Show");
      expect(html, path).not.toContain("Some fields need attention");
      expect(html, path).not.toContain("dashboard");
    }
    for (const path of [`/p/${show.id.slice(0, 12)}`, `/p/${crypto.randomUUID()}`, `/p/x/${episode.id}`]) {
      const response = await send(path);
      expect(response.status, path).toBe(404);
      const html = await response.text();
      expect(html, path).toContain("This podcast page does not exist");
      expect(html, path).not.toContain("Some fields need attention");
      expect(html, path).not.toContain("See all episodes");
    }
  });

  it("answers a malformed id in a signed-in address with a friendly 404, never the validation's messages", async () => {
    const { owner, show, episode } = await publishedShow();
    const headers = { cookie: owner.cookie };
    const w = `/w/${owner.workspaceId}`;
    for (const path of [
      `${w}/episodes/${episode.id.slice(0, 20)}`,
      `${w}/shows/not-a-show`,
      `${w}/transcripts/123`,
      `${w}/shows/${show.id}?cursor=%%%`,
      `/w/${owner.workspaceId.slice(0, 8)}`,
    ]) {
      const response = await send(path, { headers });
      expect(response.status, path).toBe(404);
      const html = await response.text();
      expect(html, path).toContain("Page not found");
      expect(html, path).not.toContain("Some fields need attention");
      expect(html, path).not.toContain("Unknown ");
    }
  });

  it("shows no router internals on the 404 for an address with no page", async () => {
    const { owner } = await publishedShow();
    for (const headers of [{}, { cookie: owner.cookie }] as Record<string, string>[]) {
      const response = await send("/nothing/here/at-all", { headers });
      expect(response.status).toBe(404);
      // What the page shows, without the scripts that carry the router's state for hydration.
      const shown = (await response.text()).replace(/<script[\s\S]*?<\/script>/g, "");
      expect(shown).toContain("Page not found");
      expect(shown).not.toMatch(/No route matches|nothing\/here|Error: /i);
    }
  });
});
