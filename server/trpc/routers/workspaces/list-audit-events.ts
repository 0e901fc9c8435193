import * as z from "zod";
import { rowId } from "../../../lib/text";
import { listWorkspaceAuditEvents } from "../../../services/audit/audit";
import { workspaceProcedure } from "../../init";

const ZCursor = z.object({
  createdAt: z.coerce.date(),
  id: rowId("This page of the list does not exist. Start again from the first page."),
});

export const ZListAuditEventsInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: ZCursor.nullish(),
});
export const ZListAuditEventsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      action: z.string(),
      detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      createdAt: z.date(),
      actorEmail: z.string().nullable(),
      actorName: z.string().nullable(),
    }),
  ),
  nextCursor: ZCursor.nullable(),
});

export const listAuditEventsProcedure = workspaceProcedure("audit.read")
  .input(ZListAuditEventsInput)
  .output(ZListAuditEventsOutput)
  .query(({ ctx, input }) =>
    listWorkspaceAuditEvents({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      limit: input.limit,
      cursor: input.cursor ?? undefined,
    }),
  );
