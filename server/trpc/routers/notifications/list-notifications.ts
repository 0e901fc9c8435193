import * as z from "zod";
import { NOTIFICATION_KINDS } from "../../../../db/schema";
import { listNotifications } from "../../../services/notifications/notify";
import { workspaceProcedure } from "../../init";

export const ZListNotificationsInput = z.object({ limit: z.number().int().min(1).max(100).default(50) });
export const ZListNotificationsOutput = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(NOTIFICATION_KINDS),
      title: z.string(),
      body: z.string(),
      link: z.string().nullable(),
      readAt: z.date().nullable(),
      createdAt: z.date(),
    }),
  ),
  unread: z.number().int(),
});

/** The caller's own notifications in this workspace, newest first, with the unread count. */
export const listNotificationsProcedure = workspaceProcedure("content.read")
  .input(ZListNotificationsInput)
  .output(ZListNotificationsOutput)
  .query(({ ctx, input }) =>
    listNotifications({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      userId: ctx.auth.user.id,
      limit: input.limit,
    }),
  );
