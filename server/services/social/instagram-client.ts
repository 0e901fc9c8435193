/**
 * Instagram API with Instagram Login: the OAuth token endpoints (api.instagram.com, graph.instagram.com) and the
 * Graph endpoints publishing and sync use (graph.instagram.com/v23.0). Plain fetch, so it runs in workerd and in
 * Node tests against tests/support/instagram-api.ts. Access tokens travel in the Authorization header and never
 * appear in an error message: Graph errors quote Instagram's own message, never the request.
 */
import type { Env } from "../../env";
import {
  SocialProviderError,
  type ApiUsageReading,
  type ContainerStatus,
  type ItemContainerRequest,
  type MediaPage,
  type ProviderProfile,
  type RemoteInsights,
  type RemoteMedia,
  type SocialPublisher,
  type UsageObserver,
} from "./provider";
import { parseExternalJson } from "../../lib/text";

const INSTAGRAM_GRAPH_VERSION = "v23.0";
const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * instagram_business_manage_insights is requested with the two the feature needs by name: without it, the media
 * insights endpoint refuses every call and the sync could read no reach or saves.
 */
const INSTAGRAM_SCOPES = [
  "instagram_business_basic",
  "instagram_business_content_publish",
  "instagram_business_manage_insights",
] as const;

const MEDIA_FIELDS =
  "id,media_type,media_product_type,caption,permalink,media_url,thumbnail_url,timestamp,like_count,comments_count";
const PROFILE_FIELDS = "user_id,username,name,profile_picture_url,followers_count,follows_count,media_count";

type InstagramEnv = Pick<
  Env,
  "INSTAGRAM_APP_ID" | "INSTAGRAM_APP_SECRET" | "INSTAGRAM_AUTHORIZE_URL" | "INSTAGRAM_API_URL" | "INSTAGRAM_GRAPH_URL"
>;

const origin = (value: string | undefined, fallback: string) => (value ?? fallback).replace(/\/+$/, "");
const authorizeOrigin = (env: InstagramEnv) => origin(env.INSTAGRAM_AUTHORIZE_URL, "https://www.instagram.com");
const apiOrigin = (env: InstagramEnv) => origin(env.INSTAGRAM_API_URL, "https://api.instagram.com");
const graphOrigin = (env: InstagramEnv) => origin(env.INSTAGRAM_GRAPH_URL, "https://graph.instagram.com");

export function isInstagramConfigured(env: InstagramEnv): boolean {
  return Boolean(env.INSTAGRAM_APP_ID && env.INSTAGRAM_APP_SECRET);
}

function appCredentials(env: InstagramEnv): { appId: string; appSecret: string } {
  if (!env.INSTAGRAM_APP_ID || !env.INSTAGRAM_APP_SECRET) {
    throw new SocialProviderError("permanent", "Instagram is not configured");
  }
  return { appId: env.INSTAGRAM_APP_ID, appSecret: env.INSTAGRAM_APP_SECRET };
}

/** Meta's Graph error object (Graph endpoints) or the OAuth endpoint's flat variant (api.instagram.com). */
interface GraphErrorBody {
  error?:
    | {
        message?: string;
        type?: string;
        code?: number;
        error_subcode?: number;
        is_transient?: boolean;
        error_user_msg?: string;
      }
    | string;
  error_type?: string;
  code?: number;
  error_message?: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const AUTH_CODES = new Set([102, 190, 463, 467]);
const PUBLISHING_LIMIT_SUBCODE = 2207042;
/** code 9007 / 2207027: the container is not ready to publish yet; polling again is the cure. */
const MEDIA_NOT_READY_SUBCODE = 2207027;

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => (secret ? result.split(secret).join("[redacted]") : result), text);
}

/**
 * Classifies an Instagram error response into the pipeline's kinds. `usage` (from the same response's headers)
 * supplies the wait for rate limits; `secrets` are scrubbed from the message in case Instagram ever echoes one.
 */
export function instagramErrorFrom(opts: {
  httpStatus: number;
  body: unknown;
  usage?: ApiUsageReading | null;
  secrets?: readonly string[];
}): SocialProviderError {
  const body = (opts.body && typeof opts.body === "object" ? opts.body : {}) as GraphErrorBody;
  const graph = typeof body.error === "object" && body.error ? body.error : null;
  const code = graph?.code ?? (typeof body.code === "number" && body.code !== opts.httpStatus ? body.code : undefined);
  const subcode = graph?.error_subcode;
  const type = graph?.type ?? body.error_type;
  const rawMessage =
    graph?.error_user_msg ||
    graph?.message ||
    body.error_message ||
    (typeof body.error === "string" ? body.error : "") ||
    `Instagram answered HTTP ${opts.httpStatus}`;
  const message = redact(rawMessage, opts.secrets ?? []);
  const retryAfterSeconds = opts.usage?.regainAccessMinutes != null ? opts.usage.regainAccessMinutes * 60 : undefined;
  const details = { code, subcode, httpStatus: opts.httpStatus, retryAfterSeconds };

  if (code !== undefined && AUTH_CODES.has(code)) return new SocialProviderError("auth", message, details);
  if (code !== undefined && code >= 200 && code <= 299) return new SocialProviderError("auth", message, details);
  if (code !== undefined && (RATE_LIMIT_CODES.has(code) || (code >= 80001 && code <= 80014))) {
    return new SocialProviderError("rate_limited", message, details);
  }
  if (subcode === PUBLISHING_LIMIT_SUBCODE) return new SocialProviderError("rate_limited", message, details);
  if (opts.httpStatus === 429) return new SocialProviderError("rate_limited", message, details);
  if (subcode === MEDIA_NOT_READY_SUBCODE) return new SocialProviderError("transient", message, details);
  if (opts.httpStatus >= 500 || code === 1 || code === 2 || graph?.is_transient)
    return new SocialProviderError("transient", message, details);
  if (type === "OAuthException" && opts.httpStatus === 401) return new SocialProviderError("auth", message, details);
  return new SocialProviderError("permanent", message, details);
}

interface UsageEntry {
  call_count?: number;
  total_time?: number;
  total_cputime?: number;
  estimated_time_to_regain_access?: number;
}

/** The highest percentage in X-App-Usage and X-Business-Use-Case-Usage; null when neither header is present. */
export function parseUsageHeaders(headers: Headers): ApiUsageReading | null {
  const entries: UsageEntry[] = [];
  const parse = (name: string) => {
    const raw = headers.get(name);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  };
  const app = parse("x-app-usage");
  if (app && typeof app === "object") entries.push(app as UsageEntry);
  const business = parse("x-business-use-case-usage");
  if (business && typeof business === "object") {
    for (const list of Object.values(business as Record<string, unknown>)) {
      if (Array.isArray(list)) entries.push(...(list as UsageEntry[]));
    }
  }
  if (entries.length === 0) return null;
  let maxUsagePercent = 0;
  let regainAccessMinutes: number | undefined;
  for (const entry of entries) {
    maxUsagePercent = Math.max(maxUsagePercent, entry.call_count ?? 0, entry.total_time ?? 0, entry.total_cputime ?? 0);
    if (entry.estimated_time_to_regain_access) {
      regainAccessMinutes = Math.max(regainAccessMinutes ?? 0, entry.estimated_time_to_regain_access);
    }
  }
  return regainAccessMinutes === undefined ? { maxUsagePercent } : { maxUsagePercent, regainAccessMinutes };
}

interface CallOptions {
  method: "GET" | "POST";
  url: URL;
  form?: URLSearchParams;
  bearer?: string;
  /** A timeout or lost connection after sending means the request may have taken effect (media_publish). */
  sideEffectUnknownOnTimeout?: boolean;
  secrets: readonly string[];
}

interface Transport {
  fetch: typeof fetch;
  timeoutMs: number;
  observer?: UsageObserver;
}

/** The endpoint's path for messages: never the query string, which may carry a secret. */
const describe = (url: URL) => url.pathname;

async function call<T>(transport: Transport, opts: CallOptions): Promise<T> {
  transport.observer?.onCall?.();
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.form) headers["content-type"] = "application/x-www-form-urlencoded";
  const signal = AbortSignal.timeout(transport.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(opts.url.toString(), {
      method: opts.method,
      headers,
      body: opts.form?.toString(),
      signal,
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const what = timedOut ? `timed out after ${transport.timeoutMs} ms` : "failed before an answer arrived";
    if (opts.sideEffectUnknownOnTimeout) {
      throw new SocialProviderError(
        "unknown_outcome",
        `Instagram ${opts.method} ${describe(opts.url)} ${what}; it may or may not have taken effect`,
      );
    }
    throw new SocialProviderError("transient", `Instagram ${opts.method} ${describe(opts.url)} ${what}`);
  }
  const usage = parseUsageHeaders(response.headers);
  if (usage) transport.observer?.onUsage?.(usage);
  let body: unknown;
  try {
    body = text ? parseExternalJson(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok || (body && typeof body === "object" && "error" in body)) {
    throw instagramErrorFrom({ httpStatus: response.status, body, usage, secrets: opts.secrets });
  }
  if (body === null) {
    throw new SocialProviderError(
      response.status >= 500 ? "transient" : "permanent",
      `Instagram ${describe(opts.url)} answered without JSON`,
      {
        httpStatus: response.status,
      },
    );
  }
  return body as T;
}

function transportFrom(opts: { fetch?: typeof fetch; timeoutMs?: number; observer?: UsageObserver }): Transport {
  return {
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    observer: opts.observer,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth (Business Login for Instagram)

export function instagramAuthorizeUrl(opts: { env: InstagramEnv; redirectUri: string; state: string }): string {
  const { appId } = appCredentials(opts.env);
  const url = new URL(`${authorizeOrigin(opts.env)}/oauth/authorize`);
  url.searchParams.set("client_id", appId);
  url.searchParams.set("redirect_uri", opts.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", INSTAGRAM_SCOPES.join(","));
  url.searchParams.set("state", opts.state);
  return url.toString();
}

export interface InstagramHttpOptions {
  env: InstagramEnv;
  fetch?: typeof fetch;
  timeoutMs?: number;
  observer?: UsageObserver;
}

/** Authorization code → short-lived token (valid about an hour) and the account's Instagram user id. */
export async function exchangeInstagramCode(
  opts: InstagramHttpOptions & { code: string; redirectUri: string },
): Promise<{ accessToken: string; userId: string }> {
  const { appId, appSecret } = appCredentials(opts.env);
  const form = new URLSearchParams({
    client_id: appId,
    client_secret: appSecret,
    grant_type: "authorization_code",
    redirect_uri: opts.redirectUri,
    // Instagram appends "#_" to the code in the redirect; it is not part of the code.
    code: opts.code.replace(/#_$/, ""),
  });
  type Answer = {
    access_token?: string;
    user_id?: string | number;
    data?: { access_token?: string; user_id?: string | number }[];
  };
  const answer = await call<Answer>(transportFrom(opts), {
    method: "POST",
    url: new URL(`${apiOrigin(opts.env)}/oauth/access_token`),
    form,
    secrets: [appSecret, opts.code],
  });
  const entry = answer.data?.[0] ?? answer;
  if (!entry.access_token || entry.user_id === undefined)
    throw new SocialProviderError("permanent", "Instagram's token answer had no access token");
  return { accessToken: entry.access_token, userId: String(entry.user_id) };
}

export interface LongLivedToken {
  accessToken: string;
  expiresInSeconds: number;
}

async function tokenCall(
  opts: InstagramHttpOptions,
  path: string,
  params: Record<string, string>,
  secrets: string[],
): Promise<LongLivedToken> {
  const url = new URL(`${graphOrigin(opts.env)}${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const answer = await call<{ access_token?: string; expires_in?: number }>(transportFrom(opts), {
    method: "GET",
    url,
    secrets,
  });
  if (!answer.access_token || typeof answer.expires_in !== "number") {
    throw new SocialProviderError("permanent", "Instagram's token answer had no access token or expiry");
  }
  return { accessToken: answer.access_token, expiresInSeconds: answer.expires_in };
}

/** Short-lived → long-lived token (60 days). These two token endpoints take the token only as a query parameter. */
export async function exchangeForLongLivedToken(
  opts: InstagramHttpOptions & { shortLivedToken: string },
): Promise<LongLivedToken> {
  const { appSecret } = appCredentials(opts.env);
  return tokenCall(
    opts,
    "/access_token",
    { grant_type: "ig_exchange_token", client_secret: appSecret, access_token: opts.shortLivedToken },
    [appSecret, opts.shortLivedToken],
  );
}

/** A long-lived token at least 24 h old → a fresh one with a new 60-day lifetime. */
export async function refreshLongLivedToken(
  opts: InstagramHttpOptions & { accessToken: string },
): Promise<LongLivedToken> {
  return tokenCall(opts, "/refresh_access_token", { grant_type: "ig_refresh_token", access_token: opts.accessToken }, [
    opts.accessToken,
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Graph API publisher

interface GraphMedia {
  id: string;
  media_type?: string;
  media_product_type?: string;
  caption?: string;
  permalink?: string;
  media_url?: string;
  thumbnail_url?: string;
  timestamp?: string;
  like_count?: number;
  comments_count?: number;
}

/** Instagram's timestamps look like 2019-04-05T07:56:32+0000, which Date.parse does not read everywhere. */
function parseInstagramTime(value: string | undefined): Date {
  if (!value) return new Date(0);
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const parsed = new Date(normalised);
  return Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
}

function remoteMediaFrom(media: GraphMedia): RemoteMedia {
  return {
    id: String(media.id),
    mediaType: media.media_type ?? "IMAGE",
    mediaProductType: media.media_product_type ?? null,
    caption: media.caption ?? null,
    permalink: media.permalink ?? null,
    mediaUrl: media.media_url ?? null,
    thumbnailUrl: media.thumbnail_url ?? null,
    timestamp: parseInstagramTime(media.timestamp),
    likeCount: media.like_count ?? null,
    commentsCount: media.comments_count ?? null,
  };
}

/**
 * Media insights metrics valid per media (impressions and plays are gone since v22; `views` replaces them and is
 * stored as impressions). Album children have no insights; stories have no likes or saves.
 */
export function insightMetricsFor(media: { mediaType: string; mediaProductType: string | null }): string[] {
  if (media.mediaProductType === "STORY") return ["reach", "views"];
  return ["reach", "likes", "comments", "saved", "views"];
}

const CONTAINER_STATUSES: readonly ContainerStatus[] = ["IN_PROGRESS", "FINISHED", "ERROR", "EXPIRED", "PUBLISHED"];

export interface InstagramPublisherOptions {
  env: Env | InstagramEnv;
  accessToken: string;
  igUserId: string;
  observer?: UsageObserver;
  fetch?: typeof fetch;
  /** Per-request timeout; default 20 s. */
  timeoutMs?: number;
}

export function createInstagramPublisher(opts: InstagramPublisherOptions): SocialPublisher {
  const transport = transportFrom(opts);
  const base = `${graphOrigin(opts.env)}/${INSTAGRAM_GRAPH_VERSION}`;
  const userPath = encodeURIComponent(opts.igUserId);
  const secrets = [opts.accessToken];
  const url = (path: string, params: Record<string, string> = {}) => {
    const target = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    return target;
  };
  const get = <T>(path: string, params?: Record<string, string>) =>
    call<T>(transport, { method: "GET", url: url(path, params), bearer: opts.accessToken, secrets });
  const post = <T>(path: string, form: Record<string, string>, sideEffectUnknownOnTimeout = false) =>
    call<T>(transport, {
      method: "POST",
      url: url(path),
      form: new URLSearchParams(form),
      bearer: opts.accessToken,
      secrets,
      sideEffectUnknownOnTimeout,
    });

  return {
    async getProfile(): Promise<ProviderProfile> {
      const me = await get<{
        user_id?: string | number;
        id?: string;
        username?: string;
        name?: string;
        profile_picture_url?: string;
        followers_count?: number;
        follows_count?: number;
        media_count?: number;
      }>("/me", { fields: PROFILE_FIELDS });
      return {
        externalId: String(me.user_id ?? me.id ?? opts.igUserId),
        username: me.username ?? "",
        displayName: me.name ?? null,
        profilePictureUrl: me.profile_picture_url ?? null,
        followersCount: me.followers_count ?? null,
        followsCount: me.follows_count ?? null,
        mediaCount: me.media_count ?? null,
      };
    },

    async createItemContainer(request: ItemContainerRequest) {
      const form: Record<string, string> = {};
      if (request.kind === "image") {
        form.image_url = request.url;
      } else {
        form.video_url = request.url;
        // A carousel's video child is VIDEO; a standalone video can only be published as a reel.
        form.media_type = request.isCarouselItem ? "VIDEO" : "REELS";
      }
      if (request.isCarouselItem) form.is_carousel_item = "true";
      else if (request.caption) form.caption = request.caption;
      const created = await post<{ id: string }>(`/${userPath}/media`, form);
      return { id: String(created.id) };
    },

    async createCarouselContainer(request) {
      const created = await post<{ id: string }>(`/${userPath}/media`, {
        media_type: "CAROUSEL",
        children: request.children.join(","),
        ...(request.caption ? { caption: request.caption } : {}),
      });
      return { id: String(created.id) };
    },

    async getContainerStatus(containerId) {
      const answer = await get<{ status_code?: string; status?: string }>(`/${encodeURIComponent(containerId)}`, {
        fields: "status_code,status",
      });
      const code = answer.status_code as ContainerStatus | undefined;
      if (!code || !CONTAINER_STATUSES.includes(code)) {
        throw new SocialProviderError(
          "transient",
          `Instagram reported an unknown container status ${answer.status_code ?? "(none)"}`,
        );
      }
      const message = code === "ERROR" || code === "EXPIRED" ? (answer.status ?? null) : null;
      return { status: code, message };
    },

    async publishContainer(containerId) {
      const published = await post<{ id: string }>(`/${userPath}/media_publish`, { creation_id: containerId }, true);
      return { mediaId: String(published.id) };
    },

    async getMedia(mediaId) {
      return remoteMediaFrom(await get<GraphMedia>(`/${encodeURIComponent(mediaId)}`, { fields: MEDIA_FIELDS }));
    },

    async listMedia(options): Promise<MediaPage> {
      const params: Record<string, string> = { fields: MEDIA_FIELDS, limit: String(options.limit) };
      if (options.after) params.after = options.after;
      const page = await get<{ data?: GraphMedia[]; paging?: { cursors?: { after?: string }; next?: string } }>(
        `/${userPath}/media`,
        params,
      );
      // The last page still carries cursors; only `next` says there is more.
      const after = page.paging?.next ? (page.paging.cursors?.after ?? null) : null;
      return { items: (page.data ?? []).map(remoteMediaFrom), after };
    },

    async getInsights(media): Promise<RemoteInsights> {
      const metrics = insightMetricsFor(media);
      const answer = await get<{
        data?: { name: string; values?: { value?: number }[]; total_value?: { value?: number } }[];
      }>(`/${encodeURIComponent(media.id)}/insights`, { metric: metrics.join(",") });
      const value = (name: string) => {
        const entry = answer.data?.find((d) => d.name === name);
        const raw = entry?.values?.[0]?.value ?? entry?.total_value?.value;
        return typeof raw === "number" ? raw : null;
      };
      return {
        reach: value("reach"),
        impressions: value("views"),
        saved: value("saved"),
        likes: value("likes"),
        comments: value("comments"),
      };
    },

    async getPublishingLimit() {
      const answer = await get<{ data?: { quota_usage?: number; config?: { quota_total?: number } }[] }>(
        `/${userPath}/content_publishing_limit`,
        {
          fields: "quota_usage,config",
        },
      );
      const entry = answer.data?.[0];
      return { quotaUsage: entry?.quota_usage ?? 0, quotaTotal: entry?.config?.quota_total ?? 100 };
    },
  };
}
