import * as z from "zod";
import { PAYMENT_PROVIDERS, SUPPORTER_SOURCES, SUPPORTER_STATUSES } from "../../../../db/schema";
import { getMember } from "../../../services/audience/members";
import { workspaceProcedure } from "../../init";
import { ZGrantRow, ZSupporterId } from "./schemas";

export const ZGetMemberInput = z.object({ supporterId: ZSupporterId });
export const ZGetMemberOutput = z.object({
  member: z.object({
    supporterId: z.uuid(),
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    status: z.enum(SUPPORTER_STATUSES),
    source: z.enum(SUPPORTER_SOURCES),
    note: z.string(),
    joinedAt: z.date(),
    blockedAt: z.date().nullable(),
    blockedReason: z.string().nullable(),
    emailNewsletters: z.boolean(),
    emailNotifications: z.boolean(),
  }),
  grants: z.array(ZGrantRow),
  payments: z.array(
    z.object({
      id: z.uuid(),
      eventType: z.string(),
      amountCents: z.number().int(),
      currency: z.string(),
      provider: z.enum(PAYMENT_PROVIDERS),
      outcome: z.enum(["applied", "ignored"]),
      createdAt: z.date(),
    }),
  ),
  history: z.array(
    z.object({
      id: z.uuid(),
      action: z.string(),
      createdAt: z.date(),
      actorName: z.string().nullable(),
      grantId: z.string().nullable(),
      status: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
});

export const getMemberProcedure = workspaceProcedure("audience.read")
  .input(ZGetMemberInput)
  .output(ZGetMemberOutput)
  .query(({ ctx, input }) =>
    getMember({ db: ctx.db, workspaceId: ctx.access.workspaceId, supporterId: input.supporterId }),
  );
