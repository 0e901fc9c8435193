import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { renderSrt } from "../services/exports/srt";
import { renderVtt } from "../services/exports/vtt";
import { buildChaptersJson } from "../services/podcasts/feed";
import { EnclosureRecorder } from "../services/analytics/recording";
import {
  getPrivateEpisodeAudio,
  getPrivateEpisodeTranscript,
  getPrivateFeed,
  type PrivateFileResult,
} from "../services/private-feeds/feed";
import { recordPrivateFeedFetch } from "../services/private-feeds/sharing";
import { privateFeedKey } from "../services/private-feeds/tokens";
import type { TrpcContext } from "../trpc/context";
import { notFoundResponse, serveR2Object } from "./r2-range";
import { isRowId } from "../lib/text";

type PrivateFeedEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

/**
 * Private member feeds and their episodes' files (ADR 028): `/feeds/private/:token` and
 * `/feeds/private/:token/episodes/:episodeId/{audio.*,transcript.vtt,transcript.srt,chapters.json}`.
 * Every answer is `private, no-store`: neither the edge cache (its path list does not match these, and it refuses
 * `private`) nor an intermediary may keep one, so a revoked grant or a rotated address is refused on the next
 * request. The token is never logged; errors name the route, not the path.
 */

const NO_STORE = "private, no-store";

/** A feed's refusal carries an RSS body a podcast app shows; a file's says the same in plain words. */
function refused(status: 404 | 410, xml: string | null) {
  if (status === 404) return notFoundResponse();
  return xml === null
    ? new Response("This private feed address no longer works. Get your current one from your account page.", {
        status,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": NO_STORE },
      })
    : new Response(xml, {
        status,
        headers: { "content-type": "application/rss+xml; charset=utf-8", "cache-control": NO_STORE },
      });
}

function privateDocument(body: string | Uint8Array<ArrayBuffer>, contentType: string) {
  return new Response(body, {
    status: 200,
    headers: {
      "cache-control": NO_STORE,
      "x-content-type-options": "nosniff",
      "content-type": contentType,
      "referrer-policy": "no-referrer",
    },
  });
}

const keyOf = (c: Context<PrivateFeedEnv>) => privateFeedKey(c.env.UPLOAD_SIGNING_SECRET);

/** "audio" or "audio.mp3", as on the public route. */
const isAudioFile = (file: string) => /^audio(\.[a-z0-9]{2,5})?$/.test(file);

export const privateFeedRoutes = new Hono<PrivateFeedEnv>();

privateFeedRoutes.get("/feeds/private/:token", async (c) => {
  const ctx = c.var.trpc;
  const now = ctx.clock();
  const result = await getPrivateFeed({
    db: ctx.db,
    key: await keyOf(c),
    token: c.req.param("token"),
    appUrl: ctx.config.appUrl,
    now,
  });
  if (result.kind === "refused") return refused(result.status, result.xml);
  // Sharing detection runs after the response, off its path; a failure there never refuses a listener.
  const ip = c.req.header("cf-connecting-ip");
  if (ip) {
    c.executionCtx.waitUntil(
      recordPrivateFeedFetch({
        db: ctx.db,
        workspaceId: result.workspaceId,
        supporterId: result.supporterId,
        showId: result.showId,
        ip,
        userAgent: (c.req.header("user-agent") ?? "").slice(0, 512),
        now,
        appUrl: ctx.config.appUrl,
      }).then(
        () => undefined,
        (error: unknown) =>
          console.error(JSON.stringify({ event: "private_feed.fetch_record_failed", error: String(error) })),
      ),
    );
  }
  return privateDocument(result.xml, "application/rss+xml; charset=utf-8");
});

const EPISODE_FILES = {
  "transcript.vtt": "text/vtt; charset=utf-8",
  "transcript.srt": "application/x-subrip; charset=utf-8",
  "chapters.json": "application/json+chapters; charset=utf-8",
} as const;

/** NOT_FOUND from the reads (no such episode, no transcript) is a 404, like every other unknown address. */
async function orNotFound<T>(run: () => Promise<PrivateFileResult<T>>): Promise<PrivateFileResult<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return { kind: "refused", status: 404 };
    throw error;
  }
}

const recorder = { batched: new EnclosureRecorder(), immediate: new EnclosureRecorder(undefined, 0) };

privateFeedRoutes.get("/feeds/private/:token/episodes/:episodeId/:file", async (c) => {
  const ctx = c.var.trpc;
  const { token, episodeId, file } = c.req.param();
  if (!isRowId(episodeId)) return notFoundResponse();
  const key = await keyOf(c);
  const now = ctx.clock();

  if (isAudioFile(file)) {
    const result = await orNotFound(() => getPrivateEpisodeAudio({ db: ctx.db, key, token, episodeId, now }));
    if (result.kind === "refused") return refused(result.status, null);
    const response = await serveR2Object({
      bucket: c.env.MEDIA,
      request: c.req.raw,
      object: result.value,
      cacheControl: NO_STORE,
    });
    // Members' downloads count in the show's analytics like any other (ADR 019); the recorder never sees the token.
    try {
      (ctx.config.localTools ? recorder.immediate : recorder.batched).record({
        request: c.req.raw,
        response,
        episodeId,
        now,
        db: ctx.db,
        queue: c.env.ANALYTICS_QUEUE,
        waitUntil: (work) => c.executionCtx.waitUntil(work),
      });
    } catch (error) {
      console.error(JSON.stringify({ event: "analytics.record_failed", requests: 1, error: String(error) }));
    }
    return response;
  }

  if (!Object.hasOwn(EPISODE_FILES, file)) return notFoundResponse();
  const name = file as keyof typeof EPISODE_FILES;
  const result = await orNotFound(() =>
    getPrivateEpisodeTranscript({
      db: ctx.db,
      key,
      token,
      episodeId,
      withTranscript: name !== "chapters.json",
      now,
    }),
  );
  if (result.kind === "refused") return refused(result.status, null);
  const { episode, transcript } = result.value;
  if (!transcript) return notFoundResponse("This episode has no transcript.");
  if (name === "chapters.json") {
    if (transcript.chapters.length === 0) return notFoundResponse("This episode has no chapters.");
    return privateDocument(buildChaptersJson(transcript.chapters), EPISODE_FILES[name]);
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
  return privateDocument(bytes, EPISODE_FILES[name]);
});
