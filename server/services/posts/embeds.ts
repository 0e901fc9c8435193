import { and, desc, eq } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { episodes, mediaObjects, shows, tiers } from "../../../db/schema";

/**
 * The editor's choices: ready images and audio of the workspace and its episodes (newest first) for the picker, and
 * its tiers for "who can read", in one round trip.
 */
export async function listEmbedChoices(opts: { db: DbOrTx; workspaceId: string; limit: number }) {
  const media = (kind: "image" | "audio") =>
    opts.db
      .select({ id: mediaObjects.id, filename: mediaObjects.filename })
      .from(mediaObjects)
      .where(
        and(
          eq(mediaObjects.workspaceId, opts.workspaceId),
          eq(mediaObjects.kind, kind),
          eq(mediaObjects.status, "ready"),
        ),
      )
      .orderBy(desc(mediaObjects.createdAt), desc(mediaObjects.id))
      .limit(opts.limit);
  const [images, audio, rows, tierRows] = await readBatch(opts.db, [
    media("image"),
    media("audio"),
    opts.db
      .select({ id: episodes.id, title: episodes.title, showTitle: shows.title, status: episodes.status })
      .from(episodes)
      .innerJoin(shows, and(eq(shows.id, episodes.showId), eq(shows.workspaceId, episodes.workspaceId)))
      .where(eq(episodes.workspaceId, opts.workspaceId))
      .orderBy(desc(episodes.createdAt), desc(episodes.id))
      .limit(opts.limit),
    opts.db
      .select({ id: tiers.id, name: tiers.name, kind: tiers.kind })
      .from(tiers)
      .where(eq(tiers.workspaceId, opts.workspaceId))
      .orderBy(tiers.position, tiers.createdAt),
  ]);
  return {
    images,
    audio,
    episodes: rows.map(({ status, ...row }) => ({ ...row, published: status === "published" })),
    tiers: tierRows,
  };
}
