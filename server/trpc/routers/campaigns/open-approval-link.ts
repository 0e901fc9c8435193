import * as z from "zod";
import { CAMPAIGN_PRICING, FLIGHT_POSITIONS } from "../../../../db/schema";
import { ZLinkToken } from "../../../services/auth/validation";
import { openApprovalLink } from "../../../services/campaigns/share-links";
import { publicProcedure } from "../../init";
import { ZCreative, ZDecision } from "./schemas";

export const ZOpenApprovalLinkInput = z.object({ token: ZLinkToken });
export const ZOpenApprovalLinkOutput = z.object({
  problem: z.enum(["revoked", "expired"]).nullable(),
  workspaceName: z.string(),
  advertiserName: z.string(),
  expiresAt: z.date(),
  campaign: z
    .object({
      name: z.string(),
      pricing: z.enum(CAMPAIGN_PRICING),
      rateCents: z.number(),
      budgetCents: z.number(),
      currency: z.string(),
      startsOn: z.string(),
      endsOn: z.string(),
      ioContactName: z.string(),
      flights: z.array(
        z.object({
          id: z.uuid(),
          name: z.string(),
          startsOn: z.string(),
          endsOn: z.string(),
          position: z.enum(FLIGHT_POSITIONS),
          impressionsGoal: z.number(),
        }),
      ),
      ioDecision: ZDecision.nullable(),
      creatives: z.array(ZCreative.extend({ decision: ZDecision.nullable() })),
    })
    .nullable(),
});

/** Anonymous: the advertiser opens the link without an account; rate-limited per address beside the lookup. */
export const openApprovalLinkProcedure = publicProcedure
  .input(ZOpenApprovalLinkInput)
  .output(ZOpenApprovalLinkOutput)
  .query(({ ctx, input }) => openApprovalLink({ db: ctx.db, token: input.token, ip: ctx.meta.ip, now: ctx.clock() }));
