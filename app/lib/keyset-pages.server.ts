import * as z from "zod";
import { fromBase64Url, toBase64Url } from "../../server/lib/base64url";

/** Position in a newest-first list ordered by (created_at, id). */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

/** How many earlier pages "Newer" can walk back through; older history falls back to the first page. */
const MAX_TRAIL = 40;

const ZCursorJson = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

/** base64url of JSON {createdAt ISO, id}: opaque in the URL, readable when debugging. */
function encodeCursor(cursor: KeysetCursor): string {
  const json = JSON.stringify({ createdAt: cursor.createdAt.toISOString(), id: cursor.id });
  return toBase64Url(new TextEncoder().encode(json));
}

/** The cursor in a `?cursor=` value, or null when it is not one of ours. */
function decodeCursor(value: string): KeysetCursor | null {
  try {
    const bytes = fromBase64Url(value);
    const parsed = bytes && ZCursorJson.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed?.success ? { createdAt: new Date(parsed.data.createdAt), id: parsed.data.id } : null;
  } catch {
    return null;
  }
}

/**
 * Keyset pagination only goes older, so the URL carries the trail of cursors that led here (`prev`): "Newer"
 * pops the last one, "Older" pushes the current one. Works with any opaque cursor string; `keep` names query
 * parameters every link carries along (a tab, a filter).
 */
export function keysetTrail(request: Request, opts: { keep?: string[] } = {}) {
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor");
  const trail = url.searchParams.getAll("prev").slice(-MAX_TRAIL);
  const href = (cursorValue: string | undefined, prev: string[]) => {
    const search = new URLSearchParams();
    for (const name of opts.keep ?? []) {
      const value = url.searchParams.get(name);
      if (value !== null) search.set(name, value);
    }
    if (cursorValue) search.set("cursor", cursorValue);
    for (const value of prev) search.append("prev", value);
    const query = search.toString();
    return query ? `${url.pathname}?${query}` : url.pathname;
  };
  return {
    cursor,
    trail,
    links: (nextCursor: string | null) => ({
      newerHref: cursor ? href(trail.at(-1), trail.slice(0, -1)) : null,
      olderHref: nextCursor ? href(nextCursor, cursor ? [...trail, cursor] : trail) : null,
      firstPage: !cursor,
    }),
  };
}

/**
 * The trail for lists ordered by (created_at, id): reads the page asked for; a cursor or trail that is not ours
 * is a 400 that says `notFoundMessage`. `links(nextCursor)` builds the Newer/Older hrefs once the page is read.
 */
export function readKeysetPage(request: Request, notFoundMessage: string) {
  const page = keysetTrail(request);
  const cursor = page.cursor ? decodeCursor(page.cursor) : null;
  if ((page.cursor && !cursor) || page.trail.some((value) => !decodeCursor(value))) {
    throw new Response(notFoundMessage, { status: 400 });
  }
  return {
    cursor,
    links: (nextCursor: KeysetCursor | null) => page.links(nextCursor ? encodeCursor(nextCursor) : null),
  };
}
