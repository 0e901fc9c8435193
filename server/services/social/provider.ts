import { cleanExternalText } from "../../lib/text";
/**
 * What the publishing pipeline and the sync need from a social network. Instagram (Graph API over HTTP) and the
 * Sandbox (tables in our own database) both implement it, so every step — containers, status polling, publish,
 * reconciliation, quota, sync — runs the same code whichever account a post goes to.
 */

/** Instagram's container states (status_code); the Sandbox reports the same ones. */
export type ContainerStatus = "IN_PROGRESS" | "FINISHED" | "ERROR" | "EXPIRED" | "PUBLISHED";

/**
 * transient: worth retrying with backoff (5xx, network, timeout before the request was sent);
 * permanent: retrying cannot help (bad media, caption rejected, object gone) — shown to the user as is;
 * rate_limited: Meta throttled the app or account; wait `retryAfterSeconds` (or back off) without burning a retry;
 * auth: the token is invalid or expired — the account needs reconnecting;
 * unknown_outcome: the request may or may not have taken effect (timeout after a publish was sent).
 */
export type ProviderErrorKind = "transient" | "permanent" | "rate_limited" | "auth" | "unknown_outcome";

export class SocialProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { code?: number; subcode?: number; httpStatus?: number; retryAfterSeconds?: number } = {},
  ) {
    // Messages carry Instagram's text into reason and lastSyncError columns.
    super(cleanExternalText(message));
    this.name = "SocialProviderError";
  }
}

/** One usage reading from Meta's X-App-Usage / X-Business-Use-Case-Usage headers (highest percentage wins). */
export interface ApiUsageReading {
  maxUsagePercent: number;
  /** Meta's estimated_time_to_regain_access, in minutes, when it reported one. */
  regainAccessMinutes?: number;
}

export interface ProviderProfile {
  externalId: string;
  username: string;
  displayName: string | null;
  profilePictureUrl: string | null;
  followersCount: number | null;
  followsCount: number | null;
  mediaCount: number | null;
}

/** A media item as the provider lists it (Instagram's IG Media fields). */
export interface RemoteMedia {
  id: string;
  mediaType: string;
  mediaProductType: string | null;
  caption: string | null;
  permalink: string | null;
  mediaUrl: string | null;
  thumbnailUrl: string | null;
  timestamp: Date;
  likeCount: number | null;
  commentsCount: number | null;
}

export interface RemoteInsights {
  reach: number | null;
  impressions: number | null;
  saved: number | null;
  likes: number | null;
  comments: number | null;
}

export interface MediaPage {
  items: RemoteMedia[];
  /** Cursor for the next (older) page; null at the end. */
  after: string | null;
}

export type ItemContainerRequest =
  | { kind: "image"; url: string; caption?: string; isCarouselItem?: boolean }
  | { kind: "video"; url: string; caption?: string; isCarouselItem?: boolean; reel?: boolean };

/**
 * A connected account's client. Implementations report every API response's usage through `onUsage` (the
 * pipeline records it in social_api_usage) and throw SocialProviderError for every failure.
 */
export interface SocialPublisher {
  getProfile(): Promise<ProviderProfile>;
  createItemContainer(request: ItemContainerRequest): Promise<{ id: string }>;
  createCarouselContainer(request: { children: string[]; caption: string }): Promise<{ id: string }>;
  getContainerStatus(containerId: string): Promise<{ status: ContainerStatus; message: string | null }>;
  publishContainer(containerId: string): Promise<{ mediaId: string }>;
  getMedia(mediaId: string): Promise<RemoteMedia>;
  /** Newest first; `since` stops paging at items older than it. */
  listMedia(options: { after?: string | null; limit: number }): Promise<MediaPage>;
  getInsights(media: { id: string; mediaType: string; mediaProductType: string | null }): Promise<RemoteInsights>;
  /** Posts published in the last 24 h and the allowance (content_publishing_limit). */
  getPublishingLimit(): Promise<{ quotaUsage: number; quotaTotal: number }>;
}

export interface UsageObserver {
  onUsage?(reading: ApiUsageReading): void;
  onCall?(): void;
}
