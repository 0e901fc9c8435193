import * as z from "zod";
import { syncScans } from "../../../services/checkin/check-ins";
import { text, token } from "../../../lib/text";
import { workspaceProcedure } from "../../init";
import { ZCheckIn, ZCheckInList, ZEventId, ZTicketId } from "./schemas";

const ZNonce = token("scan id", { min: 16, max: 64, invalid: "This scan's id is not one the check-in page made." });

/** Scans recorded offline on one device; each admits its ticket once per list, whatever the order or repeats. */
export const ZSyncScansInput = z.object({
  eventId: ZEventId,
  deviceId: token("device id", { min: 16, max: 64, invalid: "This device's id is not one the check-in page made." }),
  deviceLabel: text("device name", { max: 60 }),
  scans: z
    .array(
      z.object({
        nonce: ZNonce,
        ticketId: ZTicketId,
        list: ZCheckInList,
        scannedAt: z.coerce.date(),
        secretVersion: z
          .number({ error: "This scan has no code version; scan the ticket again." })
          .int()
          .min(1)
          .max(1_000_000),
      }),
    )
    .max(200, "Upload at most 200 scans at once."),
});

const ticketRef = { nonce: z.string(), ticketId: z.uuid() };
export const ZSyncScansOutput = z.array(
  z.discriminatedUnion("outcome", [
    z.object({ ...ticketRef, outcome: z.literal("admitted"), checkIn: ZCheckIn }),
    z.object({ ...ticketRef, outcome: z.literal("already_checked_in"), checkIn: ZCheckIn }),
    z.object({ ...ticketRef, outcome: z.literal("undone"), checkIn: ZCheckIn }),
    z.object({ ...ticketRef, outcome: z.literal("refused"), reason: z.string() }),
  ]),
);

export const syncScansProcedure = workspaceProcedure("checkin.scan")
  .input(ZSyncScansInput)
  .output(ZSyncScansOutput)
  .mutation(({ ctx, input }) =>
    syncScans({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      eventId: input.eventId,
      userId: ctx.auth.user.id,
      deviceId: input.deviceId,
      deviceLabel: input.deviceLabel,
      scans: input.scans,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
