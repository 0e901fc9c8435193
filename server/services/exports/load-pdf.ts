import type { FontSource } from "./fonts";

/**
 * unicode-properties' character table (which fontkit's shapers read: categories, scripts, combining classes) is
 * 12 KiB gzipped of base64 in the Worker. It is served instead as a static asset beside the export fonts and
 * fetched when the first PDF of an isolate is made: the Worker's `#binary-trie` (wrangler.toml [alias]) is this
 * module's getBinaryTrie, while Node resolves unicode-properties' own reader of the same file.
 */
export const UNICODE_TRIE_FILE = "unicode-properties.trie";

/**
 * The Indic and Universal shapers' generated tables (Indic's state machine, both scripts' Unicode tries as base64;
 * ~17 KiB gzipped) likewise: the Worker's copies of those shapers (scripts/fontkit-trimmed.ts) read them from
 * fontkitShaperData when ./pdf is evaluated. Node's fontkit keeps its own.
 */
export const SHAPER_DATA_FILE = "fontkit-shapers.json";

export interface FontkitShaperData {
  indicStateMachine: object;
  indicTrie: string;
  useTrie: string;
}

let unicodeTrie: Uint8Array | undefined;
let shaperData: FontkitShaperData | undefined;

/** For unicode-properties, which builds its table once, when ./pdf is first evaluated (after loadPdf's fetch). */
export function getBinaryTrie(): Uint8Array {
  if (!unicodeTrie) throw new Error("unicode-properties was evaluated before loadPdf fetched its table.");
  return unicodeTrie;
}

/** For the Worker's Indic and Universal shapers, which build their tables when ./pdf is first evaluated. */
export function fontkitShaperData(): FontkitShaperData {
  if (!shaperData) throw new Error("fontkit's shapers were evaluated before loadPdf fetched their tables.");
  return shaperData;
}

/**
 * The PDF renderer, evaluated on first use (fontkit and bidi-js cost start-up CPU, ADR 017) and only after the
 * tables it needs are in memory. Every PDF goes through here; nothing imports ./pdf statically.
 */
export async function loadPdf(fonts: FontSource) {
  [unicodeTrie, shaperData] = await Promise.all([
    unicodeTrie ?? fonts.load(UNICODE_TRIE_FILE),
    shaperData ??
      fonts.load(SHAPER_DATA_FILE).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as FontkitShaperData),
  ]);
  return import("./pdf");
}
