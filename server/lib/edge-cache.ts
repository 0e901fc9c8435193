import { podcastUrls } from "../services/podcasts/urls";
import { postUrls } from "../services/posts/urls";

/**
 * The edge copy of public documents (feeds, transcript and chapters files, public show and episode pages) lives
 * in the Workers Cache API, which is per data center. Entries expire after EDGE_TTL_SECONDS, which bounds how
 * long any colo can serve a document older than the latest publish, edit, schedule firing or deletion; the colo
 * that handled a write also drops its copies at once (purgePublicShow). See docs/decisions/017.
 */
export const EDGE_TTL_SECONDS = 60;

/** HIT or MISS on every response that could come from the edge cache. */
export const CACHE_STATUS_HEADER = "x-greenroom-cache";

/** The project's DOM lib types `caches` without the `default` cache that workerd adds. */
type WorkersCacheStorage = { default: Cache };

/** This colo's cache; outside workerd (Node tests, scripts) there is none and purging is a no-op. */
export function edgeCache(): Cache | null {
  return typeof caches === "undefined" ? null : (caches as unknown as WorkersCacheStorage).default;
}

/** Every cached address of a show and, when given, of some of its episodes: the keys a write must drop. */
export function publicShowUrls(appUrl: string, showId: string, episodeIds: readonly string[] = []) {
  const urls = podcastUrls(appUrl);
  return [
    urls.feed(showId),
    urls.showPage(showId),
    ...episodeIds.flatMap((episodeId) => [
      urls.episodePage(showId, episodeId),
      urls.transcript(showId, episodeId, "vtt"),
      urls.transcript(showId, episodeId, "srt"),
      urls.chapters(showId, episodeId),
    ]),
  ];
}

/**
 * Drops this colo's copies of a show's feed and page and of the given episodes' page and files, so the author
 * sees a write on the next request; other colos catch up within EDGE_TTL_SECONDS.
 */
export async function purgePublicShow(opts: { appUrl: string; showId: string; episodeIds?: readonly string[] }) {
  const cache = edgeCache();
  if (!cache) return;
  await Promise.all(publicShowUrls(opts.appUrl, opts.showId, opts.episodeIds).map((url) => cache.delete(url)));
}

/** Drops this colo's copy of a post's public page; other colos catch up within EDGE_TTL_SECONDS. */
export async function purgePost(opts: { appUrl: string; workspaceId: string; postId: string }) {
  const cache = edgeCache();
  if (!cache) return;
  await cache.delete(postUrls(opts.appUrl).page(opts.workspaceId, opts.postId));
}
