import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { events, type ContentVisibility } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";

/**
 * The event a post or episode is kept for (`visibility = ticket_holders`, ADR 034): required for that visibility, an
 * event of this workspace (another workspace's is NOT_FOUND, like one that does not exist; ADR 013), and dropped for
 * every other visibility so a stale event never lingers on the row.
 */
export async function requireVisibilityEvent(
  opts: { db: DbOrTx; workspaceId: string },
  fields: { visibility: ContentVisibility; visibilityEventId: string | null | undefined },
): Promise<string | null> {
  if (fields.visibility !== "ticket_holders") return null;
  if (!fields.visibilityEventId) {
    const message = "Choose the event whose ticket holders may see it.";
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { visibilityEventId: [message] } });
  }
  const [event] = await opts.db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.id, fields.visibilityEventId), eq(events.workspaceId, opts.workspaceId)))
    .limit(1)
    .for("share");
  if (!event) throw notFound("Event");
  return event.id;
}
