import * as z from "zod";
import { rowId } from "../../../lib/text";
import { rotatePrivateFeed } from "../../../services/private-feeds/portal";
import { authedProcedure } from "../../init";
import { ZAddToAppLinks } from "./schemas";

/** A new address for the caller's feed of one show; the old one answers 410 from its next fetch. */
export const ZRotatePrivateFeedInput = z.object({
  workspaceId: rowId("Unknown creator."),
  showId: rowId("Unknown show."),
});
export const ZRotatePrivateFeedOutput = z.object({ showId: z.uuid(), feedUrl: z.string(), apps: ZAddToAppLinks });

export const rotatePrivateFeedProcedure = authedProcedure
  .input(ZRotatePrivateFeedInput)
  .output(ZRotatePrivateFeedOutput)
  .mutation(({ ctx, input }) =>
    rotatePrivateFeed({
      db: ctx.db,
      workspaceId: input.workspaceId,
      userId: ctx.auth.user.id,
      showId: input.showId,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
