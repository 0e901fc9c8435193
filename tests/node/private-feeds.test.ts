import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { parseFeed } from "podcast-partytime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adSlotBookings, adSlots, notifications, type Visibility } from "../../db/schema";
import type { Env } from "../../server/env";
import { feedRoutes } from "../../server/http/feeds";
import { isShareable } from "../../server/http/edge-cache";
import { mediaRoutes } from "../../server/http/media";
import { privateFeedRoutes } from "../../server/http/private-feeds";
import { buildFeedXml } from "../../server/services/podcasts/feed";
import { getPublicShow } from "../../server/services/podcasts/public";
import { podcastGuidFor } from "../../server/services/podcasts/podcast-guid";
import { SHARED_LISTENER_THRESHOLD } from "../../server/services/private-feeds/sharing";
import { opensGatedEpisode } from "../../server/services/private-feeds/access";
import { parsePrivateFeedToken, privateFeedKey, privateFeedToken } from "../../server/services/private-feeds/tokens";
import type { TrpcContext } from "../../server/trpc/context";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createTeam, createUser, type TestUser } from "../support/factories";
import { fixture } from "../support/fixtures";
import { insertEpisode, insertMedia, insertPublishedEpisode, insertShow, insertTranscript } from "../support/podcasts";
import { blockSupporter, endGrant, grantTier, insertSupporter, insertTier } from "../support/private-feeds";
import { createLocalR2 } from "../support/r2";
import { callerFor, testConfig, testEnv } from "../support/trpc";

/**
 * Episode visibility and private member feeds (ADR 028): every surface that carries an episode, walked as
 * anonymous, signed in but not a member, free member, wrong tier and right tier (and the team), allow and deny;
 * the private feed's token lifecycle with a frozen clock; sharing detection; Podcast Index's parser.
 */

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  t = await createTestDatabase();
  r2 = await createLocalR2();
});
afterAll(async () => {
  await r2.dispose();
  await t.close();
});

const APP = testConfig.appUrl;
const T0 = new Date("2026-12-06T10:00:00.000Z");
const seconds = (n: number) => new Date(T0.getTime() + n * 1000);

/** The HTTP routes under test, with the request context the app's middleware would build, at a chosen time. */
function http(now: () => Date) {
  const { env } = testEnv({ MEDIA: r2.bucket });
  const app = new Hono<{ Bindings: Env; Variables: { trpc: TrpcContext } }>();
  app.use("*", async (c, next) => {
    c.set("trpc", {
      db: t.db,
      env,
      config: testConfig,
      meta: { ip: null, userAgent: null },
      auth: null,
      clock: now,
      responseHeaders: new Headers(),
    });
    await next();
  });
  app.route("/", privateFeedRoutes);
  app.route("/", feedRoutes);
  app.route("/", mediaRoutes);
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException: () => undefined };
  return {
    get: (url: string, headers: Record<string, string> = {}) =>
      app.request(url.replace(APP, ""), { headers }, env, ctx as unknown as ExecutionContext),
    settled: () => Promise.all(pending.splice(0)),
  };
}

const SECRET_NOTES = "Secret notes only members may read";

/**
 * A show with one published episode per visibility (each with audio in R2, a transcript and chapters), a free tier,
 * two paid tiers (A and B; the `tiers` episode is for B), and one person per kind of viewer.
 */
async function world() {
  const team = await createTeam(t.db, "Members studio");
  const ws = team.workspace.id;
  const show = await insertShow(t.db, ws, { title: "Members Show" });
  const free = await insertTier(t.db, ws, { name: "Free", paid: false });
  const tierA = await insertTier(t.db, ws, { name: "Silver", paid: true });
  const tierB = await insertTier(t.db, ws, { name: "Gold", paid: true });
  const episodes = {} as Record<Visibility, { id: string; title: string }>;
  const visibilities: [Visibility, string[]][] = [
    ["public", []],
    ["members", []],
    ["paid", []],
    ["tiers", [tierB.id]],
  ];
  for (const [index, [visibility, tierIds]] of visibilities.entries()) {
    const { episode, media } = await insertPublishedEpisode(t.db, show, {
      title: `Episode ${visibility}`,
      description: visibility === "public" ? "Public notes" : `${SECRET_NOTES} (${visibility})`,
      teaser: `Teaser ${visibility}`,
      visibility,
      visibilityTierIds: tierIds,
      publishedAt: new Date(T0.getTime() - (index + 1) * 60_000),
    });
    await r2.bucket.put(media.r2Key, new Uint8Array(1000));
    await insertTranscript(t.db, {
      workspaceId: ws,
      mediaId: media.id,
      episodeId: episode.id,
      segments: [{ startMs: 0, endMs: 1000, text: `Words of ${visibility}` }],
      chapters: [{ startMs: 0, title: `Chapter of ${visibility}` }],
    });
    episodes[visibility] = episode;
  }
  const supporterWith = async (name: string, tier: { id: string; kind: string } | null) => {
    const user = await createUser(t.db, { name });
    const supporter = await insertSupporter(t.db, ws, user.id);
    const grant = tier ? await grantTier(t.db, supporter, tier, { startsAt: seconds(-3600) }) : null;
    return { user, supporter, grant };
  };
  const viewers = {
    nonMember: await createUser(t.db, { name: "Nora Nonmember" }),
    freeMember: await supporterWith("Fred Free", free),
    wrongTier: await supporterWith("Wanda Wrongtier", tierA),
    rightTier: await supporterWith("Rita Righttier", tierB),
  };
  return { team, ws, show, tiers: { free, tierA, tierB }, episodes, viewers };
}

type World = Awaited<ReturnType<typeof world>>;

async function feedUrlOf(w: Pick<World, "ws">, user: TestUser, now = T0) {
  const mine = await callerFor(t.db, user, { clock: () => now }).api.privateFeeds.listMine({ workspaceId: w.ws });
  return mine;
}

const titles = (xml: string) =>
  parseFeed(xml)!
    .items.map((item) => item.title)
    .sort();

describe("the public surfaces carry public episodes only", () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  it("the public feed lists only the public episode, whoever renders it", async () => {
    const xml = await buildFeedXml({ feed: await getPublicShow({ db: t.db, showId: w.show.id }), appUrl: APP });
    expect(titles(xml)).toEqual(["Episode public"]);
    expect(xml).not.toContain(SECRET_NOTES);
    const response = await http(() => T0).get(`/feeds/${w.show.id}.xml`);
    expect(response.status).toBe(200);
    expect(titles(await response.text())).toEqual(["Episode public"]);
  });

  it("public enclosure, transcript and chapters routes serve the public episode and 404 every gated one", async () => {
    const { get } = http(() => T0);
    for (const [visibility, episode] of Object.entries(w.episodes)) {
      const expected = visibility === "public" ? 200 : 404;
      expect((await get(`/media/episodes/${episode.id}/audio.mp3`)).status, `${visibility} audio`).toBe(expected);
      for (const file of ["transcript.vtt", "transcript.srt", "chapters.json"]) {
        const response = await get(`/feeds/${w.show.id}/episodes/${episode.id}/${file}`);
        expect(response.status, `${visibility} ${file}`).toBe(expected);
        if (expected === 404) expect(await response.text()).not.toContain(`Words of ${visibility}`);
      }
    }
  });

  it("the public show page lists gated episodes by title and teaser only, without audio", async () => {
    const page = await callerFor(t.db, null).api.podcasts.getPublicShow({ showId: w.show.id });
    const byTitle = new Map(page.episodes.map((e) => [e.title, e]));
    expect(byTitle.get("Episode public")).toMatchObject({ locked: false, description: "Public notes" });
    expect(byTitle.get("Episode public")?.audio?.url).toContain("/media/episodes/");
    for (const visibility of ["members", "paid", "tiers"]) {
      expect(byTitle.get(`Episode ${visibility}`)).toMatchObject({
        locked: true,
        description: `Teaser ${visibility}`,
        audio: null,
      });
    }
    expect(JSON.stringify(page)).not.toContain(SECRET_NOTES);
  });

  /** The episode page's loader data (also what `?_data` and the Open Graph tags are built from), per viewer. */
  const expectations: [string, (w: World) => TestUser | null, Record<Exclude<Visibility, "public">, string>][] = [
    ["anonymous", () => null, { members: "sign_in", paid: "sign_in", tiers: "sign_in" }],
    ["a signed-in non-member", (w) => w.viewers.nonMember, { members: "join", paid: "join", tiers: "join" }],
    ["a free member", (w) => w.viewers.freeMember.user, { members: "granted", paid: "upgrade", tiers: "upgrade" }],
    ["the wrong tier", (w) => w.viewers.wrongTier.user, { members: "granted", paid: "granted", tiers: "upgrade" }],
    ["the right tier", (w) => w.viewers.rightTier.user, { members: "granted", paid: "granted", tiers: "granted" }],
    ["the team", (w) => w.team.viewer, { members: "team", paid: "team", tiers: "team" }],
  ];
  it.each(expectations)(
    "a gated episode's page, as %s: title, teaser and the gate's call to action",
    async (_, who, reasons) => {
      const api = callerFor(t.db, who(w), { clock: () => T0 }).api.podcasts;
      const open = await api.getPublicEpisode({ showId: w.show.id, episodeId: w.episodes.public.id });
      expect(open).toMatchObject({ paywall: null, episode: { locked: false, description: "Public notes" } });
      expect(open.episode.audio?.url).toContain(`/media/episodes/${w.episodes.public.id}/audio`);
      expect(open.transcript?.segments.map((s) => s.text)).toEqual(["Words of public"]);
      for (const [visibility, reason] of Object.entries(reasons)) {
        const page = await api.getPublicEpisode({
          showId: w.show.id,
          episodeId: w.episodes[visibility as Visibility].id,
        });
        expect(page.paywall?.reason, visibility).toBe(reason);
        expect(page.episode).toMatchObject({ locked: true, description: `Teaser ${visibility}`, audio: null });
        expect(page.transcript).toBeNull();
        const serialised = JSON.stringify(page);
        expect(serialised).not.toContain(SECRET_NOTES);
        expect(serialised).not.toContain(`Words of ${visibility}`);
        expect(serialised).not.toContain(`Chapter of ${visibility}`);
      }
    },
  );
});

describe("private feeds", () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  it("exist only for members whose grants open a gated episode, one per show, with add-to-app links", async () => {
    expect(await feedUrlOf(w, w.viewers.nonMember)).toEqual({ membership: "none", feeds: [] });
    for (const who of [w.viewers.freeMember, w.viewers.wrongTier, w.viewers.rightTier]) {
      const mine = await feedUrlOf(w, who.user);
      expect(mine.membership).toBe("active");
      expect(mine.feeds).toHaveLength(1);
      const [feed] = mine.feeds;
      expect(feed.feedUrl).toMatch(new RegExp(`^${APP}/feeds/private/[A-Za-z0-9_-]{64}$`));
      const bare = feed.feedUrl.replace("http://", "");
      expect(feed.apps).toEqual({
        applePodcasts: `podcast://${bare}`,
        overcast: `overcast://x-callback-url/add?url=${encodeURIComponent(feed.feedUrl)}`,
        pocketCasts: `pktc://subscribe/${bare}`,
      });
    }
    expect((await feedUrlOf(w, w.viewers.freeMember.user)).feeds[0].membersEpisodes).toBe(1);
    expect((await feedUrlOf(w, w.viewers.rightTier.user)).feeds[0].membersEpisodes).toBe(3);
  });

  it.each([
    ["free member", "freeMember", ["Episode members", "Episode public"]],
    ["wrong tier", "wrongTier", ["Episode members", "Episode paid", "Episode public"]],
    ["right tier", "rightTier", ["Episode members", "Episode paid", "Episode public", "Episode tiers"]],
  ] as const)("as the %s lists what the gate opens, and its files follow the same gate", async (_, key, expected) => {
    const viewer = w.viewers[key];
    const [{ feedUrl }] = (await feedUrlOf(w, viewer.user)).feeds;
    const { get } = http(() => T0);
    const response = await get(feedUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(isShareable(response.clone())).toBe(false);
    const xml = await response.text();
    expect(titles(xml)).toEqual([...expected]);
    const token = feedUrl.split("/").pop()!;
    for (const [visibility, episode] of Object.entries(w.episodes)) {
      const opened = expected.includes(`Episode ${visibility}` as never);
      const base = `${APP}/feeds/private/${token}/episodes/${episode.id}`;
      const audio = await get(`${base}/audio.mp3`);
      expect(audio.status, `${visibility} audio`).toBe(opened ? 200 : 404);
      if (opened) expect(audio.headers.get("cache-control")).toBe("private, no-store");
      const vtt = await get(`${base}/transcript.vtt`);
      expect(vtt.status, `${visibility} vtt`).toBe(opened ? 200 : 404);
      if (opened) expect(await vtt.text()).toContain(`Words of ${visibility}`);
      expect((await get(`${base}/transcript.srt`)).status, `${visibility} srt`).toBe(opened ? 200 : 404);
      const chapters = await get(`${base}/chapters.json`);
      expect(chapters.status, `${visibility} chapters`).toBe(opened ? 200 : 404);
      if (opened) expect(await chapters.text()).toContain(`Chapter of ${visibility}`);
    }
  });

  it("parses in Podcast Index's parser: locked, blocked, its own guid, gated files through the token", async () => {
    const [{ feedUrl }] = (await feedUrlOf(w, w.viewers.rightTier.user)).feeds;
    const xml = await (await http(() => T0).get(feedUrl)).text();
    const feed = parseFeed(xml);
    expect(feed).not.toBeNull();
    expect(feed!.locked).toBe(true);
    expect(xml).toContain("<itunes:block>Yes</itunes:block>");
    const publicGuid = await podcastGuidFor(`${APP}/feeds/${w.show.id}.xml`);
    expect(feed!.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(feed!.guid).not.toBe(w.show.podcastGuid ?? publicGuid);
    expect(feed!.guid).not.toBe(publicGuid);
    const gated = feed!.items.find((item) => item.title === "Episode tiers")!;
    expect(gated.enclosure.url).toBe(`${feedUrl}/episodes/${w.episodes.tiers.id}/audio.mp3`);
    expect(gated.podcastTranscripts?.map((tr) => tr.url)).toEqual([
      `${feedUrl}/episodes/${w.episodes.tiers.id}/transcript.vtt`,
      `${feedUrl}/episodes/${w.episodes.tiers.id}/transcript.srt`,
    ]);
    expect(gated.podcastChapters?.url).toBe(`${feedUrl}/episodes/${w.episodes.tiers.id}/chapters.json`);
    const open = feed!.items.find((item) => item.title === "Episode public")!;
    expect(open.enclosure.url).toBe(`${APP}/media/episodes/${w.episodes.public.id}/audio.mp3`);
  });

  it("refuses unknown and forged addresses with a plain 404", async () => {
    const { get } = http(() => T0);
    expect((await get(`/feeds/private/nonsense`)).status).toBe(404);
    const [{ feedUrl }] = (await feedUrlOf(w, w.viewers.rightTier.user)).feeds;
    const token = feedUrl.split("/").pop()!;
    const forged = token.slice(0, 43) + (token[43] === "A" ? "B" : "A") + token.slice(44);
    expect(parsePrivateFeedToken(forged)).not.toBeNull();
    expect((await get(`/feeds/private/${forged}`)).status).toBe(404);
    // Another member's ids with this member's MAC: still a forgery.
    const other = (await feedUrlOf(w, w.viewers.freeMember.user)).feeds[0].feedUrl.split("/").pop()!;
    expect((await get(`/feeds/private/${other.slice(0, 43)}${token.slice(43)}`)).status).toBe(404);
  });
});

describe("revocation reaches the private feed at once (frozen clock)", () => {
  /** A fresh paid member whose feed works at T0. */
  async function member(opts: { endsAt?: Date } = {}) {
    const w = await world();
    const user = await createUser(t.db, { name: "Max Member" });
    const supporter = await insertSupporter(t.db, w.ws, user.id);
    const grant = await grantTier(t.db, supporter, w.tiers.tierB, { startsAt: seconds(-60), endsAt: opts.endsAt });
    const [{ feedUrl }] = (await feedUrlOf(w, user)).feeds;
    return { w, user, supporter, grant, feedUrl };
  }

  async function expectRefused(response: Response, words: string) {
    expect(response.status).toBe(410);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const xml = await response.text();
    const feed = parseFeed(xml);
    expect(feed?.description).toContain(words);
    // One item saying the same (parsers that keep only items with audio drop it; the description remains).
    expect(xml.match(/<item>/g)).toHaveLength(1);
    expect(xml).toMatch(/<item>\n<title>[^<]+<\/title>\n<description>[^<]*(membership|address|available)/);
    expect(xml).not.toContain("Episode tiers");
  }

  it.each([
    ["cancelled", "canceled"],
    ["refunded", "refunded"],
    ["disputed", "disputed"],
  ] as const)("%s: the next fetch, one second later, is a 410 saying the membership ended", async (_, status) => {
    const { w, grant, feedUrl } = await member();
    let now = T0;
    const { get } = http(() => now);
    expect((await get(feedUrl)).status).toBe(200);
    await endGrant(t.db, { id: grant.id, workspaceId: w.ws }, status);
    now = seconds(1);
    await expectRefused(await get(feedUrl), "Your membership ended");
    const file = await get(`${feedUrl}/episodes/${w.episodes.tiers.id}/audio.mp3`);
    expect(file.status).toBe(410);
  });

  it("expiry: open until the grant's end, a 410 from that instant on", async () => {
    const { w, feedUrl } = await member({ endsAt: seconds(30) });
    let now = seconds(29.999);
    const { get } = http(() => now);
    expect((await get(feedUrl)).status).toBe(200);
    expect((await get(`${feedUrl}/episodes/${w.episodes.tiers.id}/transcript.vtt`)).status).toBe(200);
    now = seconds(30);
    await expectRefused(await get(feedUrl), "Your membership ended");
    expect((await get(`${feedUrl}/episodes/${w.episodes.tiers.id}/transcript.vtt`)).status).toBe(410);
  });

  it("blocked: a 410 that says the feed is no longer available", async () => {
    const { w, supporter, feedUrl } = await member();
    const { get } = http(() => T0);
    expect((await get(feedUrl)).status).toBe(200);
    await blockSupporter(t.db, { id: supporter.id, workspaceId: w.ws });
    await expectRefused(await get(feedUrl), "no longer available");
  });

  it("rotation: the old address is a 410 at once, the new one works", async () => {
    const { w, user, feedUrl } = await member();
    const { get } = http(() => T0);
    const rotated = await callerFor(t.db, user, { clock: () => T0 }).api.privateFeeds.rotate({
      workspaceId: w.ws,
      showId: w.show.id,
    });
    expect(rotated.feedUrl).not.toBe(feedUrl);
    await expectRefused(await get(feedUrl), "replaced");
    expect((await get(`${feedUrl}/episodes/${w.episodes.tiers.id}/chapters.json`)).status).toBe(410);
    expect((await get(rotated.feedUrl)).status).toBe(200);
    expect((await feedUrlOf(w, user)).feeds[0].feedUrl).toBe(rotated.feedUrl);
    // Twice: the first address stays retired, the second joins it.
    const again = await callerFor(t.db, user).api.privateFeeds.rotate({ workspaceId: w.ws, showId: w.show.id });
    expect((await get(feedUrl)).status).toBe(410);
    expect((await get(rotated.feedUrl)).status).toBe(410);
    expect((await get(again.feedUrl)).status).toBe(200);
  });

  it("rotating another workspace's show, or as a non-member, is NOT_FOUND", async () => {
    const { w, user } = await member();
    const elsewhere = await world();
    const refuse = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("NOT_FOUND");
    };
    await refuse(callerFor(t.db, user).api.privateFeeds.rotate({ workspaceId: w.ws, showId: elsewhere.show.id }));
    await refuse(
      callerFor(t.db, w.viewers.nonMember).api.privateFeeds.rotate({ workspaceId: w.ws, showId: w.show.id }),
    );
  });
});

describe("a paid membership ending while the free one from joining stays (frozen clock)", () => {
  /**
   * A show whose only gated episode is for the Gold tier (plus a public one), and a supporter who joined free and
   * then paid for Gold: the free membership opens none of the show's gated episodes.
   */
  async function goldShow() {
    const w = await world();
    const show = await insertShow(t.db, w.ws, { title: "Gold only" });
    const gold = await insertPublishedEpisode(t.db, show, {
      title: "Gold episode",
      visibility: "tiers",
      visibilityTierIds: [w.tiers.tierB.id],
      publishedAt: seconds(-120),
    });
    await r2.bucket.put(gold.media.r2Key, new Uint8Array(1000));
    await insertTranscript(t.db, {
      workspaceId: w.ws,
      mediaId: gold.media.id,
      episodeId: gold.episode.id,
      segments: [{ startMs: 0, endMs: 1000, text: "Gold words" }],
      chapters: [{ startMs: 0, title: "Gold chapter" }],
    });
    await insertPublishedEpisode(t.db, show, { title: "Open episode", publishedAt: seconds(-180) });
    const user = await createUser(t.db, { name: "Paula Paid" });
    const supporter = await insertSupporter(t.db, w.ws, user.id);
    const freeGrant = await grantTier(t.db, supporter, w.tiers.free, { startsAt: seconds(-7200) });
    const goldGrant = await grantTier(t.db, supporter, w.tiers.tierB, { startsAt: seconds(-3600) });
    const feedOf = async (now = T0) => (await feedUrlOf(w, user, now)).feeds.find((f) => f.showId === show.id);
    const feedUrl = (await feedOf())!.feedUrl;
    return { w, show, gold: gold.episode, user, supporter, freeGrant, goldGrant, feedOf, feedUrl };
  }

  async function expectRefusedWith(response: Response, title: string) {
    expect(response.status).toBe(410);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const xml = await response.text();
    const feed = parseFeed(xml);
    expect(feed?.title).toContain(title);
    expect(feed?.description).toContain(title);
    expect(xml).not.toContain("Gold episode");
  }

  it.each([
    ["cancelled", "canceled"],
    ["refunded", "refunded"],
  ] as const)(
    "%s: the next fetch is a 410 'Your paid membership ended', its files too, and the portal drops it",
    async (_, status) => {
      const g = await goldShow();
      let now = T0;
      const { get } = http(() => now);
      const before = await get(g.feedUrl);
      expect(before.status).toBe(200);
      expect(titles(await before.text())).toEqual(["Gold episode", "Open episode"]);
      const base = `${g.feedUrl}/episodes/${g.gold.id}`;
      expect((await get(`${base}/audio.mp3`)).status).toBe(200);
      await endGrant(t.db, { id: g.goldGrant.id, workspaceId: g.w.ws }, status);
      now = seconds(1);
      await expectRefusedWith(await get(g.feedUrl), "Your paid membership ended");
      for (const file of ["audio.mp3", "transcript.vtt", "transcript.srt", "chapters.json"]) {
        expect((await get(`${base}/${file}`)).status, file).toBe(410);
      }
      // The free membership is still there; the portal lists no feed for this show, as the route refuses it.
      const mine = await feedUrlOf(g.w, g.user, now);
      expect(mine.membership).toBe("active");
      expect(mine.feeds.find((f) => f.showId === g.show.id)).toBeUndefined();
    },
  );

  it("a tier that opens none of the show's gated episodes is refused in its own words; paying again reopens it", async () => {
    const g = await goldShow();
    let now = T0;
    const { get } = http(() => now);
    await grantTier(t.db, g.supporter, g.w.tiers.tierA, { startsAt: seconds(-10) });
    await endGrant(t.db, { id: g.goldGrant.id, workspaceId: g.w.ws }, "canceled");
    now = seconds(1);
    await expectRefusedWith(await get(g.feedUrl), "does not include");
    await grantTier(t.db, g.supporter, g.w.tiers.tierB, { startsAt: seconds(1) });
    now = seconds(2);
    // The address is derived, not revoked: the same one works again with the new grant.
    expect((await get(g.feedUrl)).status).toBe(200);
    expect((await g.feedOf(now))?.feedUrl).toBe(g.feedUrl);
  });

  it("members-only episodes are open to free members: with one in the show, the free member keeps the feed", async () => {
    const g = await goldShow();
    await insertPublishedEpisode(t.db, g.show, {
      title: "Members episode",
      visibility: "members",
      publishedAt: seconds(-240),
    });
    let now = T0;
    const { get } = http(() => now);
    await endGrant(t.db, { id: g.goldGrant.id, workspaceId: g.w.ws }, "canceled");
    now = seconds(1);
    const response = await get(g.feedUrl);
    expect(response.status).toBe(200);
    expect(titles(await response.text())).toEqual(["Members episode", "Open episode"]);
    expect((await get(`${g.feedUrl}/episodes/${g.gold.id}/audio.mp3`)).status).toBe(404);
    expect((await g.feedOf(now))?.membersEpisodes).toBe(1);
  });

  it("a show whose gated episodes are all drafts: the address stays live for a tier member, with nothing to lose", async () => {
    const w = await world();
    const show = await insertShow(t.db, w.ws, { title: "Drafts only" });
    await insertEpisode(t.db, show, {
      title: "Gold draft",
      status: "draft",
      visibility: "tiers",
      visibilityTierIds: [w.tiers.tierB.id],
    });
    await insertPublishedEpisode(t.db, show, { title: "Open episode", publishedAt: seconds(-60) });
    const user = await createUser(t.db, { name: "Dora Draft" });
    const supporter = await insertSupporter(t.db, w.ws, user.id);
    const freeGrant = await grantTier(t.db, supporter, w.tiers.free, { startsAt: seconds(-60) });
    const key = await privateFeedKey(testEnv().env.UPLOAD_SIGNING_SECRET);
    const token = await privateFeedToken({ key, supporterId: supporter.id, showId: show.id, generation: 0 });
    let now = T0;
    const { get } = http(() => now);
    // The portal offers no feed for a show with nothing gated published...
    expect((await feedUrlOf(w, user)).feeds.find((f) => f.showId === show.id)).toBeUndefined();
    // ...but an address handed out earlier is not told "your membership ended" while a membership is active.
    const live = await get(`/feeds/private/${token}`);
    expect(live.status).toBe(200);
    expect(titles(await live.text())).toEqual(["Open episode"]);
    await endGrant(t.db, { id: freeGrant.id, workspaceId: w.ws }, "canceled");
    now = seconds(1);
    expect((await get(`/feeds/private/${token}`)).status).toBe(410);
  });

  it("the rule asks the one gate, so a ticket that opens an event's recording counts like a tier", () => {
    const ticket = {
      kind: "ticket" as const,
      status: "active" as const,
      startsAt: seconds(-60),
      endsAt: null,
      tierId: null,
      tierIsPaid: false,
      eventId: "00000000-0000-4000-8000-000000000001",
    };
    const viewer = { kind: "supporter" as const, status: "active" as const, grants: [ticket] };
    const recording = {
      visibility: "ticket_holders" as const,
      visibilityTierIds: [],
      visibilityEventId: ticket.eventId,
    };
    expect(opensGatedEpisode([recording], viewer, T0)).toBe(true);
    expect(
      opensGatedEpisode([{ ...recording, visibilityEventId: "00000000-0000-4000-8000-000000000002" }], viewer, T0),
    ).toBe(false);
    expect(
      opensGatedEpisode([{ visibility: "members", visibilityTierIds: [], visibilityEventId: null }], viewer, T0),
    ).toBe(false);
    expect(opensGatedEpisode([recording], { ...viewer, grants: [{ ...ticket, status: "refunded" }] }, T0)).toBe(false);
  });
});

describe("member feeds are ad-free: their files keep episode time (issue 14 item 6)", () => {
  const EPISODE_MP3 = fixture("episode-44k-mono.mp3");
  const AD_MP3 = fixture("ad-44k-mono.mp3");
  // Inside the factory flight's dates (2026-01-01 to 2026-01-31).
  const NOW = new Date("2026-01-15T10:00:00.000Z");
  const LISTENER = {
    "user-agent": "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
    "cf-connecting-ip": "203.0.113.9",
  };

  it("a gated episode with a live pre-roll plays as stored through the private feed, chapters and transcript unshifted", async () => {
    const team = await createTeam(t.db, "Sponsored studio");
    const ws = team.workspace.id;
    const show = await insertShow(t.db, ws, { title: "Sponsored members show" });
    const gold = await insertTier(t.db, ws, { name: "Gold", paid: true });
    const episodeWith = async (visibility: Visibility) => {
      const { episode, media } = await insertPublishedEpisode(
        t.db,
        show,
        {
          title: `Sponsored ${visibility}`,
          visibility,
          visibilityTierIds: visibility === "tiers" ? [gold.id] : [],
          publishedAt: new Date(NOW.getTime() - 3_600_000),
        },
        { size: EPISODE_MP3.length, contentType: "audio/mpeg", durationSeconds: 6 },
      );
      await r2.bucket.put(media.r2Key, EPISODE_MP3);
      await insertTranscript(t.db, {
        workspaceId: ws,
        mediaId: media.id,
        episodeId: episode.id,
        segments: [{ startMs: 3000, endMs: 4000, text: "After the cut" }],
        chapters: [{ startMs: 3000, title: "Second half" }],
      });
      return episode;
    };
    const open = await episodeWith("public");
    const members = await episodeWith("tiers");
    const adMedia = await insertMedia(t.db, ws, { size: AD_MP3.length, contentType: "audio/mpeg" });
    await r2.bucket.put(adMedia.r2Key, AD_MP3);
    const { campaign, flight } = await createCampaign(t.db, ws, {
      showId: show.id,
      flight: { status: "live", impressionsGoal: 100 },
    });
    const creative = await createCreative(t.db, campaign, { mediaId: adMedia.id, name: "Spot" });
    for (const episode of [open, members]) {
      const [slot] = await t.db
        .insert(adSlots)
        .values({ workspaceId: ws, episodeId: episode.id, position: "pre" })
        .returning();
      await t.db.insert(adSlotBookings).values({
        workspaceId: ws,
        slotId: slot.id,
        flightId: flight.id,
        creativeId: creative.id,
        liveFrom: "2026-01-10",
      });
    }
    const user = await createUser(t.db, { name: "Ada Adfree" });
    const supporter = await insertSupporter(t.db, ws, user.id);
    await grantTier(t.db, supporter, gold, { startsAt: new Date(NOW.getTime() - 60_000) });
    const [{ feedUrl }] = (await feedUrlOf({ ws }, user, NOW)).feeds;
    const { get, settled } = http(() => NOW);

    // Control: the same booking is heard on the public route, and its arrangement's chapters move by the ad.
    const stitched = await get(`/media/episodes/${open.id}/audio.mp3`, LISTENER);
    expect(stitched.status).toBe(200);
    const arrangementId = stitched.headers.get("x-greenroom-arrangement");
    expect(arrangementId).toMatch(/^[0-9a-f]{24}$/);
    expect((await stitched.arrayBuffer()).byteLength).toBeGreaterThan(EPISODE_MP3.length);
    await settled();
    const shifted = await get(`/feeds/${show.id}/episodes/${open.id}/arrangements/${arrangementId}/chapters.json`);
    expect(shifted.status).toBe(200);
    const shiftedStart = ((await shifted.json()) as { chapters: { startTime: number }[] }).chapters[0].startTime;
    expect(shiftedStart).toBeGreaterThan(3);

    // The members' episode, booked the same way, through the private feed: the stored file, byte for byte.
    const xml = await (await get(feedUrl)).text();
    const item = parseFeed(xml)!.items.find((each) => each.title === "Sponsored tiers")!;
    expect(item.enclosure.url).toBe(`${feedUrl}/episodes/${members.id}/audio.mp3`);
    const audio = await get(item.enclosure.url, LISTENER);
    expect(audio.status).toBe(200);
    expect(audio.headers.get("x-greenroom-arrangement")).toBeNull();
    expect(new Uint8Array(await audio.arrayBuffer())).toEqual(new Uint8Array(EPISODE_MP3));
    // So its chapters and transcript, at the feed's own addresses, stay in episode time and match what plays.
    const chapters = await get(item.podcastChapters!.url);
    expect(((await chapters.json()) as { chapters: { startTime: number }[] }).chapters[0].startTime).toBe(3);
    const vtt = await (await get(`${feedUrl}/episodes/${members.id}/transcript.vtt`)).text();
    expect(vtt).toContain("00:00:03.000 --> 00:00:04.000");
    // And there is no arrangement variant under a private feed to ask for.
    const variant = await get(`${feedUrl}/episodes/${members.id}/arrangements/${arrangementId}/chapters.json`);
    expect(variant.status).toBe(404);
    // A public episode in the member feed keeps its public enclosure (ads and all), as in the public feed.
    const openItem = parseFeed(xml)!.items.find((each) => each.title === "Sponsored public")!;
    expect(openItem.enclosure.url).toBe(`${APP}/media/episodes/${open.id}/audio.mp3`);
  });
});

describe("sharing detection", () => {
  it(`flags a feed fetched by more than ${SHARED_LISTENER_THRESHOLD} listeners in 24 hours, once, and tells the owners`, async () => {
    const w = await world();
    const who = w.viewers.rightTier;
    const [{ feedUrl }] = (await feedUrlOf(w, who.user)).feeds;
    let now = T0;
    const client = http(() => now);
    const fetchFrom = async (n: number) => {
      const response = await client.get(feedUrl, {
        "cf-connecting-ip": `198.51.100.${n}`,
        "user-agent": "Overcast/3.0",
      });
      expect(response.status).toBe(200);
      await client.settled();
    };
    const memberPage = () =>
      callerFor(t.db, w.team.owner).api.privateFeeds.listForMember({
        workspaceId: w.ws,
        supporterId: who.supporter.id,
      });
    // The same listener many times, then five distinct ones: not flagged.
    for (let i = 0; i < 3; i++) await fetchFrom(1);
    for (let n = 2; n <= SHARED_LISTENER_THRESHOLD; n++) await fetchFrom(n);
    expect(await memberPage()).toEqual([]);
    now = seconds(3600);
    await fetchFrom(SHARED_LISTENER_THRESHOLD + 1);
    const [flagged] = await memberPage();
    expect(flagged).toMatchObject({ showId: w.show.id, sharedListenerCount: SHARED_LISTENER_THRESHOLD + 1 });
    expect(flagged.sharedFlaggedAt).toEqual(now);
    const notified = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.workspaceId, w.ws), eq(notifications.kind, "audience.private_feed_shared")));
    expect(notified.map((n) => n.userId).sort()).toEqual([w.team.owner.id, w.team.admin.id].sort());
    expect(notified[0].body).toContain("Members Show");
    expect(notified[0].body).not.toContain(feedUrl.split("/").pop()!);
    // A seventh listener the same day flags nothing new.
    now = seconds(7200);
    await fetchFrom(SHARED_LISTENER_THRESHOLD + 2);
    expect((await memberPage())[0].sharedFlaggedAt).toEqual(seconds(3600));
  });

  it("keys listeners by hashed address prefix and agent: no address is stored", async () => {
    const w = await world();
    const [{ feedUrl }] = (await feedUrlOf(w, w.viewers.freeMember.user)).feeds;
    const client = http(() => T0);
    await client.get(feedUrl, { "cf-connecting-ip": "203.0.113.99", "user-agent": "Pocket Casts" });
    await client.settled();
    const rows = await t.db.execute(
      `select * from private_feed_fetches where supporter_id = '${w.viewers.freeMember.supporter.id}'`,
    );
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain("203.0.113");
    expect(stored).not.toContain("Pocket Casts");
  });
});
