import { getEventCoverForReader } from "../services/events/public";
import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { getMemberMedia, getPublishedEpisodeAudio, getShowArtwork } from "../services/podcasts/public";
import type { TrpcContext } from "../trpc/context";
import { notFoundResponse, serveR2Object, type StoredObject } from "./r2-range";
import { isRowId } from "../lib/text";
import { getPostMediaForReader } from "../services/posts/public";
import { EnclosureRecorder } from "../services/analytics/recording";
import { ipPrefix, utcDay } from "../services/analytics/listener";
import { serveConcatenation } from "../services/ads/concat";
import { arrangeRequest, isolateInsertionCache } from "../services/ads/insertion";
import { edgeCache } from "../lib/edge-cache";

type MediaEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

/** "audio" or "audio.mp3": directories expect enclosure URLs to end in the file's extension. */
const named = (file: string, name: string) => new RegExp(`^${name}(\\.[a-z0-9]{2,5})?$`).test(file);

/** Published episodes' audio and shows' artwork are public: players and directories fetch them without a session. */
const PUBLIC_HEADERS = {
  "access-control-allow-origin": "*",
  // A web player reads the arrangement to fetch chapters and transcripts shifted for it (ADR 024).
  "access-control-expose-headers": "content-length, content-range, accept-ranges, etag, x-greenroom-arrangement",
};

/** A NOT_FOUND from the service is a 404; anything else is a bug and propagates. */
async function serve(
  c: Context<MediaEnv>,
  find: () => Promise<StoredObject>,
  cacheControl: string,
  headers?: Record<string, string>,
) {
  let object: StoredObject;
  try {
    object = await find();
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return notFoundResponse(error.message);
    throw error;
  }
  return serveR2Object({ bucket: c.env.MEDIA, request: c.req.raw, object, cacheControl, headers });
}

/**
 * An episode's audio: as stored, or with the ads booked into its slots joined in (docs/decisions/024). The
 * bookings are read beside the audio (one wave) or come from this isolate's cache; an episode with none is served
 * exactly as before. Arrangements, layouts and the record of stored arrangements are cached (isolateInsertionCache).
 */
async function serveEpisodeAudio(c: Context<MediaEnv>, episodeId: string) {
  const db = c.var.trpc.db;
  const now = c.var.trpc.clock();
  const audio = getPublishedEpisodeAudio({ db, episodeId });
  // A 404 is awaited only after the bookings read; marked handled now so it is not an unhandled rejection meanwhile.
  audio.catch(() => undefined);
  const arrangement = await arrangeRequest({
    db,
    bucket: c.env.MEDIA,
    episodeId,
    episode: audio,
    now,
    seed: insertionSeed(c, episodeId, now),
    listener: { ip: c.req.header("cf-connecting-ip") ?? "", userAgent: c.req.header("user-agent") ?? "" },
    cache: isolateInsertionCache,
    layouts: edgeCache(),
    waitUntil: (work) => c.executionCtx.waitUntil(work),
  })
    // Insertion must never cost a listener the episode: on any failure the stored file is served.
    .catch((error: unknown) => {
      if (!(error instanceof AppError))
        console.error(JSON.stringify({ event: "ads.insertion_failed", episodeId, error: String(error) }));
      return null;
    });
  if (!arrangement) {
    const response = await serve(c, () => audio, "public, max-age=3600", PUBLIC_HEADERS);
    return { response, arrangementId: null };
  }
  const { contentType } = await audio;
  const response = serveConcatenation({
    request: c.req.raw,
    parts: arrangement.parts,
    etag: `"a-${arrangement.id}"`,
    read: async (key, offset, length) => {
      const object = await c.env.MEDIA.get(key, { range: { offset, length } });
      if (!object) throw new Error(`ads: ${key} is missing from storage`);
      return object.body;
    },
    // Per listener: a shared cache must not hand one listener's arrangement to another.
    headers: {
      ...PUBLIC_HEADERS,
      "content-type": contentType,
      "cache-control": "private, max-age=3600",
      "x-content-type-options": "nosniff",
      "x-greenroom-arrangement": arrangement.id,
    },
  });
  return { response, arrangementId: arrangement.id };
}

/** Listener (IP prefix and user agent, never stored), episode and UTC day: the same download gets the same ads. */
function insertionSeed(c: Context<MediaEnv>, episodeId: string, now: Date) {
  const ip = ipPrefix(c.req.header("cf-connecting-ip") ?? "");
  return [ip, c.req.header("user-agent") ?? "", episodeId, utcDay(now)].join("\n");
}

export const mediaRoutes = new Hono<MediaEnv>();

/** One per isolate and mode: gathers enclosure requests into queue batches (docs/decisions/019). */
const recorders = { batched: new EnclosureRecorder(), immediate: new EnclosureRecorder(undefined, 0) };

// Hono answers HEAD with these GET handlers (dropping the body); serveR2Object then skips reading the object.
mediaRoutes.get("/media/episodes/:episodeId/:file", async (c) => {
  const episodeId = c.req.param("episodeId");
  if (!isRowId(episodeId) || !named(c.req.param("file"), "audio")) return notFoundResponse();
  const { response, arrangementId } = await serveEpisodeAudio(c, episodeId);
  // Download analytics, after the response exists and off its path; nothing to attribute on a 404.
  if (response.status !== 404) {
    try {
      const recorder = c.var.trpc.config.localTools ? recorders.immediate : recorders.batched;
      recorder.record({
        request: c.req.raw,
        response,
        episodeId,
        arrangementId,
        now: c.var.trpc.clock(),
        db: c.var.trpc.db,
        queue: c.env.ANALYTICS_QUEUE,
        waitUntil: (work) => c.executionCtx.waitUntil(work),
      });
    } catch (error) {
      console.error(JSON.stringify({ event: "analytics.record_failed", requests: 1, error: String(error) }));
    }
  }
  return response;
});

mediaRoutes.get("/media/shows/:showId/:file", (c) => {
  const showId = c.req.param("showId");
  if (!isRowId(showId) || !named(c.req.param("file"), "artwork")) return notFoundResponse();
  return serve(c, () => getShowArtwork({ db: c.var.trpc.db, showId }), "public, max-age=3600", PUBLIC_HEADERS);
});

/**
 * Images and audio in posts, for readers the post's gate admits (ADR 026): public posts' files are public, gated
 * ones private to the reader.
 */
mediaRoutes.get("/media/posts/:postId/:mediaId", async (c) => {
  const postId = c.req.param("postId");
  const mediaId = c.req.param("mediaId");
  if (!isRowId(postId) || !isRowId(mediaId)) return notFoundResponse();
  let shareable = false;
  const response = await serve(
    c,
    async () => {
      const found = await getPostMediaForReader({
        db: c.var.trpc.db,
        postId,
        mediaId,
        auth: c.var.trpc.auth,
        now: c.var.trpc.clock(),
      });
      shareable = found.shareable;
      return found.object;
    },
    "private, max-age=300",
  );
  if (shareable) response.headers.set("cache-control", "public, max-age=3600");
  return response;
});

/** An event's cover, for readers the event's gate admits (ADR 030); public events' covers are public. */
mediaRoutes.get("/media/events/:eventId/cover", async (c) => {
  const eventId = c.req.param("eventId");
  if (!isRowId(eventId)) return notFoundResponse();
  let shareable = false;
  const response = await serve(
    c,
    async () => {
      const found = await getEventCoverForReader({
        db: c.var.trpc.db,
        eventId,
        auth: c.var.trpc.auth,
        now: c.var.trpc.clock(),
      });
      shareable = found.shareable;
      return found.object;
    },
    "private, max-age=300",
  );
  if (shareable) response.headers.set("cache-control", "public, max-age=3600");
  return response;
});

/** Any ready file of a workspace the user belongs to (the transcript viewer's player); others get 404. */
mediaRoutes.get("/api/media/:mediaId", (c) => {
  const auth = c.var.trpc.auth;
  if (!auth) return c.text("Log in to play this file.", 401, { "cache-control": "no-store" });
  const mediaId = c.req.param("mediaId");
  if (!isRowId(mediaId)) return notFoundResponse();
  return serve(c, () => getMemberMedia({ db: c.var.trpc.db, mediaId, userId: auth.user.id }), "private, max-age=300");
});
