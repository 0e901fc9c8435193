import * as z from "zod";
import { loadOfflineList } from "../../../services/checkin/check-ins";
import { workspaceProcedure } from "../../init";
import { ZCheckIn, ZEventId, ZOfflineTicket } from "./schemas";

/** The event's ticket list, live check-ins and the workspace's public key, stored by the steward's device. */
export const ZGetOfflineListInput = z.object({ eventId: ZEventId });
export const ZGetOfflineListOutput = z.object({
  event: z.object({
    id: z.uuid(),
    title: z.string(),
    startsAt: z.date(),
    endsAt: z.date(),
    timeZone: z.string(),
    venue: z.string(),
    status: z.string(),
  }),
  publicKey: z.string(),
  lists: z.array(z.string()),
  tickets: z.array(ZOfflineTicket),
  checkIns: z.array(ZCheckIn),
});

export const getOfflineListProcedure = workspaceProcedure("checkin.scan")
  .input(ZGetOfflineListInput)
  .output(ZGetOfflineListOutput)
  .query(({ ctx, input }) =>
    loadOfflineList({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
      secret: ctx.env.UPLOAD_SIGNING_SECRET,
    }),
  );
