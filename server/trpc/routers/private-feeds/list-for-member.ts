import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listMemberPrivateFeeds } from "../../../services/private-feeds/portal";
import { workspaceProcedure } from "../../init";

/**
 * A member's private feeds on the creator's member page: rotations and the sharing flag, never an address.
 * `content.read` until audcore's `audience.read` permission lands on main.
 */
export const ZListMemberPrivateFeedsInput = z.object({ supporterId: rowId("Unknown member.") });
export const ZListMemberPrivateFeedsOutput = z.array(
  z.object({
    showId: z.uuid(),
    showTitle: z.string(),
    rotations: z.number().int(),
    rotatedAt: z.date().nullable(),
    sharedFlaggedAt: z.date().nullable(),
    sharedListenerCount: z.number().int().nullable(),
  }),
);

export const listForMemberPrivateFeedsProcedure = workspaceProcedure("content.read")
  .input(ZListMemberPrivateFeedsInput)
  .output(ZListMemberPrivateFeedsOutput)
  .query(({ ctx, input }) =>
    listMemberPrivateFeeds({ db: ctx.db, workspaceId: ctx.access.workspaceId, supporterId: input.supporterId }),
  );
