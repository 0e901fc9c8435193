import { publishDueEpisodes } from "../../../server/services/podcasts/episodes";
import { defineCron } from "../define-cron";

/** Scheduled episodes go live within a minute of their time; a late or repeated run publishes nothing twice. */
export const publishDueEpisodesCron = defineCron({
  id: "publish-due-episodes",
  schedule: "* * * * *",
  run: async (ctx) => ({ published: (await publishDueEpisodes({ db: ctx.db, now: ctx.now })).length }),
});
