import { inArray } from "drizzle-orm";
import { episodes } from "../../../db/schema";
import { purgePublicShow } from "../../../server/lib/edge-cache";
import { publishDueEpisodes } from "../../../server/services/podcasts/episodes";
import type { JobContext } from "../../job-context";
import { defineCron } from "../define-cron";

/**
 * Drops the cached feed and pages of what just went live in the colo running the cron; every other colo's copy
 * expires within the edge cache's TTL (docs/decisions/017).
 */
async function purgePublished(ctx: JobContext, episodeIds: string[]) {
  if (episodeIds.length === 0) return;
  const rows = await ctx.db
    .select({ id: episodes.id, showId: episodes.showId })
    .from(episodes)
    .where(inArray(episodes.id, episodeIds));
  const byShow = new Map<string, string[]>();
  for (const row of rows) byShow.set(row.showId, [...(byShow.get(row.showId) ?? []), row.id]);
  await Promise.all(
    [...byShow].map(([showId, ids]) => purgePublicShow({ appUrl: ctx.config.appUrl, showId, episodeIds: ids })),
  );
}

/** Scheduled episodes go live within a minute of their time; a late or repeated run publishes nothing twice. */
export const publishDueEpisodesCron = defineCron({
  id: "publish-due-episodes",
  schedule: "* * * * *",
  run: async (ctx) => {
    const published = await publishDueEpisodes({ db: ctx.db, now: ctx.now });
    await purgePublished(ctx, published);
    return { published: published.length };
  },
});
