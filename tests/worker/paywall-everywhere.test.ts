import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { posts } from "../../db/schema";
import { privateFeedKey, privateFeedToken } from "../../server/services/private-feeds/tokens";
import { insertEpisode } from "../support/podcasts";
import { grantTier, insertSupporter, insertTier } from "../support/private-feeds";
import { mutate, query, send, signUpOverHttp } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";

/**
 * Paywall everywhere (issue 12 item 8), over HTTP through the built Worker: one post and one episode open to a
 * chosen paid tier, each carrying a secret word in its body or notes, and every surface that can carry content
 * read as anonymous, a free member, a member of the wrong paid tier and a member of the right one. The secret
 * appears only for the right tier, and only where that surface shows content at all (the public episode page
 * never shows a gated episode's notes: members listen in their private feed, ADR 028).
 */

const POST_SECRET = "zebracode";
const EPISODE_SECRET = "okapinotes";
const COMMENT_SECRET = "quokkaremark";

type Reader = "anonymous" | "free" | "wrongTier" | "rightTier";
const READERS: Reader[] = ["anonymous", "free", "wrongTier", "rightTier"];

let fx: Awaited<ReturnType<typeof world>>;

async function world() {
  const { owner, show, media } = await publishedShow({ showTitle: "Paywall show" });
  const handle = workerDb();
  try {
    const free = await insertTier(handle.db, owner.workspaceId, { name: "Free", paid: false });
    const wrong = await insertTier(handle.db, owner.workspaceId, { name: "Bronze", paid: true });
    const right = await insertTier(handle.db, owner.workspaceId, { name: "Gold", paid: true });
    const key = await privateFeedKey(env.UPLOAD_SIGNING_SECRET);
    const people: Partial<Record<Reader, { cookie: string; feed: string }>> = {};
    for (const [reader, tier] of [
      ["free", free],
      ["wrongTier", wrong],
      ["rightTier", right],
    ] as const) {
      const person = await signUpOverHttp(`Reader ${reader}`);
      const supporter = await insertSupporter(handle.db, owner.workspaceId, person.userId);
      await grantTier(handle.db, supporter, tier, { startsAt: new Date(Date.now() - 60_000) });
      const token = await privateFeedToken({ key, supporterId: supporter.id, showId: show.id, generation: 0 });
      people[reader] = { cookie: person.cookie, feed: `/feeds/private/${token}` };
    }
    const episode = await insertEpisode(handle.db, show, {
      title: "Gold episode",
      description: `Show notes with ${EPISODE_SECRET}`,
      status: "published",
      publishedAt: new Date(Date.now() - 60_000),
      audioMediaId: media.id,
      visibility: "tiers",
      visibilityTierIds: [right.id],
    });
    // Written as the posts service stores it (already sanitised HTML): the worker test pool cannot load js-xss
    // (CommonJS), and this test is about the reading surfaces. tests/node/posts.test.ts covers writing.
    const [post] = await handle.db
      .insert(posts)
      .values({
        workspaceId: owner.workspaceId,
        authorUserId: owner.userId,
        title: "Gold post",
        slug: "gold-post",
        excerpt: "An open teaser",
        bodyHtml: `<p>The paid text: ${POST_SECRET}.</p>`,
        status: "published",
        publishedAt: new Date(Date.now() - 60_000),
        visibility: "tiers",
        visibilityTierIds: [right.id],
      })
      .returning();
    const postId = post.id;
    const commented = await mutate(
      "comments.create",
      { workspaceId: owner.workspaceId, targetKind: "post", targetId: postId, body: `A member says ${COMMENT_SECRET}` },
      { cookie: people.rightTier!.cookie },
    );
    expect(commented.status).toBe(200);
    return { owner, show, episode, postId, people, ws: owner.workspaceId };
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  fx = await world();
});

const headersOf = (reader: Reader): Record<string, string> =>
  reader === "anonymous" ? {} : { cookie: fx.people[reader]!.cookie };
const get = (path: string, reader: Reader) => send(path, { headers: headersOf(reader) });
const bodyOf = async (response: Response) => ({ status: response.status, text: await response.text() });

describe("paywall everywhere: a tier-gated post and episode, read as each reader", () => {
  for (const reader of READERS) {
    const allowed = reader === "rightTier";

    it(`${reader}: the post page, its data request and its Open Graph tags`, async () => {
      const path = `/c/${fx.ws}/posts/${fx.postId}`;
      const html = await bodyOf(await get(path, reader));
      expect(html.status).toBe(200);
      expect(html.text).toContain("Gold post");
      expect(html.text.includes(POST_SECRET), "page HTML").toBe(allowed);
      // Open Graph and the description come from the title and teaser only, for every reader.
      const og = [...html.text.matchAll(/<meta[^>]+(?:property|name)="(?:og:[a-z]+|description)"[^>]*>/g)].join("");
      expect(og).toContain("An open teaser");
      expect(og).not.toContain(POST_SECRET);
      // Remix's single-fetch data request for the same page.
      const data = await bodyOf(await get(`${path}.data`, reader));
      expect(data.status).toBe(200);
      expect(data.text.includes(POST_SECRET), "page data").toBe(allowed);
      // The comment under it is as closed as the post.
      expect(html.text.includes(COMMENT_SECRET), "comment on the page").toBe(allowed);
    });

    it(`${reader}: tRPC post, comments and search`, async () => {
      const post = await bodyOf(
        await query("posts.getPublic", { workspaceId: fx.ws, postId: fx.postId }, headersOf(reader)),
      );
      expect(post.status).toBe(200);
      expect(post.text.includes(POST_SECRET), "posts.getPublic").toBe(allowed);
      const thread = await bodyOf(
        await query("comments.listThread", { targetKind: "post", targetId: fx.postId }, headersOf(reader)),
      );
      expect(thread.status).toBe(allowed ? 200 : 404);
      expect(thread.text.includes(COMMENT_SECRET), "comments.listThread").toBe(allowed);
      const list = await bodyOf(await query("posts.listPublic", { workspaceId: fx.ws }, headersOf(reader)));
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(POST_SECRET);
      // A body match alone finds the post only for a reader who may read the body.
      const search = await query("posts.searchPublic", { workspaceId: fx.ws, q: POST_SECRET }, headersOf(reader));
      expect(search.status).toBe(200);
      const found = ((await search.json()) as { result: { data: { json: { items: unknown[] } } } }).result.data.json;
      expect(found.items.length > 0, "posts.searchPublic").toBe(allowed);
      const byTeaser = await bodyOf(
        await query("posts.searchPublic", { workspaceId: fx.ws, q: "teaser" }, headersOf(reader)),
      );
      expect(byTeaser.status).toBe(200);
      // A teaser match quotes its snippet from the title and teaser for a reader without access.
      if (!allowed) expect(byTeaser.text).not.toContain(POST_SECRET);
    });

    it(`${reader}: the episode page, its data, the public feed and the episode's public files`, async () => {
      const path = `/p/${fx.show.id}/${fx.episode.id}`;
      const html = await bodyOf(await get(path, reader));
      expect(html.status).toBe(200);
      expect(html.text).toContain("Gold episode");
      // Nobody reads a gated episode's notes on the public page, the right tier included (they use the feed).
      expect(html.text).not.toContain(EPISODE_SECRET);
      const data = await bodyOf(await get(`${path}.data`, reader));
      expect(data.text).not.toContain(EPISODE_SECRET);
      const show = await bodyOf(await get(`/p/${fx.show.id}`, reader));
      expect(show.text).not.toContain(EPISODE_SECRET);
      const feed = await bodyOf(await get(`/feeds/${fx.show.id}.xml`, reader));
      expect(feed.status).toBe(200);
      expect(feed.text).not.toContain(EPISODE_SECRET);
      expect(feed.text).not.toContain(fx.episode.id);
      for (const file of ["transcript.vtt", "transcript.srt", "chapters.json"]) {
        const response = await get(`/feeds/${fx.show.id}/episodes/${fx.episode.id}/${file}`, reader);
        expect(response.status, file).toBe(404);
        await response.body?.cancel();
      }
    });

    it(`${reader}: the private feed`, async () => {
      if (reader === "anonymous") {
        // No supporter, no address: a made-up token is unknown.
        const response = await get(`/feeds/private/${"A".repeat(43)}`, reader);
        expect(response.status).toBe(404);
        await response.body?.cancel();
        return;
      }
      const feed = await bodyOf(await get(fx.people[reader]!.feed, reader));
      expect(feed.status).toBe(200);
      expect(feed.text.includes(EPISODE_SECRET), "private feed").toBe(allowed);
    });
  }
});
