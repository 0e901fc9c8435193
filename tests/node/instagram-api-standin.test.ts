import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createInstagramPublisher,
  exchangeForLongLivedToken,
  exchangeInstagramCode,
  instagramAuthorizeUrl,
  refreshLongLivedToken,
} from "../../server/services/social/instagram-client";
import { SocialProviderError, type SocialPublisher } from "../../server/services/social/provider";
import { startInstagramApi, type InstagramApiServer } from "../support/instagram-api";

let api: InstagramApiServer;
let publisher: SocialPublisher;
let igUserId: string;
let accessToken: string;

beforeEach(async () => {
  api = await startInstagramApi();
  ({ igUserId, accessToken } = api.addAccount({
    username: "greenroom.show",
    name: "Greenroom Show",
    followersCount: 1200,
    followsCount: 80,
  }));
  publisher = createInstagramPublisher({ env: api.env, accessToken, igUserId, timeoutMs: 500 });
});

afterEach(async () => {
  await api.close();
});

async function expectProviderError(promise: Promise<unknown>): Promise<SocialProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SocialProviderError);
  return error as SocialProviderError;
}

async function finishedImage(caption = "hello") {
  const { id } = await publisher.createItemContainer({ kind: "image", url: "https://media.test/a.jpg", caption });
  expect((await publisher.getContainerStatus(id)).status).toBe("IN_PROGRESS");
  expect((await publisher.getContainerStatus(id)).status).toBe("FINISHED");
  return id;
}

describe("Instagram API stand-in", () => {
  it("runs the OAuth exchange: code once, short-lived to long-lived, refresh issues a new token", async () => {
    const redirectUri = "http://localhost:8787/api/social/instagram/callback";
    const consent = await fetch(instagramAuthorizeUrl({ env: api.env, redirectUri, state: "st4te" }), {
      redirect: "manual",
    });
    expect(consent.status).toBe(302);
    const location = new URL(consent.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("st4te");
    const code = location.searchParams.get("code")!;

    const short = await exchangeInstagramCode({ env: api.env, code, redirectUri });
    expect(short.userId).toBe(igUserId);
    const reused = await expectProviderError(exchangeInstagramCode({ env: api.env, code, redirectUri }));
    expect(reused.message).toMatch(/used or is invalid/);

    const long = await exchangeForLongLivedToken({ env: api.env, shortLivedToken: short.accessToken });
    expect(long.expiresInSeconds).toBe(60 * 24 * 60 * 60);
    const refreshed = await refreshLongLivedToken({ env: api.env, accessToken: long.accessToken });
    expect(refreshed.accessToken).not.toBe(long.accessToken);

    const wrongSecret = await expectProviderError(
      exchangeForLongLivedToken({
        env: { ...api.env, INSTAGRAM_APP_SECRET: "nope" },
        shortLivedToken: short.accessToken,
      }),
    );
    expect(wrongSecret.message).not.toContain(short.accessToken);
    // Token endpoints carry secrets in the query: the log keeps them out.
    expect(
      api.requests
        .filter((r) => r.endpoint === "/access_token")
        .every((r) => r.redacted && r.query.access_token === "[redacted]"),
    ).toBe(true);
  });

  it("answers access_denied when the member refuses on the consent screen", async () => {
    api.setAuthorizingAccount(null);
    const consent = await fetch(
      instagramAuthorizeUrl({ env: api.env, redirectUri: "http://localhost/cb", state: "s" }),
      { redirect: "manual" },
    );
    const location = new URL(consent.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
  });

  it("reads the profile over the Authorization header", async () => {
    const profile = await publisher.getProfile();
    expect(profile).toMatchObject({
      externalId: igUserId,
      username: "greenroom.show",
      displayName: "Greenroom Show",
      followersCount: 1200,
      followsCount: 80,
    });
    expect(api.requests.at(-1)).toMatchObject({ endpoint: "/me", tokenVia: "header" });
  });

  it("publishes an image: container IN_PROGRESS then FINISHED, publish, media listed first, PUBLISHED after", async () => {
    api.seedMedia(igUserId, [{ timestamp: new Date("2026-01-01T00:00:00Z"), caption: "old" }]);
    const containerId = await finishedImage("New episode out");
    const { mediaId } = await publisher.publishContainer(containerId);
    expect(api.published.map((m) => m.id)).toEqual([mediaId]);
    expect((await publisher.getContainerStatus(containerId)).status).toBe("PUBLISHED");

    const page = await publisher.listMedia({ limit: 10 });
    expect(page.items.map((m) => m.caption)).toEqual(["New episode out", "old"]);
    expect(page.after).toBeNull();
    const media = await publisher.getMedia(mediaId);
    expect(media).toMatchObject({
      id: mediaId,
      mediaType: "IMAGE",
      mediaProductType: "FEED",
      caption: "New episode out",
    });
    expect(media.timestamp.getTime()).toBeGreaterThan(0);

    const again = await expectProviderError(publisher.publishContainer(containerId));
    expect(again.kind).toBe("permanent");
    expect(api.published).toHaveLength(1);
  });

  it("refuses to publish a container still in progress (transient)", async () => {
    const { id } = await publisher.createItemContainer({ kind: "image", url: "https://media.test/a.jpg" });
    const error = await expectProviderError(publisher.publishContainer(id));
    expect(error.kind).toBe("transient");
    expect(api.published).toHaveLength(0);
  });

  it("builds a carousel from children and a reel from a video", async () => {
    const first = await publisher.createItemContainer({
      kind: "image",
      url: "https://media.test/1.jpg",
      isCarouselItem: true,
    });
    const second = await publisher.createItemContainer({
      kind: "video",
      url: "https://media.test/2.mp4",
      isCarouselItem: true,
    });
    const carousel = await publisher.createCarouselContainer({ children: [first.id, second.id], caption: "two" });
    expect(api.containers.find((c) => c.id === carousel.id)).toMatchObject({
      mediaType: "CAROUSEL",
      children: [first.id, second.id],
    });
    expect(api.containers.find((c) => c.id === second.id)).toMatchObject({ mediaType: "VIDEO", isCarouselItem: true });
    await publisher.getContainerStatus(carousel.id);
    const album = await publisher.publishContainer(carousel.id);
    expect((await publisher.getMedia(album.mediaId)).mediaType).toBe("CAROUSEL_ALBUM");

    const reel = await publisher.createItemContainer({
      kind: "video",
      url: "https://media.test/r.mp4",
      caption: "reel",
      reel: true,
    });
    expect(api.containers.find((c) => c.id === reel.id)?.mediaType).toBe("REELS");
    await publisher.getContainerStatus(reel.id);
    const published = await publisher.publishContainer(reel.id);
    expect((await publisher.getMedia(published.mediaId)).mediaProductType).toBe("REELS");
  });

  it("pages the media list newest first by cursor", async () => {
    api.seedMedia(
      igUserId,
      Array.from({ length: 5 }, (_, i) => ({ timestamp: new Date(Date.UTC(2026, 0, i + 1)), caption: `day ${i + 1}` })),
    );
    const first = await publisher.listMedia({ limit: 2 });
    expect(first.items.map((m) => m.caption)).toEqual(["day 5", "day 4"]);
    const second = await publisher.listMedia({ limit: 2, after: first.after });
    expect(second.items.map((m) => m.caption)).toEqual(["day 3", "day 2"]);
    const third = await publisher.listMedia({ limit: 2, after: second.after });
    expect(third.items.map((m) => m.caption)).toEqual(["day 1"]);
    expect(third.after).toBeNull();
  });

  it("returns insights with metrics valid for the media type", async () => {
    const [feed] = api.seedMedia(igUserId, [
      { timestamp: new Date(), insights: { reach: 300, likes: 20, comments: 4, saved: 7, views: 900 } },
    ]);
    const insights = await publisher.getInsights({ id: feed.id, mediaType: "IMAGE", mediaProductType: "FEED" });
    expect(insights).toEqual({ reach: 300, impressions: 900, saved: 7, likes: 20, comments: 4 });
    const [story] = api.seedMedia(igUserId, [
      { timestamp: new Date(), mediaProductType: "STORY", insights: { reach: 50, views: 70 } },
    ]);
    expect(await publisher.getInsights({ id: story.id, mediaType: "IMAGE", mediaProductType: "STORY" })).toMatchObject({
      reach: 50,
      impressions: 70,
    });
  });

  it("reports the publishing quota and refuses a publish at the limit as rate_limited", async () => {
    api.setPublishingLimit(igUserId, 99, 100);
    expect(await publisher.getPublishingLimit()).toEqual({ quotaUsage: 99, quotaTotal: 100 });
    await publisher.publishContainer(await finishedImage());
    expect(await publisher.getPublishingLimit()).toEqual({ quotaUsage: 100, quotaTotal: 100 });
    const error = await expectProviderError(publisher.publishContainer(await finishedImage()));
    expect(error).toMatchObject({ kind: "rate_limited", details: { code: 9, subcode: 2207042 } });
    expect(api.published).toHaveLength(1);
  });

  it("injects 5xx (transient), rate limits with usage headers, and expired tokens (auth)", async () => {
    const readings: number[] = [];
    let calls = 0;
    const observed = createInstagramPublisher({
      env: api.env,
      accessToken,
      igUserId,
      observer: { onUsage: (r) => readings.push(r.maxUsagePercent), onCall: () => void calls++ },
    });
    api.fail("GET /me", { status: 503 });
    expect((await expectProviderError(observed.getProfile())).kind).toBe("transient");
    api.rateLimit(`/${igUserId}/media`, { regainAccessMinutes: 7 });
    const limited = await expectProviderError(observed.listMedia({ limit: 5 }));
    expect(limited).toMatchObject({ kind: "rate_limited", details: { code: 4, retryAfterSeconds: 420 } });
    expect(readings).toEqual([100]);
    api.setUsageHeader({ app: { callCount: 42 } });
    await observed.getProfile();
    expect(readings).toEqual([100, 42]);
    expect(calls).toBe(3);

    api.revokeToken(accessToken);
    const auth = await expectProviderError(observed.getProfile());
    expect(auth).toMatchObject({ kind: "auth", details: { code: 190 } });
    expect(auth.message).not.toContain(accessToken);
  });

  it("turns a container ERROR into Instagram's message", async () => {
    api.setContainerOutcome("ERROR", { message: "The aspect ratio is not supported.", times: 1, pollsBeforeReady: 0 });
    const { id } = await publisher.createItemContainer({ kind: "image", url: "https://media.test/wide.jpg" });
    expect(await publisher.getContainerStatus(id)).toEqual({
      status: "ERROR",
      message: "Error: The aspect ratio is not supported.",
    });
    const next = await publisher.createItemContainer({ kind: "image", url: "https://media.test/ok.jpg" });
    await publisher.getContainerStatus(next.id);
    expect((await publisher.getContainerStatus(next.id)).status).toBe("FINISHED");
  });

  it("a publish whose answer never arrives took effect: unknown_outcome, and the media is listed", async () => {
    const containerId = await finishedImage("lost answer");
    api.fail("POST /" + igUserId + "/media_publish", { afterSuccess: "hang" });
    const error = await expectProviderError(publisher.publishContainer(containerId));
    expect(error.kind).toBe("unknown_outcome");
    expect(api.published).toHaveLength(1);
    expect((await publisher.listMedia({ limit: 5 })).items[0].caption).toBe("lost answer");

    const dropped = await finishedImage("dropped");
    api.fail("media_publish", { afterSuccess: "drop" });
    expect((await expectProviderError(publisher.publishContainer(dropped))).kind).toBe("unknown_outcome");
    expect(api.published).toHaveLength(2);
  });

  it("a timeout on a read is transient, not unknown", async () => {
    api.fail("GET /me", { delayMs: 2_000 });
    expect((await expectProviderError(publisher.getProfile())).kind).toBe("transient");
    expect(api.count("GET /me")).toBe(1);
  });
});
