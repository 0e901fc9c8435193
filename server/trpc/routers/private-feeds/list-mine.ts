import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listMyPrivateFeeds } from "../../../services/private-feeds/portal";
import { authedProcedure } from "../../init";
import { ZAddToAppLinks } from "./schemas";

/**
 * The caller's private feeds in one creator's workspace (the supporter portal). Anyone signed in may ask; a person
 * outside the audience gets `membership: "none"` and no feeds, which says nothing about anyone else.
 */
export const ZListMyPrivateFeedsInput = z.object({ workspaceId: rowId("Unknown creator.") });
export const ZListMyPrivateFeedsOutput = z.object({
  membership: z.enum(["none", "active", "ended", "blocked"]),
  feeds: z.array(
    z.object({
      showId: z.uuid(),
      showTitle: z.string(),
      membersEpisodes: z.number().int(),
      feedUrl: z.string(),
      apps: ZAddToAppLinks,
    }),
  ),
});

export const listMinePrivateFeedsProcedure = authedProcedure
  .input(ZListMyPrivateFeedsInput)
  .output(ZListMyPrivateFeedsOutput)
  .query(({ ctx, input }) =>
    listMyPrivateFeeds({
      db: ctx.db,
      workspaceId: input.workspaceId,
      userId: ctx.auth.user.id,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
      appUrl: ctx.config.appUrl,
      now: ctx.clock(),
    }),
  );
