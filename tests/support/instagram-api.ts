/**
 * A loopback stand-in for the parts of Instagram's API Greenroom calls (Instagram API with Instagram Login), so
 * the real client runs against real HTTP: one origin serves the OAuth endpoints of www.instagram.com
 * (/oauth/authorize, auto-approving), api.instagram.com (/oauth/access_token) and graph.instagram.com
 * (/access_token, /refresh_access_token and the versioned Graph paths). Point INSTAGRAM_AUTHORIZE_URL,
 * INSTAGRAM_API_URL and INSTAGRAM_GRAPH_URL at `.url` (`.env` has them with the app credentials).
 *
 * It behaves like Instagram where the pipeline depends on it: containers are IN_PROGRESS for a number of status
 * polls and then FINISHED (or ERROR/EXPIRED on request), publishing needs a FINISHED container, counts against
 * the 24-hour quota and makes the media appear first in the account's media list, a container publishes once,
 * unknown or expired tokens get code 190. Failures are injected per endpoint with `fail`, including a publish
 * that takes effect but whose answer never arrives. Every request is recorded, tokens removed.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const STANDIN_APP_ID = "1234567890";
export const STANDIN_APP_SECRET = "standin-app-secret";
const LONG_LIVED_SECONDS = 60 * 24 * 60 * 60;
const SHORT_LIVED_SECONDS = 60 * 60;

export interface RecordedRequest {
  method: string;
  /** The path as sent, version included (`/v23.0/123/media`). */
  path: string;
  /** The path without the Graph version prefix (`/123/media`), what `fail` patterns match. */
  endpoint: string;
  /** Query parameters, with access_token and client_secret replaced by "[redacted]". */
  query: Record<string, string>;
  /** Form body fields, secrets redacted the same way. */
  body: Record<string, string>;
  /** How the access token came: the Authorization header, the query string, or not at all. */
  tokenVia: "header" | "query" | null;
  /** True when a secret was present in the query or body and was redacted from this record. */
  redacted: boolean;
}

export interface StandinAccount {
  igUserId: string;
  username: string;
  name: string | null;
  profilePictureUrl: string | null;
  followersCount: number;
  followsCount: number;
  mediaCount?: number;
}

export interface StandinMedia {
  id: string;
  igUserId: string;
  mediaType: "IMAGE" | "VIDEO" | "CAROUSEL_ALBUM";
  mediaProductType: "FEED" | "REELS" | "STORY";
  caption: string | null;
  permalink: string;
  mediaUrl: string | null;
  thumbnailUrl: string | null;
  timestamp: Date;
  likeCount: number;
  commentsCount: number;
  /** Insight values by metric name (reach, likes, comments, saved, views, shares, total_interactions). */
  insights: Record<string, number>;
  /** The container it was published from, when published through the API. */
  containerId: string | null;
}

export interface StandinContainer {
  id: string;
  igUserId: string;
  mediaType: "IMAGE" | "VIDEO" | "REELS" | "CAROUSEL";
  imageUrl: string | null;
  videoUrl: string | null;
  caption: string | null;
  isCarouselItem: boolean;
  children: string[];
  /** Status polls answered so far. */
  polls: number;
  /** Polls answered IN_PROGRESS before the outcome shows. */
  pollsBeforeReady: number;
  outcome: "FINISHED" | "ERROR" | "EXPIRED";
  errorMessage: string | null;
  publishedMediaId: string | null;
}

export interface FailureOptions {
  /** HTTP status of the injected answer (default 500). */
  status?: number;
  /** Answer body; default a Graph error matching the status. */
  body?: unknown;
  /** Extra response headers (e.g. usage headers). */
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /** Wait this long before answering (or before answering after `afterSuccess: "hang"`). */
  delayMs?: number;
  /**
   * The request takes effect normally, then "hang": the answer is held (for `delayMs`, or until close);
   * "drop": the connection is destroyed without an answer.
   */
  afterSuccess?: "hang" | "drop";
}

export interface UsageHeaderOptions {
  /** Percentages for X-App-Usage; omitted: that header is not sent. */
  app?: { callCount: number; totalTime?: number; totalCputime?: number };
  /** Percentages for X-Business-Use-Case-Usage (per account id). */
  business?: { callCount: number; totalTime?: number; totalCputime?: number; regainAccessMinutes?: number };
}

export interface InstagramApiServer {
  url: string;
  appId: string;
  appSecret: string;
  /** Env overrides pointing the client at this server with matching app credentials. */
  env: {
    INSTAGRAM_APP_ID: string;
    INSTAGRAM_APP_SECRET: string;
    INSTAGRAM_AUTHORIZE_URL: string;
    INSTAGRAM_API_URL: string;
    INSTAGRAM_GRAPH_URL: string;
  };
  /** Every request, in order (failed and injected ones too). */
  requests: RecordedRequest[];
  /** Requests whose `METHOD endpoint` matches (substring or RegExp). */
  count(pattern: string | RegExp): number;
  /** Every container created, in order. */
  containers: StandinContainer[];
  /** Media published through media_publish, in order. */
  published: StandinMedia[];
  /** An Instagram professional account with a valid long-lived token; returns that token. */
  addAccount(account: Partial<StandinAccount> & { username: string }): { igUserId: string; accessToken: string };
  /** A one-time authorization code for the account, as Instagram's redirect would carry it. */
  issueAuthorizationCode(igUserId: string, opts?: { redirectUri?: string }): string;
  /** The account /oauth/authorize approves for (default: the last added); null makes it answer access_denied. */
  setAuthorizingAccount(igUserId: string | null): void;
  /** A valid long-lived token for the account (e.g. to store in a test's social_accounts row). */
  issueToken(igUserId: string, opts?: { expiresInSeconds?: number }): string;
  /** Makes a token invalid: every call with it gets code 190. */
  revokeToken(token: string): void;
  /** Media already on the account, newest first in listings whatever the order given. */
  seedMedia(igUserId: string, items: (Partial<Omit<StandinMedia, "igUserId">> & { timestamp: Date })[]): StandinMedia[];
  /** The account's media, newest first (seeded and published). */
  mediaOf(igUserId: string): StandinMedia[];
  /** The creator deletes a post on Instagram: it leaves the account's media list. */
  deleteMedia(mediaId: string): void;
  /** Sets a media's insight values (by metric name) and, for likes/comments, its counts too. */
  setInsights(mediaId: string, values: Record<string, number>): void;
  /** The next requests matching `pattern` (`METHOD endpoint` substring or RegExp, e.g. "POST /123/media_publish"). */
  fail(pattern: string | RegExp, options?: FailureOptions): void;
  /** Rate-limit the next matching requests: code 4, usage headers at 100 %. */
  rateLimit(pattern: string | RegExp, options?: { times?: number; regainAccessMinutes?: number }): void;
  /** How the next `times` containers created turn out; without `times`, every container from now on. */
  setContainerOutcome(
    outcome: "FINISHED" | "ERROR" | "EXPIRED",
    options?: { message?: string; pollsBeforeReady?: number; times?: number },
  ): void;
  /** content_publishing_limit: posts in the last 24 h and the allowance; publishing at the allowance fails. */
  setPublishingLimit(igUserId: string, usage: number, total?: number): void;
  /** Usage headers sent with every Graph answer; null stops them. */
  setUsageHeader(usage: UsageHeaderOptions | null): void;
  close(): Promise<void>;
}

export interface InstagramApiOptions {
  /** Status polls a new container answers IN_PROGRESS before FINISHED (default 1). */
  pollsBeforeReady?: number;
  /** The stand-in's clock for timestamps (default real time). */
  now?: () => Date;
  /** Lifetime of long-lived tokens issued (default 60 days). */
  longLivedSeconds?: number;
}

interface TokenRecord {
  igUserId: string;
  kind: "short" | "long";
  expiresAt: number;
  revoked: boolean;
}

interface PendingFailure {
  pattern: string | RegExp;
  options: FailureOptions;
  remaining: number;
}

const METRICS_BY_PRODUCT: Record<string, string[]> = {
  FEED: [
    "reach",
    "likes",
    "comments",
    "saved",
    "shares",
    "views",
    "total_interactions",
    "follows",
    "profile_visits",
    "profile_activity",
  ],
  REELS: [
    "reach",
    "likes",
    "comments",
    "saved",
    "shares",
    "views",
    "total_interactions",
    "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time",
  ],
  STORY: [
    "reach",
    "views",
    "replies",
    "shares",
    "total_interactions",
    "follows",
    "navigation",
    "profile_visits",
    "profile_activity",
  ],
};

const matches = (pattern: string | RegExp, route: string) =>
  typeof pattern === "string" ? route.includes(pattern) : pattern.test(route);

const graphError = (message: string, code: number, extra: Record<string, unknown> = {}) => ({
  error: {
    message,
    type: code === 190 ? "OAuthException" : "IGApiException",
    code,
    fbtrace_id: `Atrace${randomBytes(6).toString("hex")}`,
    ...extra,
  },
});

function defaultFailureBody(status: number) {
  if (status >= 500)
    return graphError("An unexpected error has occurred. Please retry your request later.", 2, { is_transient: true });
  if (status === 429) return graphError("Application request limit reached", 4, { is_transient: true });
  return graphError("Invalid parameter", 100);
}

const SECRET_FIELDS = ["access_token", "client_secret", "code"];

export async function startInstagramApi(options: InstagramApiOptions = {}): Promise<InstagramApiServer> {
  const now = options.now ?? (() => new Date());
  const longLivedSeconds = options.longLivedSeconds ?? LONG_LIVED_SECONDS;
  const accounts = new Map<string, StandinAccount>();
  const tokens = new Map<string, TokenRecord>();
  const codes = new Map<string, { igUserId: string; redirectUri: string | null }>();
  const media: StandinMedia[] = [];
  const containers: StandinContainer[] = [];
  const published: StandinMedia[] = [];
  const requests: RecordedRequest[] = [];
  const failures: PendingFailure[] = [];
  /** `baseUsage` is what setPublishingLimit declared; publishes after it add to it for 24 h. */
  const publishingLimits = new Map<string, { total: number; baseUsage: number; publishedAt: Date[] }>();
  type OutcomeSetting = { outcome: "FINISHED" | "ERROR" | "EXPIRED"; message?: string; pollsBeforeReady?: number };
  let defaultOutcome: OutcomeSetting = { outcome: "FINISHED" };
  const containerOutcomes: (OutcomeSetting & { remaining: number })[] = [];
  const sockets = new Set<Socket>();
  const heldResponses = new Set<ServerResponse>();
  let usageHeader: UsageHeaderOptions | null = null;
  let authorizingAccount: string | null | undefined;
  let lastAccount: string | null = null;
  let sequence = 0;
  const numericId = (prefix: number) =>
    `${prefix}${String(Date.now()).slice(-6)}${String(++sequence).padStart(6, "0")}`;
  const newToken = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

  const issueToken = (igUserId: string, kind: "short" | "long", lifetimeSeconds: number) => {
    const token = newToken(kind === "short" ? "IGQWshort" : "IGAAlong");
    tokens.set(token, { igUserId, kind, expiresAt: now().getTime() + lifetimeSeconds * 1000, revoked: false });
    return token;
  };

  const limitOf = (igUserId: string) => {
    let limit = publishingLimits.get(igUserId);
    if (!limit) publishingLimits.set(igUserId, (limit = { total: 100, baseUsage: 0, publishedAt: [] }));
    return limit;
  };
  const quotaUsage = (igUserId: string) => {
    const since = now().getTime() - 24 * 60 * 60 * 1000;
    const limit = limitOf(igUserId);
    return limit.baseUsage + limit.publishedAt.filter((at) => at.getTime() > since).length;
  };

  const containerStatus = (container: StandinContainer) => {
    if (container.publishedMediaId) return "PUBLISHED";
    if (container.polls < container.pollsBeforeReady) return "IN_PROGRESS";
    return container.outcome;
  };
  const statusText = (container: StandinContainer) => {
    const status = containerStatus(container);
    if (status === "ERROR") return `Error: ${container.errorMessage ?? "Media upload has failed."}`;
    if (status === "EXPIRED") return "Expired: The container was not published within 24 hours and has expired.";
    if (status === "IN_PROGRESS") return "In Progress: Media is still being processed.";
    if (status === "PUBLISHED") return "Published: Media has been successfully published.";
    return "Finished: Media has been uploaded and it is complete.";
  };

  const mediaJson = (item: StandinMedia, fields: string[]) => {
    const all: Record<string, unknown> = {
      id: item.id,
      media_type: item.mediaType,
      media_product_type: item.mediaProductType,
      caption: item.caption ?? undefined,
      permalink: item.permalink,
      media_url: item.mediaUrl ?? undefined,
      thumbnail_url: item.thumbnailUrl ?? undefined,
      timestamp: item.timestamp.toISOString().replace(/\.\d{3}Z$/, "+0000"),
      like_count: item.likeCount,
      comments_count: item.commentsCount,
      username: accounts.get(item.igUserId)?.username,
    };
    const out: Record<string, unknown> = { id: item.id };
    for (const field of fields) if (Object.hasOwn(all, field) && all[field] !== undefined) out[field] = all[field];
    return out;
  };
  const newestFirst = (igUserId: string) =>
    media
      .filter((m) => m.igUserId === igUserId)
      .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || b.id.localeCompare(a.id));

  const makeMedia = (igUserId: string, partial: Partial<StandinMedia> & { timestamp: Date }): StandinMedia => {
    const id = partial.id ?? numericId(18);
    return {
      id,
      igUserId,
      mediaType: partial.mediaType ?? "IMAGE",
      mediaProductType: partial.mediaProductType ?? "FEED",
      caption: partial.caption ?? null,
      permalink: partial.permalink ?? `https://www.instagram.com/p/${id}/`,
      mediaUrl: partial.mediaUrl ?? `https://cdn.instagram.test/${id}.jpg`,
      thumbnailUrl: partial.thumbnailUrl ?? null,
      timestamp: partial.timestamp,
      likeCount: partial.likeCount ?? 0,
      commentsCount: partial.commentsCount ?? 0,
      insights: partial.insights ?? {
        reach: 0,
        likes: partial.likeCount ?? 0,
        comments: partial.commentsCount ?? 0,
        saved: 0,
        views: 0,
        shares: 0,
      },
      containerId: partial.containerId ?? null,
    };
  };

  const usageHeaders = (igUserId: string | null): Record<string, string> => {
    if (!usageHeader) return {};
    const headers: Record<string, string> = {};
    if (usageHeader.app) {
      const { callCount, totalTime = callCount, totalCputime = callCount } = usageHeader.app;
      headers["x-app-usage"] = JSON.stringify({
        call_count: callCount,
        total_time: totalTime,
        total_cputime: totalCputime,
      });
    }
    if (usageHeader.business) {
      const {
        callCount,
        totalTime = callCount,
        totalCputime = callCount,
        regainAccessMinutes = 0,
      } = usageHeader.business;
      headers["x-business-use-case-usage"] = JSON.stringify({
        [igUserId ?? "0"]: [
          {
            type: "instagram",
            call_count: callCount,
            total_time: totalTime,
            total_cputime: totalCputime,
            estimated_time_to_regain_access: regainAccessMinutes,
          },
        ],
      });
    }
    return headers;
  };

  /** What a route answers: JSON, or a redirect (the consent screen). */
  type Answer = { status: number; body: unknown; headers?: Record<string, string>; redirect?: string };

  const handle = (method: string, endpoint: string, params: Record<string, string>, bearer: string | null): Answer => {
    const ok = (body: unknown): Answer => ({ status: 200, body });
    const bad = (message: string, code = 100, extra: Record<string, unknown> = {}): Answer => ({
      status: 400,
      body: graphError(message, code, extra),
    });

    // www.instagram.com: the consent screen, approving at once for the authorizing account.
    if (method === "GET" && endpoint === "/oauth/authorize") {
      const redirectUri = params.redirect_uri;
      if (params.client_id !== STANDIN_APP_ID) return bad("Invalid platform app", 100);
      if (!redirectUri || params.response_type !== "code")
        return bad("redirect_uri and response_type=code are required");
      const target = new URL(redirectUri);
      const approving = authorizingAccount === undefined ? lastAccount : authorizingAccount;
      if (!approving) {
        target.searchParams.set("error", "access_denied");
        target.searchParams.set("error_reason", "user_denied");
        target.searchParams.set("error_description", "The user denied your request.");
      } else {
        target.searchParams.set("code", api.issueAuthorizationCode(approving, { redirectUri }));
      }
      if (params.state) target.searchParams.set("state", params.state);
      // Instagram ends its redirect with "#_"; browsers keep fragments out of the request.
      return { status: 302, body: null, redirect: `${target.toString()}#_` };
    }

    // api.instagram.com: authorization code → short-lived token.
    if (method === "POST" && endpoint === "/oauth/access_token") {
      const oauthError = (message: string) => ({
        status: 400,
        body: { error_type: "OAuthException", code: 400, error_message: message },
      });
      if (params.client_id !== STANDIN_APP_ID || params.client_secret !== STANDIN_APP_SECRET)
        return oauthError("Invalid client_id or client_secret");
      if (params.grant_type !== "authorization_code") return oauthError("Invalid grant_type");
      const grant = codes.get(params.code ?? "");
      if (!grant) return oauthError("This authorization code has been used or is invalid");
      if (grant.redirectUri && grant.redirectUri !== params.redirect_uri)
        return oauthError("Error validating verification code. Please make sure your redirect_uri is identical");
      codes.delete(params.code);
      const accessToken = issueToken(grant.igUserId, "short", SHORT_LIVED_SECONDS);
      return ok({
        data: [
          {
            access_token: accessToken,
            user_id: grant.igUserId,
            permissions: "instagram_business_basic,instagram_business_content_publish",
          },
        ],
      });
    }

    const tokenValue = bearer ?? params.access_token ?? null;
    const token = tokenValue ? tokens.get(tokenValue) : undefined;
    const tokenProblem = (): Answer | null => {
      if (!tokenValue)
        return {
          status: 400,
          body: graphError("An active access token must be used to query information about the current user.", 2500),
        };
      if (!token || token.revoked)
        return { status: 400, body: graphError("Invalid OAuth access token - Cannot parse access token", 190) };
      if (token.expiresAt <= now().getTime()) {
        return {
          status: 400,
          body: graphError("Error validating access token: Session has expired.", 190, { error_subcode: 463 }),
        };
      }
      return null;
    };

    // graph.instagram.com token endpoints (unversioned).
    if (method === "GET" && endpoint === "/access_token") {
      if (params.grant_type !== "ig_exchange_token") return bad("Unsupported grant_type");
      if (params.client_secret !== STANDIN_APP_SECRET) return bad("Error validating client secret.", 101);
      const problem = tokenProblem();
      if (problem) return problem;
      if (token!.kind !== "short") return bad("Only short-lived tokens can be exchanged", 100);
      return ok({
        access_token: issueToken(token!.igUserId, "long", longLivedSeconds),
        token_type: "bearer",
        expires_in: longLivedSeconds,
      });
    }
    if (method === "GET" && endpoint === "/refresh_access_token") {
      if (params.grant_type !== "ig_refresh_token") return bad("Unsupported grant_type");
      const problem = tokenProblem();
      if (problem) return problem;
      if (token!.kind !== "long") return bad("Only long-lived tokens can be refreshed", 100);
      return ok({
        access_token: issueToken(token!.igUserId, "long", longLivedSeconds),
        token_type: "bearer",
        expires_in: longLivedSeconds,
      });
    }

    const problem = tokenProblem();
    if (problem) return problem;
    const owner = token!.igUserId;
    const account = accounts.get(owner)!;
    const segments = endpoint.split("/").filter(Boolean);
    const fields = (params.fields ?? "").split(",").filter(Boolean);
    const ownsUserPath = (id: string) => id === owner || id === "me";
    const withUsage = (answer: Answer): Answer => ({
      ...answer,
      headers: { ...usageHeaders(owner), ...answer.headers },
    });

    if (method === "GET" && segments.length === 1 && segments[0] === "me") {
      const all: Record<string, unknown> = {
        id: owner,
        user_id: owner,
        username: account.username,
        name: account.name ?? undefined,
        profile_picture_url: account.profilePictureUrl ?? undefined,
        followers_count: account.followersCount,
        follows_count: account.followsCount,
        media_count: account.mediaCount ?? media.filter((m) => m.igUserId === owner).length,
        account_type: "BUSINESS",
      };
      const body: Record<string, unknown> = { id: owner };
      for (const field of fields.length ? fields : ["id", "username"])
        if (Object.hasOwn(all, field) && all[field] !== undefined) body[field] = all[field];
      return withUsage(ok(body));
    }

    if (segments.length === 2 && ownsUserPath(segments[0]) && segments[1] === "media" && method === "POST") {
      const isCarouselItem = params.is_carousel_item === "true";
      let mediaType: StandinContainer["mediaType"];
      if (params.media_type === "CAROUSEL") {
        const children = (params.children ?? "").split(",").filter(Boolean);
        if (children.length < 2 || children.length > 10)
          return withUsage(bad("The carousel must have between 2 and 10 children", 100, { error_subcode: 2207004 }));
        for (const childId of children) {
          const child = containers.find((c) => c.id === childId);
          if (!child || child.igUserId !== owner || !child.isCarouselItem) {
            return withUsage(bad(`Invalid carousel child ${childId}`, 100, { error_subcode: 2207004 }));
          }
          if (containerStatus(child) === "ERROR")
            return withUsage(bad(`Carousel child ${childId} failed: ${child.errorMessage ?? "upload failed"}`, 9004));
        }
        mediaType = "CAROUSEL";
      } else if (params.video_url) {
        if (params.media_type !== "REELS" && params.media_type !== "VIDEO")
          return withUsage(bad("media_type must be REELS (or VIDEO for a carousel item)"));
        if (params.media_type === "VIDEO" && !isCarouselItem)
          return withUsage(bad("The VIDEO media type is only valid for carousel items; use REELS"));
        mediaType = params.media_type;
      } else if (params.image_url) {
        mediaType = "IMAGE";
      } else {
        return withUsage(bad("image_url, video_url or media_type=CAROUSEL with children is required"));
      }
      if (isCarouselItem && params.caption) return withUsage(bad("Carousel items cannot have a caption"));
      const queued = containerOutcomes[0];
      if (queued) {
        queued.remaining--;
        if (queued.remaining <= 0) containerOutcomes.shift();
      }
      const configured = queued ?? defaultOutcome;
      const container: StandinContainer = {
        id: numericId(17),
        igUserId: owner,
        mediaType,
        imageUrl: params.image_url ?? null,
        videoUrl: params.video_url ?? null,
        caption: params.caption ?? null,
        isCarouselItem,
        children: mediaType === "CAROUSEL" ? params.children.split(",") : [],
        polls: 0,
        pollsBeforeReady: configured.pollsBeforeReady ?? options.pollsBeforeReady ?? 1,
        outcome: configured.outcome,
        errorMessage:
          configured.outcome === "ERROR"
            ? (configured.message ?? "The media could not be fetched from the URI provided.")
            : null,
        publishedMediaId: null,
      };
      containers.push(container);
      return withUsage(ok({ id: container.id }));
    }

    if (segments.length === 2 && ownsUserPath(segments[0]) && segments[1] === "media" && method === "GET") {
      const all = newestFirst(owner);
      const limit = Math.min(Math.max(Number(params.limit ?? 25) || 25, 1), 100);
      const start = params.after ? Number(Buffer.from(params.after, "base64url").toString("utf8")) : 0;
      if (!Number.isInteger(start) || start < 0) return withUsage(bad("Invalid cursor"));
      const page = all.slice(start, start + limit);
      const body: Record<string, unknown> = { data: page.map((m) => mediaJson(m, fields.length ? fields : ["id"])) };
      if (page.length > 0) {
        const cursors = {
          before: Buffer.from(String(start)).toString("base64url"),
          after: Buffer.from(String(start + page.length)).toString("base64url"),
        };
        const paging: Record<string, unknown> = { cursors };
        if (start + page.length < all.length) {
          const next = new URL(`${api.url}/v23.0/${owner}/media`);
          for (const [name, value] of Object.entries(params))
            if (name !== "access_token") next.searchParams.set(name, value);
          next.searchParams.set("after", cursors.after);
          paging.next = next.toString();
        }
        body.paging = paging;
      }
      return withUsage(ok(body));
    }

    if (segments.length === 2 && ownsUserPath(segments[0]) && segments[1] === "media_publish" && method === "POST") {
      const container = containers.find((c) => c.id === params.creation_id);
      if (!container || container.igUserId !== owner)
        return withUsage(
          bad(`Unsupported post request. Object with ID '${params.creation_id ?? ""}' does not exist`, 100, {
            error_subcode: 33,
          }),
        );
      if (container.isCarouselItem) return withUsage(bad("A carousel item cannot be published on its own", 100));
      if (container.publishedMediaId)
        return withUsage(bad("The media has already been published", 9007, { error_subcode: 2207008 }));
      const status = containerStatus(container);
      if (status === "IN_PROGRESS")
        return withUsage(
          bad("Media ID is not available: the media is not ready for publishing, please wait", 9007, {
            error_subcode: 2207027,
          }),
        );
      if (status === "ERROR" || status === "EXPIRED")
        return withUsage(bad(statusText(container), 9007, { error_subcode: 2207006 }));
      const limit = limitOf(owner);
      if (quotaUsage(owner) >= limit.total) {
        return withUsage(
          bad("You have reached the maximum number of posts allowed in 24 hours", 9, { error_subcode: 2207042 }),
        );
      }
      const item = makeMedia(owner, {
        timestamp: now(),
        caption: container.caption,
        containerId: container.id,
        mediaType:
          container.mediaType === "CAROUSEL" ? "CAROUSEL_ALBUM" : container.mediaType === "IMAGE" ? "IMAGE" : "VIDEO",
        mediaProductType: container.mediaType === "REELS" ? "REELS" : "FEED",
        mediaUrl: container.imageUrl ?? container.videoUrl,
        insights: { reach: 0, likes: 0, comments: 0, saved: 0, views: 0, shares: 0 },
      });
      media.push(item);
      published.push(item);
      container.publishedMediaId = item.id;
      limit.publishedAt.push(now());
      return withUsage(ok({ id: item.id }));
    }

    if (
      segments.length === 2 &&
      ownsUserPath(segments[0]) &&
      segments[1] === "content_publishing_limit" &&
      method === "GET"
    ) {
      const body: Record<string, unknown> = { quota_usage: quotaUsage(owner) };
      if (!fields.length || fields.includes("config"))
        body.config = { quota_total: limitOf(owner).total, quota_duration: 86400 };
      return withUsage(ok({ data: [body] }));
    }

    if (segments.length === 2 && segments[1] === "insights" && method === "GET") {
      const item = media.find((m) => m.id === segments[0]);
      if (!item || item.igUserId !== owner)
        return withUsage(bad(`Object with ID '${segments[0]}' does not exist`, 100, { error_subcode: 33 }));
      const valid = METRICS_BY_PRODUCT[item.mediaProductType] ?? METRICS_BY_PRODUCT.FEED;
      const metrics = (params.metric ?? "").split(",").filter(Boolean);
      if (metrics.length === 0) return withUsage(bad("The parameter metric is required"));
      const invalid = metrics.find((metric) => !valid.includes(metric));
      if (invalid)
        return withUsage(
          bad(`(#100) metric[${metrics.indexOf(invalid)}] must be one of the following values: ${valid.join(", ")}`),
        );
      return withUsage(
        ok({
          data: metrics.map((name) => ({
            name,
            period: "lifetime",
            values: [{ value: (Object.hasOwn(item.insights, name) ? item.insights[name] : undefined) ?? 0 }],
            title: name,
            id: `${item.id}/insights/${name}/lifetime`,
          })),
        }),
      );
    }

    if (segments.length === 1 && method === "GET") {
      const container = containers.find((c) => c.id === segments[0]);
      if (container && container.igUserId === owner) {
        const all: Record<string, unknown> = { status_code: containerStatus(container), status: statusText(container) };
        container.polls++;
        const body: Record<string, unknown> = { id: container.id };
        for (const field of fields.length ? fields : ["status_code"])
          if (Object.hasOwn(all, field) && all[field] !== undefined) body[field] = all[field];
        return withUsage(ok(body));
      }
      const item = media.find((m) => m.id === segments[0]);
      if (item && item.igUserId === owner) return withUsage(ok(mediaJson(item, fields.length ? fields : ["id"])));
      return withUsage(
        bad(`Unsupported get request. Object with ID '${segments[0]}' does not exist`, 100, { error_subcode: 33 }),
      );
    }

    return withUsage({ status: 400, body: graphError(`Unknown path components: ${endpoint}`, 2500) });
  };

  const send = (res: ServerResponse, answer: Answer) => {
    if (answer.redirect) {
      res.writeHead(answer.status, { location: answer.redirect, ...answer.headers }).end();
      return;
    }
    res
      .writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
      .end(answer.body === null ? "" : JSON.stringify(answer.body));
  };

  const hold = (res: ServerResponse, answer: Answer, delayMs: number | undefined) => {
    heldResponses.add(res);
    if (delayMs === undefined) return;
    setTimeout(() => {
      heldResponses.delete(res);
      if (!res.destroyed) send(res, answer);
    }, delayMs);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://instagram.local");
      const method = req.method ?? "GET";
      const endpoint = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, "");
      const query = Object.fromEntries(url.searchParams);
      const form = /application\/x-www-form-urlencoded/.test(req.headers["content-type"] ?? "")
        ? Object.fromEntries(new URLSearchParams(raw))
        : {};
      const authorization = req.headers.authorization ?? "";
      const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1] ?? null;
      let redacted = false;
      const scrub = (fields: Record<string, string>) =>
        Object.fromEntries(
          Object.entries(fields).map(([name, value]) => {
            if (!SECRET_FIELDS.includes(name)) return [name, value];
            redacted = true;
            return [name, "[redacted]"];
          }),
        );
      requests.push({
        method,
        path: url.pathname,
        endpoint,
        query: scrub(query),
        body: scrub(form),
        tokenVia: bearer ? "header" : query.access_token || form.access_token ? "query" : null,
        redacted,
      });

      const route = `${method} ${endpoint}`;
      const failure = failures.find((f) => f.remaining > 0 && matches(f.pattern, route));
      if (failure) {
        failure.remaining--;
        if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
      }
      if (failure && !failure.options.afterSuccess) {
        const status = failure.options.status ?? 500;
        const answer: Answer = {
          status,
          body: failure.options.body ?? defaultFailureBody(status),
          headers: failure.options.headers,
        };
        if (failure.options.delayMs) return hold(res, answer, failure.options.delayMs);
        return send(res, answer);
      }
      const answer = handle(method, endpoint, { ...query, ...form }, bearer);
      if (failure?.options.afterSuccess === "drop") {
        res.socket?.destroy();
        return;
      }
      if (failure?.options.afterSuccess === "hang") return hold(res, answer, failure.options.delayMs);
      send(res, answer);
    });
  };

  const server: Server = createServer(onRequest);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const api: InstagramApiServer = {
    url,
    appId: STANDIN_APP_ID,
    appSecret: STANDIN_APP_SECRET,
    env: {
      INSTAGRAM_APP_ID: STANDIN_APP_ID,
      INSTAGRAM_APP_SECRET: STANDIN_APP_SECRET,
      INSTAGRAM_AUTHORIZE_URL: url,
      INSTAGRAM_API_URL: url,
      INSTAGRAM_GRAPH_URL: url,
    },
    requests,
    count: (pattern) => requests.filter((r) => matches(pattern, `${r.method} ${r.endpoint}`)).length,
    containers,
    published,
    addAccount(account) {
      const igUserId = account.igUserId ?? numericId(1784);
      accounts.set(igUserId, {
        igUserId,
        username: account.username,
        name: account.name ?? null,
        profilePictureUrl: account.profilePictureUrl ?? `https://cdn.instagram.test/avatars/${igUserId}.jpg`,
        followersCount: account.followersCount ?? 0,
        followsCount: account.followsCount ?? 0,
        mediaCount: account.mediaCount,
      });
      lastAccount = igUserId;
      return { igUserId, accessToken: issueToken(igUserId, "long", longLivedSeconds) };
    },
    issueAuthorizationCode(igUserId, opts = {}) {
      if (!accounts.has(igUserId)) throw new Error(`unknown stand-in account ${igUserId}`);
      const code = `AQ${randomBytes(16).toString("base64url")}`;
      codes.set(code, { igUserId, redirectUri: opts.redirectUri ?? null });
      return code;
    },
    setAuthorizingAccount(igUserId) {
      authorizingAccount = igUserId;
    },
    issueToken(igUserId, opts = {}) {
      if (!accounts.has(igUserId)) throw new Error(`unknown stand-in account ${igUserId}`);
      return issueToken(igUserId, "long", opts.expiresInSeconds ?? longLivedSeconds);
    },
    revokeToken(token) {
      const record = tokens.get(token);
      if (record) record.revoked = true;
    },
    seedMedia(igUserId, items) {
      if (!accounts.has(igUserId)) throw new Error(`unknown stand-in account ${igUserId}`);
      const made = items.map((item) => makeMedia(igUserId, item));
      media.push(...made);
      return made;
    },
    mediaOf: (igUserId) => newestFirst(igUserId),
    deleteMedia(mediaId) {
      const index = media.findIndex((m) => m.id === mediaId);
      if (index < 0) throw new Error(`unknown stand-in media ${mediaId}`);
      media.splice(index, 1);
    },
    setInsights(mediaId, values) {
      const item = media.find((m) => m.id === mediaId);
      if (!item) throw new Error(`unknown stand-in media ${mediaId}`);
      item.insights = { ...item.insights, ...values };
      if (values.likes !== undefined) item.likeCount = values.likes;
      if (values.comments !== undefined) item.commentsCount = values.comments;
    },
    fail(pattern, failureOptions = {}) {
      failures.push({ pattern, options: failureOptions, remaining: failureOptions.times ?? 1 });
    },
    rateLimit(pattern, rateOptions = {}) {
      const regain = rateOptions.regainAccessMinutes ?? 10;
      failures.push({
        pattern,
        remaining: rateOptions.times ?? 1,
        options: {
          status: 400,
          body: graphError("Application request limit reached", 4, { is_transient: true }),
          headers: {
            "x-app-usage": JSON.stringify({ call_count: 100, total_time: 100, total_cputime: 100 }),
            "x-business-use-case-usage": JSON.stringify({
              [lastAccount ?? "0"]: [
                {
                  type: "instagram",
                  call_count: 100,
                  total_time: 100,
                  total_cputime: 100,
                  estimated_time_to_regain_access: regain,
                },
              ],
            }),
          },
        },
      });
    },
    setContainerOutcome(outcome, outcomeOptions = {}) {
      const setting = { outcome, message: outcomeOptions.message, pollsBeforeReady: outcomeOptions.pollsBeforeReady };
      if (outcomeOptions.times === undefined) {
        defaultOutcome = setting;
        containerOutcomes.length = 0;
      } else {
        containerOutcomes.push({ ...setting, remaining: outcomeOptions.times });
      }
    },
    setPublishingLimit(igUserId, usage, total = 100) {
      publishingLimits.set(igUserId, { total, baseUsage: usage, publishedAt: [] });
    },
    setUsageHeader(usage) {
      usageHeader = usage;
    },
    async close() {
      for (const res of heldResponses) res.destroy();
      heldResponses.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return api;
}
