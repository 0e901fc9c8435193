import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { Plugin } from "vite";
import {
  EXPORT_FONT_FAMILIES,
  EXPORT_FONT_WEIGHTS,
  EXPORT_FONTS_PATH,
  type FontManifest,
  type FontSource,
  type ManifestFont,
} from "../server/services/exports/fonts";
import { SHAPER_DATA_FILE, UNICODE_TRIE_FILE } from "../server/services/exports/load-pdf";
import { fontkitShaperData } from "./fontkit-trimmed";

/**
 * The PDF export's fonts, taken from the @fontsource packages at build time: WOFF files (fontkit reads WOFF;
 * fontkit's WOFF2 path decodes transformed glyphs and subsets far bigger) and a manifest of their unicode ranges.
 */

const require = createRequire(import.meta.url);
const packageDir = (family: string) => dirname(require.resolve(`@fontsource/${family}/package.json`));

/** "U+0000-00FF,U+0131" -> [[0, 255], [305, 305]] */
function parseUnicodeRange(text: string): [number, number][] {
  return text.split(",").map((part) => {
    const [low, high = low] = part.trim().replace(/^U\+/i, "").split("-");
    return [parseInt(low, 16), parseInt(high, 16)];
  });
}

/** The manifest, with each file's absolute path in node_modules. */
export function exportFontFiles(): { manifest: FontManifest; paths: Map<string, string> } {
  const fonts: ManifestFont[] = [];
  const paths = new Map<string, string>();
  for (const { family, subsets } of EXPORT_FONT_FAMILIES) {
    const dir = packageDir(family);
    const unicode = new Map(
      Object.entries(JSON.parse(readFileSync(join(dir, "unicode.json"), "utf8")) as Record<string, string>),
    );
    const names =
      subsets === "numbered"
        ? [...unicode.keys()].filter((name) => /^\[\d+\]$/.test(name))
        : subsets.filter((name) => unicode.has(name));
    for (const weight of EXPORT_FONT_WEIGHTS)
      for (const name of names) {
        const file = `${family}-${name.replace(/[[\]]/g, "")}-${weight}-normal.woff`;
        paths.set(file, join(dir, "files", file));
        fonts.push({ file, family, weight, ranges: parseUnicodeRange(unicode.get(name)!) });
      }
  }
  // Not a font: unicode-properties' character table, which the Worker fetches with the fonts (load-pdf.ts).
  paths.set(UNICODE_TRIE_FILE, require.resolve("unicode-properties/data.trie"));
  return { manifest: { fonts }, paths };
}

/** Copies the fonts and manifest into a static asset directory (build/client). */
export function writeExportFonts(assetsDir: string) {
  const { manifest, paths } = exportFontFiles();
  const out = join(assetsDir, EXPORT_FONTS_PATH);
  mkdirSync(out, { recursive: true });
  for (const [file, path] of paths) copyFileSync(path, join(out, file));
  writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
  // Not a font either: the tables of the Worker's Indic and Universal shapers (load-pdf.ts).
  writeFileSync(join(out, SHAPER_DATA_FILE), JSON.stringify(fontkitShaperData()));
}

/** Vite plugin: after the client build, the fonts land beside the other static assets. */
export function exportFontsPlugin(): Plugin {
  let outDir = "";
  let ssr = false;
  return {
    name: "greenroom-export-fonts",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      ssr = Boolean(config.build.ssr);
    },
    writeBundle() {
      if (!ssr) writeExportFonts(outDir);
    },
  };
}

/** The same fonts read straight from node_modules, for tests and scripts outside the Worker. */
export function nodeFontSource(): FontSource {
  const { manifest, paths } = exportFontFiles();
  return {
    manifest: () => Promise.resolve(manifest),
    load: (file) => {
      if (file === SHAPER_DATA_FILE)
        return Promise.resolve(new TextEncoder().encode(JSON.stringify(fontkitShaperData())));
      const path = paths.get(file);
      if (!path) return Promise.reject(new Error(`Unknown export font ${file}`));
      return Promise.resolve(new Uint8Array(readFileSync(path)));
    },
  };
}
