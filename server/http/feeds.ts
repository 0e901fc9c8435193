import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
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

async function etagOf(body: Uint8Array<ArrayBuffer>) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return `"${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/** If-None-Match holds one ETag, a list, or "*"; weak validators compare equal for GET. */
export function matchesEtag(header: string | undefined, etag: string) {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const value = candidate.trim();
    return value === "*" || value.replace(/^W\//, "") === etag;
  });
}

/** A public, cacheable document with a content-hash ETag: an unchanged one is answered 304 without a body. */
async function publicDocument(c: Context<FeedEnv>, body: string, contentType: string) {
  const bytes = new TextEncoder().encode(body);
  const etag = await etagOf(bytes);
  const headers = {
    "cache-control": CACHE_CONTROL,
    etag,
    "access-control-allow-origin": "*",
    "x-content-type-options": "nosniff",
  };
  if (matchesEtag(c.req.header("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(bytes, {
    status: 200,
    headers: { ...headers, "content-type": contentType, "content-length": String(bytes.length) },
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
      c,
      buildFeedXml({ feed, appUrl: c.var.trpc.config.appUrl }),
      "application/rss+xml; charset=utf-8",
    );
  });
});

const EPISODE_FILES = {
  "transcript.vtt": "text/vtt; charset=utf-8",
  "transcript.srt": "application/x-subrip; charset=utf-8",
  "chapters.json": "application/json+chapters; charset=utf-8",
} as const;

/** Transcripts and chapters of published episodes, linked from the feed's podcast:transcript / podcast:chapters. */
feedRoutes.get("/feeds/:showId/episodes/:episodeId/:file", (c) => {
  const { showId, episodeId, file } = c.req.param();
  if (!isRowId(showId) || !isRowId(episodeId) || !Object.hasOwn(EPISODE_FILES, file)) return notFoundResponse();
  const name = file as keyof typeof EPISODE_FILES;
  return orNotFound(async () => {
    const { episode, transcript } = await getPublishedEpisode({
      db: c.var.trpc.db,
      showId,
      episodeId,
      withTranscript: name !== "chapters.json",
    });
    if (!transcript) return notFoundResponse("This episode has no transcript.");
    if (name === "chapters.json") {
      if (transcript.chapters.length === 0) return notFoundResponse("This episode has no chapters.");
      return publicDocument(c, buildChaptersJson(transcript.chapters), EPISODE_FILES[name]);
    }
    const render = name === "transcript.vtt" ? renderVtt : renderSrt;
    const bytes = render({
      id: transcript.id,
      title: episode.title,
      language: transcript.language,
      summary: null,
      chapters: [],
      segments: transcript.segments,
    });
    return publicDocument(c, new TextDecoder().decode(bytes), EPISODE_FILES[name]);
  });
});
