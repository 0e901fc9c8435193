import type { FontSource } from "./fonts";

/**
 * unicode-properties' character table (which fontkit's shapers read: categories, scripts, combining classes) is
 * 12 KiB gzipped of base64 in the Worker. It is served instead as a static asset beside the export fonts and
 * fetched when the first PDF of an isolate is made: the Worker's `#binary-trie` (wrangler.toml [alias]) is this
 * module's getBinaryTrie, while Node resolves unicode-properties' own reader of the same file.
 */
export const UNICODE_TRIE_FILE = "unicode-properties.trie";

let unicodeTrie: Uint8Array | undefined;

/** For unicode-properties, which builds its table once, when ./pdf is first evaluated (after loadPdf's fetch). */
export function getBinaryTrie(): Uint8Array {
  if (!unicodeTrie) throw new Error("unicode-properties was evaluated before loadPdf fetched its table.");
  return unicodeTrie;
}

/**
 * The PDF renderer, evaluated on first use (fontkit and bidi-js cost start-up CPU, ADR 017) and only after the
 * character table it needs is in memory. Every PDF goes through here; nothing imports ./pdf statically.
 */
export async function loadPdf(fonts: FontSource) {
  unicodeTrie ??= await fonts.load(UNICODE_TRIE_FILE);
  return import("./pdf");
}
