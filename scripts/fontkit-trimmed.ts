import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import type { FontkitShaperData } from "../server/services/exports/load-pdf";

/**
 * fontkit's TrueType reader for the Worker without the code the export fonts never reach (ADR 017): fontkit 3 ships
 * its TTF reader as one bundled module (`formats/TTFFont.js`, ~42 KiB gzipped in the Worker) that also carries the
 * CFF outlines and subsetter, Apple's AAT layout (morx), variable-font processing and colour/bitmap glyphs. No
 * [alias] reaches code inside a module, so the build writes a copy of that module with those regions
 * (rolldown's `//#region src/…` markers) replaced by stand-ins, plus a copy of `formats/WOFFFont.js` that extends
 * it; wrangler.toml and the workerd tests alias `fontkit/formats/TTFFont` and `fontkit/formats/WOFFFont` to them.
 *
 * Every export font is a TrueType-flavoured WOFF with GSUB/GPOS/GDEF/BASE layout tables and no CFF, morx, fvar,
 * sbix, COLR or bitmap tables (tests/node/fontkit-trimmed.test.ts checks the shipped files and compares layout
 * and subsets with the full reader). A dropped table's parser becomes undefined, so fontkit reads a font carrying
 * that table as one without it; dropped code becomes a function that throws, naming what is missing.
 *
 * The Indic and Universal shapers are copied too, with their generated tables (Indic's state machine, both
 * scripts' Unicode tries; ~17 KiB gzipped) replaced by a read of what loadPdf fetched from the static assets
 * (`fontkit-shapers.json` beside the export fonts, written from the same regions by scripts/export-fonts.ts), and
 * aliased as `fontkit/shapers/IndicShaper` and `fontkit/shapers/UniversalShaper`.
 */

/** The fontkit version these regions were read from; another version must be looked at again before it ships. */
const FONTKIT_VERSION = "3.0.0";

const DROPPED = new RegExp(
  "^src/(" +
    [
      "cff/", // CFF/CFF2 outlines: the fonts are glyf
      "glyph/(CFFGlyph|SBIXGlyph|COLRGlyph|GlyphVariationProcessor)\\.js",
      "subset/CFFSubset\\.js",
      "aat/", // Apple Advanced Typography layout (morx): the fonts use OpenType GSUB/GPOS
      "tables/(aat|bsln|feat|just|morx|opbd|fvar|gvar|avar|HVAR|sbix|COLR|CPAL|EBDT|EBLC|VORG|JSTF|DSIG|LTSH|PCLT|VDMX|hdmx)\\.js",
    ].join("|") +
    ")",
);
/** Regions that must be there to be dropped (a renamed or re-split file would otherwise silently stay). */
const EXPECTED_DROPS = ["src/cff/CFFFont.js", "src/aat/AATLayoutEngine.js", "src/glyph/GlyphVariationProcessor.js"];

const require = createRequire(import.meta.url);

function fontkitBrowserFile(path: string): string {
  // fontkit's exports map hides package.json; its Node entry is dist/node/index.js.
  const packageDir = resolve(dirname(require.resolve("fontkit")), "../..");
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };
  if (version !== FONTKIT_VERSION)
    throw new Error(`scripts/fontkit-trimmed.ts was written for fontkit ${FONTKIT_VERSION}, found ${version}.`);
  return join(packageDir, "dist/browser", path);
}

/** A module's relative imports pointed back at fontkit's own files, from where the copy is written. */
function rebaseImports(source: string, from: string, to: string, keep: (specifier: string) => boolean): string {
  return source.replace(/from "(\.\.?\/[^"]+)"/g, (whole, specifier: string) =>
    keep(specifier) ? whole : `from "./${relative(dirname(to), resolve(dirname(from), specifier))}"`,
  );
}

/** Names a region declares at its top level (rolldown writes them at column 0, everything else indented). */
const declaredNames = (region: string) =>
  [...region.matchAll(/^(?:var|let|const|class|(?:async )?function\*?) ([A-Za-z_$][\w$]*)/gm)].map((match) => match[1]);

export function trimTtfModule(source: string): { source: string; dropped: string[] } {
  const dropped: string[] = [];
  const regions = source.split(/^(?=\/\/#region )/m).map((region) => {
    const name = /^\/\/#region (\S+)/.exec(region)?.[1];
    if (!name || !DROPPED.test(name)) return region;
    dropped.push(name);
    const names = declaredNames(region);
    if (name.startsWith("src/tables/"))
      return `//#region ${name} (not in the Worker)\n${names.map((n) => `var ${n};\n`).join("")}`;
    const stand = (n: string) =>
      `function ${n}() {\n\tthrow new Error("fontkit: ${name} is not in the Worker's build (scripts/fontkit-trimmed.ts)");\n}\n`;
    return `//#region ${name} (not in the Worker)\n${names.map(stand).join("")}`;
  });
  const missing = EXPECTED_DROPS.filter((name) => !dropped.includes(name));
  if (missing.length > 0) throw new Error(`fontkit's TTFFont.js no longer has the regions ${missing.join(", ")}.`);
  return { source: regions.join(""), dropped };
}

/** The text between `//#region name` and its `//#endregion`. */
function regionText(source: string, name: string): string {
  const start = source.indexOf(`//#region ${name}\n`);
  const end = source.indexOf("//#endregion", start);
  if (start < 0 || end < 0) throw new Error(`fontkit's shapers no longer have the region ${name}.`);
  return source.slice(start, end);
}

/** `var name = <value>;` in a region: the value's source text. */
function declaredValue(region: string, name: string): string {
  const match = new RegExp(`^var ${name} = ([^]*?);\\n`, "m").exec(region);
  if (!match) throw new Error(`fontkit's shapers no longer declare ${name}.`);
  return match[1];
}

/**
 * The Indic and Universal shapers' generated tables (~17 KiB gzipped in the Worker: Indic's state machine and the
 * two scripts' Unicode tries, as base64): the Worker fetches them beside the export fonts (load-pdf.ts), the build
 * writes them there (scripts/export-fonts.ts).
 */
type AssetShaper = "IndicShaper" | "UniversalShaper";
const SHAPER_TABLES: { shaper: AssetShaper; region: string; variable: string; key: keyof FontkitShaperData }[] = [
  {
    shaper: "IndicShaper",
    region: "src/opentype/shapers/generated/indic.js",
    variable: "indic_default",
    key: "indicStateMachine",
  },
  {
    shaper: "IndicShaper",
    region: "src/opentype/shapers/generated/indic.trie.base64.js",
    variable: "indic_trie_base64_default",
    key: "indicTrie",
  },
  {
    shaper: "UniversalShaper",
    region: "src/opentype/shapers/generated/use.trie.base64.js",
    variable: "use_trie_base64_default",
    key: "useTrie",
  },
];

const shaperSource = (shaper: AssetShaper) => readFileSync(fontkitBrowserFile(`shapers/${shaper}.js`), "utf8");

/** Read from fontkit's own shapers, so the asset always matches the code that reads it. */
export function fontkitShaperData(): FontkitShaperData {
  const entries = SHAPER_TABLES.map(({ shaper, region, variable, key }) => [
    key,
    // The generated tables are JSON (the state machine) and string literals (the base64 tries).
    JSON.parse(declaredValue(regionText(shaperSource(shaper), region), variable)) as unknown,
  ]);
  return Object.fromEntries(entries) as FontkitShaperData;
}

/** A shaper whose generated tables are read from `dataModule`'s fontkitShaperData() when it is evaluated. */
function writeShaperReadingAsset(dir: string, shaper: AssetShaper, dataModule: string): string {
  const from = fontkitBrowserFile(`shapers/${shaper}.js`);
  const to = join(dir, `${shaper}.js`);
  let source = shaperSource(shaper);
  for (const { region, variable, key } of SHAPER_TABLES.filter((table) => table.shaper === shaper)) {
    const text = regionText(source, region);
    declaredValue(text, variable);
    source = source.replace(
      text,
      `//#region ${region} (a static asset in the Worker)\nvar ${variable} = fontkitShaperData().${key};\n`,
    );
  }
  const dataImport = relative(dir, dataModule).split(sep).join("/");
  writeFileSync(
    to,
    `import { fontkitShaperData } from "${dataImport.startsWith(".") ? dataImport : `./${dataImport}`}";\n` +
      rebaseImports(source, from, to, () => false),
  );
  return to;
}

/** Where the Worker's shapers read their tables from (the `#binary-trie` module, likewise filled by loadPdf). */
const LOAD_PDF_MODULE = fileURLToPath(new URL("../server/services/exports/load-pdf.ts", import.meta.url));

/**
 * Writes TTFFont.js, WOFFFont.js and the Indic and Universal shapers into `dir`; returns their paths. The shapers
 * import their tables from `shaperDataModule` (tests give a module of their own: Node cannot import TypeScript).
 */
export function writeTrimmedFontkit(
  dir: string,
  shaperDataModule = LOAD_PDF_MODULE,
): { ttf: string; woff: string; indic: string; universal: string } {
  mkdirSync(dir, { recursive: true });
  const ttfSource = fontkitBrowserFile("formats/TTFFont.js");
  const woffSource = fontkitBrowserFile("formats/WOFFFont.js");
  const ttf = join(dir, "TTFFont.js");
  const woff = join(dir, "WOFFFont.js");
  const trimmed = trimTtfModule(readFileSync(ttfSource, "utf8")).source;
  writeFileSync(
    ttf,
    rebaseImports(trimmed, ttfSource, ttf, () => false),
  );
  const woffText = readFileSync(woffSource, "utf8");
  if (!woffText.includes('from "./TTFFont.js"'))
    throw new Error("fontkit's WOFFFont.js no longer imports ./TTFFont.js.");
  writeFileSync(
    woff,
    rebaseImports(woffText, woffSource, woff, (specifier) => specifier === "./TTFFont.js"),
  );
  return {
    ttf,
    woff,
    indic: writeShaperReadingAsset(dir, "IndicShaper", shaperDataModule),
    universal: writeShaperReadingAsset(dir, "UniversalShaper", shaperDataModule),
  };
}

/** Where the build writes them (wrangler.toml [alias] and tests/worker/vitest.config.ts point here). */
export const TRIMMED_FONTKIT_DIR = "build/worker/fontkit";

/** Vite plugin: the server build writes the trimmed reader for wrangler to bundle. */
export function trimmedFontkitPlugin(): Plugin {
  let root = "";
  let ssr = false;
  return {
    name: "greenroom-trimmed-fontkit",
    apply: "build",
    configResolved(config) {
      root = config.root;
      ssr = Boolean(config.build.ssr);
    },
    writeBundle() {
      if (ssr) writeTrimmedFontkit(resolve(root, TRIMMED_FONTKIT_DIR));
    },
  };
}
