import * as z from "zod";
import { fromBase64Url, toBase64Url } from "../../lib/base64url";
import { AppError } from "../../lib/errors";

/** Position after the last row of a page, for keyset pagination ordered by (at desc, id desc). */
export interface KeysetCursor {
  at: Date;
  id: string;
}

const ZCursorJson = z.object({ at: z.iso.datetime(), id: z.uuid() });

/** base64url of JSON: opaque in URLs, readable when debugging. */
export function encodeCursor(cursor: KeysetCursor): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify({ at: cursor.at.toISOString(), id: cursor.id })));
}

export function decodeCursor(value: string): KeysetCursor {
  try {
    const bytes = fromBase64Url(value);
    const parsed = bytes && ZCursorJson.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (parsed?.success) return { at: new Date(parsed.data.at), id: parsed.data.id };
  } catch {
    // Not base64 or not JSON: reported below like any other foreign value.
  }
  throw new AppError("BAD_REQUEST", "This page of the list does not exist. Start again from the first page.");
}

/** Splits `limit + 1` fetched rows into the page and the cursor of the next one. */
export function pageOf<Row extends { id: string }>(rows: Row[], limit: number, at: (row: Row) => Date) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: at(last), id: last.id }) : null };
}
