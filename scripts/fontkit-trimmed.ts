import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import type { Plugin } from "vite";

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

/** Writes TTFFont.js and WOFFFont.js into `dir`; returns their paths. */
export function writeTrimmedFontkit(dir: string): { ttf: string; woff: string } {
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
  return { ttf, woff };
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
