import * as z from "zod";
import { STRIPE_EVENT_OUTCOMES } from "../../../../db/schema";
import { listStripeEvents } from "../../../services/billing/accounts";
import { workspaceProcedure } from "../../init";

export const ZListEventsInput = z.object({ limit: z.number().int().min(1).max(100).default(25) });
export const ZListEventsOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      outcome: z.enum(STRIPE_EVENT_OUTCOMES),
      detail: z.string().nullable(),
      attempts: z.number().int(),
      receivedAt: z.date(),
      processedAt: z.date().nullable(),
    }),
  ),
});

export const listEventsProcedure = workspaceProcedure("billing.manage")
  .input(ZListEventsInput)
  .output(ZListEventsOutput)
  .query(async ({ ctx, input }) => ({
    items: await listStripeEvents({ db: ctx.db, workspaceId: ctx.access.workspaceId, limit: input.limit }),
  }));
