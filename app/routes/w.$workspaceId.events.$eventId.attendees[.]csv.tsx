import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { csvLine } from "../../server/services/audience/csv";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";

const COLUMNS = ["name", "email", "ticketType", "status", "price", "ticketId", "orderId", "issuedAt"] as const;

/** Every attendee of the event as CSV (one procedure, one wave after the session). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    const { rows } = await context.api.events.exportAttendees({
      workspaceId: params.workspaceId ?? "",
      eventId: params.eventId ?? "",
    });
    const lines = [COLUMNS.join(","), ...rows.map((row) => csvLine(COLUMNS.map((column) => row[column])))];
    return new Response(`${lines.join("\r\n")}\r\n`, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="attendees.csv"',
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}
