import { z } from "zod";

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

const ZCursorJson = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

/** base64url of JSON {createdAt ISO, id}: opaque in the URL, readable when debugging. */
export function encodeCursor(cursor: AuditCursor): string {
  const json = JSON.stringify({ createdAt: cursor.createdAt.toISOString(), id: cursor.id });
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The cursor in a `?cursor=` value, or null when it is not one of ours. */
export function decodeCursor(value: string): AuditCursor | null {
  try {
    const parsed = ZCursorJson.safeParse(JSON.parse(atob(value.replace(/-/g, "+").replace(/_/g, "/"))));
    return parsed.success ? { createdAt: new Date(parsed.data.createdAt), id: parsed.data.id } : null;
  } catch {
    return null;
  }
}
