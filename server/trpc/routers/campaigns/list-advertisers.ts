import * as z from "zod";
import { listAdvertisers } from "../../../services/campaigns/advertisers";
import { workspaceProcedure } from "../../init";

export const ZListAdvertisersOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      contacts: z.array(z.object({ name: z.string(), email: z.string(), role: z.string() })),
      createdAt: z.date(),
      campaignCount: z.number(),
    }),
  ),
  truncated: z.boolean(),
});

export const listAdvertisersProcedure = workspaceProcedure("campaigns.read")
  .output(ZListAdvertisersOutput)
  .query(({ ctx }) => listAdvertisers({ db: ctx.db, workspaceId: ctx.access.workspaceId }));
