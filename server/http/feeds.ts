import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { shiftChapters, shiftSegments } from "../services/ads/timeline";
import { renderSrt } from "../services/exports/srt";
import { renderVtt } from "../services/exports/vtt";
import { buildChaptersJson, buildFeedXml } from "../services/podcasts/feed";
import { getPublicShow, getPublishedEpisode } from "../services/podcasts/public";
import type { TrpcContext } from "../trpc/context";
import { notFoundResponse } from "./r2-range";
import { isRowId } from "../lib/text";

type FeedEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

/** Directories poll feeds often; five minutes keeps them fresh without regenerating on every poll. */
const CACHE_CONTROL = "public, max-age=300";

/**
 * A public document for every visitor. Its ETag and 304s come from the edge cache in front of this route
 * (./edge-cache.ts), which stores the ETag with the cached copy so a conditional poll is answered without a render.
 */
function publicDocument(body: string | Uint8Array<ArrayBuffer>, contentType: string) {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return new Response(bytes, {
    status: 200,
    headers: {
      "cache-control": CACHE_CONTROL,
      "access-control-allow-origin": "*",
      "x-content-type-options": "nosniff",
      "content-type": contentType,
      "content-length": String(bytes.length),
    },
  });
}

/** Unknown, unpublished and malformed ids all look the same: 404. */
async function orNotFound(run: () => Promise<Response>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return notFoundResponse(error.message);
    throw error;
  }
}

export const feedRoutes = new Hono<FeedEnv>();

feedRoutes.get("/feeds/:file", (c) => {
  const showId = /^(.+)\.xml$/.exec(c.req.param("file"))?.[1] ?? "";
  if (!isRowId(showId)) return notFoundResponse();
  return orNotFound(async () => {
    const feed = await getPublicShow({ db: c.var.trpc.db, showId });
    return publicDocument(
      await buildFeedXml({ feed, appUrl: c.var.trpc.config.appUrl }),
      "application/rss+xml; charset=utf-8",
    );
  });
});

const EPISODE_FILES = {
  "transcript.vtt": "text/vtt; charset=utf-8",
  "transcript.srt": "application/x-subrip; charset=utf-8",
  "chapters.json": "application/json+chapters; charset=utf-8",
} as const;

/**
 * Transcripts and chapters of published episodes, linked from the feed's podcast:transcript / podcast:chapters.
 * With an arrangement (the id the enclosure answered in `x-greenroom-arrangement`), every time is shifted by the ads
 * that arrangement inserted before it (ADR 024); its bytes never change, so the shifted file is as cacheable.
 */
function episodeFile(c: Context<FeedEnv>, arrangementId?: string) {
  const { showId, episodeId, file } = c.req.param() as { showId: string; episodeId: string; file: string };
  if (!isRowId(showId) || !isRowId(episodeId) || !Object.hasOwn(EPISODE_FILES, file)) return notFoundResponse();
  if (arrangementId !== undefined && !ARRANGEMENT_ID.test(arrangementId)) return notFoundResponse();
  const name = file as keyof typeof EPISODE_FILES;
  return orNotFound(async () => {
    const { episode, transcript, arrangementAds } = await getPublishedEpisode({
      db: c.var.trpc.db,
      showId,
      episodeId,
      withTranscript: name !== "chapters.json",
      arrangementId,
    });
    if (!transcript) return notFoundResponse("This episode has no transcript.");
    const ads = arrangementAds ?? [];
    if (name === "chapters.json") {
      if (transcript.chapters.length === 0) return notFoundResponse("This episode has no chapters.");
      return publicDocument(buildChaptersJson(shiftChapters(ads, transcript.chapters)), EPISODE_FILES[name]);
    }
    const render = name === "transcript.vtt" ? renderVtt : renderSrt;
    const bytes = render({
      id: transcript.id,
      title: episode.title,
      language: transcript.language,
      summary: null,
      chapters: [],
      segments: shiftSegments(ads, transcript.segments),
    });
    return publicDocument(bytes, EPISODE_FILES[name]);
  });
}

/** An arrangement id: 12 bytes of SHA-256 in hex (server/services/ads/insertion.ts). */
const ARRANGEMENT_ID = /^[0-9a-f]{24}$/;

feedRoutes.get("/feeds/:showId/episodes/:episodeId/:file", (c) => episodeFile(c));
feedRoutes.get("/feeds/:showId/episodes/:episodeId/arrangements/:arrangementId/:file", (c) =>
  episodeFile(c, c.req.param("arrangementId")),
);
