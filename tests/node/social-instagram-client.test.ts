import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createInstagramPublisher,
  instagramErrorFrom,
  insightMetricsFor,
  parseUsageHeaders,
} from "../../server/services/social/instagram-client";
import { SocialProviderError, type SocialPublisher } from "../../server/services/social/provider";
import { startInstagramApi, type InstagramApiServer } from "../support/instagram-api";

describe("instagramErrorFrom", () => {
  const classify = (httpStatus: number, error: Record<string, unknown>) =>
    instagramErrorFrom({ httpStatus, body: { error } });

  it("classifies Graph errors by code, subcode and status", () => {
    expect(classify(400, { message: "Invalid OAuth access token", type: "OAuthException", code: 190 }).kind).toBe(
      "auth",
    );
    expect(
      classify(400, { message: "Session has expired", type: "OAuthException", code: 190, error_subcode: 463 }).kind,
    ).toBe("auth");
    for (const code of [4, 17, 32, 613, 80002])
      expect(classify(400, { message: "limit", code }).kind).toBe("rate_limited");
    expect(classify(400, { message: "max posts", code: 9, error_subcode: 2207042 }).kind).toBe("rate_limited");
    expect(classify(400, { message: "not ready", code: 9007, error_subcode: 2207027 }).kind).toBe("transient");
    expect(classify(500, { message: "oops", code: 1 }).kind).toBe("transient");
    expect(classify(503, {}).kind).toBe("transient");
    expect(classify(400, { message: "temporary", code: 100, is_transient: true }).kind).toBe("transient");
    const permanent = classify(400, {
      message: "The aspect ratio is not supported.",
      code: 36003,
      error_subcode: 2207009,
    });
    expect(permanent).toMatchObject({
      kind: "permanent",
      message: "The aspect ratio is not supported.",
      details: { code: 36003, subcode: 2207009, httpStatus: 400 },
    });
  });

  it("reads the OAuth endpoint's flat errors and turns usage into a wait", () => {
    const flat = instagramErrorFrom({
      httpStatus: 400,
      body: { error_type: "OAuthException", code: 400, error_message: "Invalid authorization code" },
    });
    expect(flat).toMatchObject({ kind: "permanent", message: "Invalid authorization code" });
    const limited = instagramErrorFrom({
      httpStatus: 400,
      body: { error: { code: 4, message: "x" } },
      usage: { maxUsagePercent: 100, regainAccessMinutes: 12 },
    });
    expect(limited.details.retryAfterSeconds).toBe(720);
  });

  it("scrubs secrets even when Instagram echoes them", () => {
    const error = instagramErrorFrom({
      httpStatus: 400,
      body: { error: { code: 100, message: "bad token IGAAsecret123 given" } },
      secrets: ["IGAAsecret123"],
    });
    expect(error.message).toBe("bad token [redacted] given");
  });
});

describe("parseUsageHeaders", () => {
  it("takes the highest percentage across X-App-Usage and X-Business-Use-Case-Usage", () => {
    const headers = new Headers({
      "x-app-usage": JSON.stringify({ call_count: 12, total_time: 30, total_cputime: 8 }),
      "x-business-use-case-usage": JSON.stringify({
        "1784": [
          { type: "instagram", call_count: 81, total_time: 5, total_cputime: 2, estimated_time_to_regain_access: 3 },
        ],
      }),
    });
    expect(parseUsageHeaders(headers)).toEqual({ maxUsagePercent: 81, regainAccessMinutes: 3 });
    expect(parseUsageHeaders(new Headers({ "x-app-usage": JSON.stringify({ call_count: 5 }) }))).toEqual({
      maxUsagePercent: 5,
    });
    expect(parseUsageHeaders(new Headers())).toBeNull();
    expect(parseUsageHeaders(new Headers({ "x-app-usage": "not json" }))).toBeNull();
  });
});

describe("insightMetricsFor", () => {
  it("asks only for metrics valid for the media (no impressions, which v22 removed)", () => {
    expect(insightMetricsFor({ mediaType: "IMAGE", mediaProductType: "FEED" })).toEqual([
      "reach",
      "likes",
      "comments",
      "saved",
      "views",
    ]);
    expect(insightMetricsFor({ mediaType: "VIDEO", mediaProductType: "REELS" })).not.toContain("impressions");
    expect(insightMetricsFor({ mediaType: "IMAGE", mediaProductType: "STORY" })).toEqual(["reach", "views"]);
  });
});

describe("Instagram publisher requests", () => {
  let api: InstagramApiServer;
  let publisher: SocialPublisher;
  let igUserId: string;
  let accessToken: string;

  beforeEach(async () => {
    api = await startInstagramApi({ pollsBeforeReady: 0 });
    ({ igUserId, accessToken } = api.addAccount({ username: "requests.test" }));
    publisher = createInstagramPublisher({ env: api.env, accessToken, igUserId, timeoutMs: 300 });
  });
  afterEach(async () => {
    await api.close();
  });

  it("speaks v23.0 with the token in the Authorization header only", async () => {
    await publisher.getProfile();
    await publisher.getPublishingLimit();
    for (const request of api.requests) {
      expect(request.path.startsWith("/v23.0/")).toBe(true);
      expect(request.tokenVia).toBe("header");
      expect(request.redacted).toBe(false);
    }
    expect(api.requests[1]).toMatchObject({
      endpoint: `/${igUserId}/content_publishing_limit`,
      query: { fields: "quota_usage,config" },
    });
  });

  it("sends the container parameters Instagram expects for each kind", async () => {
    await publisher.createItemContainer({ kind: "image", url: "https://m.test/a.jpg", caption: "Hi #pod" });
    await publisher.createItemContainer({ kind: "video", url: "https://m.test/r.mp4", caption: "Reel", reel: true });
    const child = await publisher.createItemContainer({
      kind: "image",
      url: "https://m.test/c1.jpg",
      isCarouselItem: true,
      caption: "ignored",
    });
    const child2 = await publisher.createItemContainer({
      kind: "video",
      url: "https://m.test/c2.mp4",
      isCarouselItem: true,
    });
    const carousel = await publisher.createCarouselContainer({ children: [child.id, child2.id], caption: "Album" });
    await publisher.publishContainer(carousel.id);
    const bodies = api.requests.filter((r) => r.method === "POST").map((r) => r.body);
    expect(bodies).toEqual([
      { image_url: "https://m.test/a.jpg", caption: "Hi #pod" },
      { video_url: "https://m.test/r.mp4", media_type: "REELS", caption: "Reel" },
      { image_url: "https://m.test/c1.jpg", is_carousel_item: "true" },
      { video_url: "https://m.test/c2.mp4", media_type: "VIDEO", is_carousel_item: "true" },
      { media_type: "CAROUSEL", children: `${child.id},${child2.id}`, caption: "Album" },
      { creation_id: carousel.id },
    ]);
    expect(api.requests.filter((r) => r.method === "POST").every((r) => r.tokenVia === "header")).toBe(true);
  });

  it("reads container status and reports EXPIRED with Instagram's text", async () => {
    api.setContainerOutcome("EXPIRED", { times: 1 });
    const { id } = await publisher.createItemContainer({ kind: "image", url: "https://m.test/a.jpg" });
    const status = await publisher.getContainerStatus(id);
    expect(status.status).toBe("EXPIRED");
    expect(status.message).toMatch(/^Expired:/);
    expect(api.requests.at(-1)?.query.fields).toBe("status_code,status");
  });

  it("a publish timing out is unknown_outcome; other timeouts and lost connections are transient", async () => {
    const { id } = await publisher.createItemContainer({ kind: "image", url: "https://m.test/a.jpg" });
    api.fail("media_publish", { afterSuccess: "hang", delayMs: 2_000 });
    const error = await publisher.publishContainer(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocialProviderError);
    expect(error).toMatchObject({ kind: "unknown_outcome" });
    expect((error as Error).message).not.toContain(accessToken);
    expect(api.published).toHaveLength(1);

    api.fail(`/${igUserId}/media`, { afterSuccess: "drop" });
    await expect(publisher.createItemContainer({ kind: "image", url: "https://m.test/b.jpg" })).rejects.toMatchObject({
      kind: "transient",
    });
  });

  it("an expired token is an auth error whose message never carries the token", async () => {
    api.revokeToken(accessToken);
    const error = (await publisher.listMedia({ limit: 5 }).catch((e: unknown) => e)) as SocialProviderError;
    expect(error).toMatchObject({ kind: "auth", details: { code: 190 } });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(accessToken);
  });
});
