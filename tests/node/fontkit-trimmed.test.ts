import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { DecodeStream } from "restructure";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFontFiles } from "../../scripts/export-fonts";
import { writeTrimmedFontkit } from "../../scripts/fontkit-trimmed";

/**
 * The Worker's fontkit TrueType reader (scripts/fontkit-trimmed.ts, ADR 017) against fontkit's own browser build,
 * which the Worker bundled before: every export font must avoid what the trimmed reader dropped, and for each
 * script the PDF export sets, both readers must shape the same glyphs at the same positions and write the same
 * subset bytes. The PDF export tests in Node use fontkit whole; tests/worker/transcript-exports renders through
 * the trimmed one.
 */

interface GlyphRun {
  glyphs: { id: number }[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
}
interface Font {
  layout(text: string): GlyphRun;
  createSubset(): { includeGlyph(glyph: number | { id: number }): number; encode(): Uint8Array };
}
type FontClass = new (stream: DecodeStream) => Font;

const fontkitDir = resolve(dirname(createRequire(import.meta.url).resolve("fontkit")), "../..");
const browserBuild = (path: string) => join(fontkitDir, "dist/browser", path);
/** Inside the repository, so the copy's bare imports (restructure, unicode-properties) resolve from node_modules. */
const cacheDir = resolve(import.meta.dirname, "../../node_modules/.cache");
let scratch = "";

/** Table tags whose code the trimmed reader dropped. */
const DROPPED_TABLES = ["CFF ", "CFF2", "morx", "mort", "feat", "just", "bsln", "opbd", "fvar", "gvar", "avar", "HVAR"];
const DROPPED_GLYPH_TABLES = ["sbix", "COLR", "CPAL", "EBDT", "EBLC", "CBDT", "CBLC", "VORG", "SVG "];

const samples: Record<string, { text: string; family: string }> = {
  polish: { text: "Zażółć gęślą jaźń", family: "noto-sans" },
  greek: { text: "Καλημέρα κόσμε, ευχαριστώ", family: "noto-sans" },
  cyrillic: { text: "Съешь же ещё этих мягких французских булок", family: "noto-sans" },
  vietnamese: { text: "Tiếng Việt có dấu", family: "noto-sans" },
  arabic: { text: "مرحبا بكم في البرنامج", family: "noto-sans-arabic" },
  hebrew: { text: "שלום וברוכים הבאים לתוכנית", family: "noto-sans-hebrew" },
  hindi: { text: "नमस्ते, हिन्दी में स्वागत है", family: "noto-sans-devanagari" },
  chinese: { text: "欢迎收听我们的节目", family: "noto-sans-sc" },
  japanese: { text: "こんにちは、番組へようこそ", family: "noto-sans-jp" },
};

let Full: FontClass;
let Trimmed: FontClass;

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  scratch = mkdtempSync(join(cacheDir, "fontkit-trimmed-"));
  const trimmed = writeTrimmedFontkit(scratch);
  // The shapers register with the browser build's DefaultShaper, which both readers import.
  const { registerShaper } = (await import(browserBuild("shapers/DefaultShaper.js"))) as {
    registerShaper(shaper: unknown): void;
  };
  for (const name of ["ArabicShaper", "IndicShaper", "HangulShaper", "HebrewShaper", "UniversalShaper"]) {
    const exported = new Map(Object.entries((await import(browserBuild(`shapers/${name}.js`))) as object));
    registerShaper(exported.get(name));
  }
  Full = ((await import(browserBuild("formats/WOFFFont.js"))) as { WOFFFont: FontClass }).WOFFFont;
  Trimmed = ((await import(trimmed.woff)) as { WOFFFont: FontClass }).WOFFFont;
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The table tags of a WOFF file and its flavour (0x00010000 for TrueType outlines, "OTTO" for CFF). */
function woffTables(bytes: Buffer): { flavor: number; tags: string[] } {
  const count = bytes.readUInt16BE(12);
  const tags = Array.from({ length: count }, (_, i) => bytes.toString("latin1", 44 + i * 20, 48 + i * 20));
  return { flavor: bytes.readUInt32BE(4), tags };
}

describe("the Worker's trimmed fontkit", () => {
  const { manifest, paths } = exportFontFiles();

  it("covers every export font: TrueType outlines, OpenType layout, no dropped table", () => {
    expect(manifest.fonts.length).toBeGreaterThan(400);
    for (const font of manifest.fonts) {
      const { flavor, tags } = woffTables(readFileSync(paths.get(font.file)!));
      expect(flavor, font.file).toBe(0x00010000);
      expect(tags, font.file).toContain("glyf");
      expect(
        tags.filter((tag) => [...DROPPED_TABLES, ...DROPPED_GLYPH_TABLES].includes(tag)),
        font.file,
      ).toEqual([]);
    }
  });

  for (const [script, { text, family }] of Object.entries(samples))
    it(`shapes and subsets ${script} exactly as fontkit's full reader`, () => {
      const codePoints = [...text].map((char) => char.codePointAt(0)!).filter((cp) => cp > 0x20);
      const files = manifest.fonts.filter(
        (font) =>
          font.family === family && font.ranges.some(([low, high]) => codePoints.some((cp) => cp >= low && cp <= high)),
      );
      expect(files.length, script).toBeGreaterThan(0);
      for (const font of files) {
        const bytes = readFileSync(paths.get(font.file)!);
        const [full, trimmed] = [Full, Trimmed].map((Reader) => new Reader(new DecodeStream(bytes)));
        const [fullRun, trimmedRun] = [full.layout(text), trimmed.layout(text)];
        expect(
          fullRun.glyphs.some((glyph) => glyph.id !== 0),
          font.file,
        ).toBe(true);
        expect(trimmedRun.glyphs.map((g) => g.id)).toEqual(fullRun.glyphs.map((g) => g.id));
        expect(trimmedRun.positions).toEqual(fullRun.positions);
        const [fullSubset, trimmedSubset] = [full.createSubset(), trimmed.createSubset()];
        for (const glyph of fullRun.glyphs) fullSubset.includeGlyph(glyph.id);
        for (const glyph of trimmedRun.glyphs) trimmedSubset.includeGlyph(glyph.id);
        expect(Buffer.from(trimmedSubset.encode()).equals(Buffer.from(fullSubset.encode())), font.file).toBe(true);
      }
    });

  it("names what is missing when a font needs dropped code", () => {
    const bytes = readFileSync(paths.get(manifest.fonts[0].file)!);
    const font = new Trimmed(new DecodeStream(bytes)) as Font & { directory: { tables: Record<string, unknown> } };
    // A CFF-flavoured font would take this branch for its glyphs.
    delete font.directory.tables.glyf;
    font.directory.tables["CFF "] = { tag: "CFF ", offset: 0, length: 1 };
    expect(() => font.layout("a")).toThrow(/src\/glyph\/CFFGlyph\.js is not in the Worker's build/);
  });
});
