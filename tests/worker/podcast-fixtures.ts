import { env } from "cloudflare:test";
import { createDb } from "../../db/client";
import { insertEpisode, insertMedia, insertPublishedEpisode, insertShow } from "../support/podcasts";
import { signUpOverHttp } from "./http";
import "./env";

/** The Worker's own database, reached as the Worker reaches it; close it when done. */
export const workerDb = () => createDb({ databaseUrl: env.DATABASE_URL, localProxy: env.LOCAL_DB_PROXY });

/** Bytes that depend on their position, so serving the wrong range cannot pass by accident. */
export const audioBytes = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) & 0xff);

/**
 * A signed-up owner with a show and one published episode whose audio is really in R2 (env.MEDIA), plus a
 * draft episode whose audio is stored too.
 */
export async function publishedShow(opts: { size?: number; showTitle?: string } = {}) {
  const owner = await signUpOverHttp("Feed Owner");
  const size = opts.size ?? 10_000;
  const handle = workerDb();
  try {
    const show = await insertShow(handle.db, owner.workspaceId, {
      title: opts.showTitle ?? "Worker Show",
      category: "Technology",
    });
    const { episode, media } = await insertPublishedEpisode(
      handle.db,
      show,
      { title: "Live episode", episodeNumber: 1 },
      { size, contentType: "audio/mpeg" },
    );
    const bytes = audioBytes(size);
    await env.MEDIA.put(media.r2Key, bytes);
    const draftAudio = await insertMedia(handle.db, owner.workspaceId, { size: 500 });
    await env.MEDIA.put(draftAudio.r2Key, audioBytes(500));
    const draft = await insertEpisode(handle.db, show, { title: "Draft episode", audioMediaId: draftAudio.id });
    return { owner, show, episode, media, bytes, draft, draftAudio };
  } finally {
    await handle.close();
  }
}
