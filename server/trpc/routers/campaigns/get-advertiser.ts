import * as z from "zod";
import { CAMPAIGN_STATUSES } from "../../../../db/schema";
import { getAdvertiser } from "../../../services/campaigns/advertisers";
import { ZAdvertiserId } from "../../../services/campaigns/validation";
import { workspaceProcedure } from "../../init";
import { ZAdvertiser } from "./schemas";

export const ZGetAdvertiserInput = z.object({ advertiserId: ZAdvertiserId });
export const ZGetAdvertiserOutput = ZAdvertiser.extend({
  campaigns: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      status: z.enum(CAMPAIGN_STATUSES),
      startsOn: z.string(),
      endsOn: z.string(),
      budgetCents: z.number(),
      currency: z.string(),
    }),
  ),
});

export const getAdvertiserProcedure = workspaceProcedure("campaigns.read")
  .input(ZGetAdvertiserInput)
  .output(ZGetAdvertiserOutput)
  .query(({ ctx, input }) =>
    getAdvertiser({ db: ctx.db, workspaceId: ctx.access.workspaceId, advertiserId: input.advertiserId }),
  );
