import * as z from "zod";
import { APPROVAL_DECISIONS } from "../../../../db/schema";
import { ZLinkToken } from "../../../services/auth/validation";
import { decideThroughLink } from "../../../services/campaigns/share-links";
import { ZApprovalComment, ZCreativeId, ZDeciderEmail, ZDeciderName } from "../../../services/campaigns/validation";
import { publicProcedure } from "../../init";

export const ZDecideApprovalInput = z.object({
  token: ZLinkToken,
  /** Null: the insertion order itself. */
  creativeId: ZCreativeId.nullable().default(null),
  decision: z.enum(APPROVAL_DECISIONS, { error: "Choose approve or reject." }),
  comment: ZApprovalComment.default(""),
  decidedByName: ZDeciderName,
  decidedByEmail: ZDeciderEmail.default(""),
});
export const ZDecideApprovalOutput = z.object({
  decision: z.enum(APPROVAL_DECISIONS),
  decidedAt: z.date(),
  alreadyAnswered: z.boolean(),
});

/** Anonymous, through the link's token; rate-limited per address before anything is read. */
export const decideApprovalProcedure = publicProcedure
  .input(ZDecideApprovalInput)
  .output(ZDecideApprovalOutput)
  .mutation(({ ctx, input: { token, ...answer } }) =>
    decideThroughLink({ db: ctx.db, token, ...answer, meta: ctx.meta, now: ctx.clock() }),
  );
