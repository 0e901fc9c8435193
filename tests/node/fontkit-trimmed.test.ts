import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { DecodeStream } from "restructure";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFontFiles } from "../../scripts/export-fonts";
import { fontkitShaperData, writeTrimmedFontkit } from "../../scripts/fontkit-trimmed";

/**
 * The Worker's fontkit TrueType reader (scripts/fontkit-trimmed.ts, ADR 017) against fontkit's own browser build,
 * which the Worker bundled before: every export font must avoid what the trimmed reader dropped, and for each
 * script the PDF export sets, both readers must shape the same glyphs at the same positions and write the same
 * subset bytes. Likewise the Worker's Indic and Universal shapers, whose generated tables come from the static
 * asset (fontkitShaperData) instead of their own modules. The PDF export tests in Node use fontkit whole;
 * tests/worker/transcript-exports renders through the trimmed reader and shapers.
 */

interface GlyphRun {
  glyphs: { id: number; codePoints: number[] }[];
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
let registerShaper: (shaper: unknown) => void;
/** fontkit's own Indic and Universal shapers, and the Worker's, which read their tables from the asset. */
let ownShapers: unknown[];
let assetShapers: unknown[];

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  scratch = mkdtempSync(join(cacheDir, "fontkit-trimmed-"));
  // What loadPdf hands the Worker's shapers after fetching the asset, as a module Node can import.
  const shaperDataModule = join(scratch, "shaper-data.mjs");
  writeFileSync(
    shaperDataModule,
    `const data = ${JSON.stringify(fontkitShaperData())};\nexport const fontkitShaperData = () => data;\n`,
  );
  const trimmed = writeTrimmedFontkit(scratch, shaperDataModule);
  // The shapers register with the browser build's DefaultShaper, which both readers import.
  ({ registerShaper } = (await import(browserBuild("shapers/DefaultShaper.js"))) as {
    registerShaper(shaper: unknown): void;
  });
  const shaperOf = async (path: string, name: string) =>
    new Map(Object.entries((await import(path)) as object)).get(name) as unknown;
  for (const name of ["ArabicShaper", "IndicShaper", "HangulShaper", "HebrewShaper", "UniversalShaper"])
    registerShaper(await shaperOf(browserBuild(`shapers/${name}.js`), name));
  ownShapers = [
    await shaperOf(browserBuild("shapers/IndicShaper.js"), "IndicShaper"),
    await shaperOf(browserBuild("shapers/UniversalShaper.js"), "UniversalShaper"),
  ];
  assetShapers = [await shaperOf(trimmed.indic, "IndicShaper"), await shaperOf(trimmed.universal, "UniversalShaper")];
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

describe("the Worker's Indic and Universal shapers, tables from the static asset", () => {
  const { manifest, paths } = exportFontFiles();
  // Devanagari goes through the Indic shaper: reph, pre-base matra, conjuncts.
  const hindi = "नमस्ते, हिन्दी में स्वागत है; कर्म, क्षत्रिय, र्क";

  it("shape Hindi exactly as fontkit's own", () => {
    const files = manifest.fonts.filter((font) => font.family === "noto-sans-devanagari");
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const font = new Trimmed(new DecodeStream(readFileSync(paths.get(file.file)!)));
      const [own, asset] = [ownShapers, assetShapers].map((shapers) => {
        for (const shaper of shapers) registerShaper(shaper);
        try {
          return font.layout(hindi);
        } finally {
          for (const shaper of ownShapers) registerShaper(shaper);
        }
      });
      expect(asset.glyphs.map((g) => g.id)).toEqual(own.glyphs.map((g) => g.id));
      expect(asset.glyphs.map((g) => g.codePoints)).toEqual(own.glyphs.map((g) => g.codePoints));
      expect(asset.positions).toEqual(own.positions);
    }
  });

  // No export font lays out a Universal-shaper script (fontkit picks the shaper from the font's own scripts), so
  // its first stage, which reads the Unicode trie and runs the syllable state machine, is compared directly.
  it("split Balinese and Javanese into the same syllables and categories as fontkit's own", () => {
    type Glyph = { codePoints: number[]; features: object; shaperInfo?: { category: string; syllable: number } };
    type Stage = (font: unknown, glyphs: Glyph[]) => void;
    const setupSyllables = (shaper: unknown) => {
      const stages: unknown[] = [];
      (shaper as { planFeatures(plan: object): void }).planFeatures({
        addStage: (stage: unknown) => stages.push(stage),
      });
      return stages[0] as Stage;
    };
    const text = "ᬓᬾ ᬲᬸᬓ᭄ᬱ᭄ᬫ ᬩᬮᬶ ᬾᬓ ꦏꦺꦫ ꦫ꧀ꦏ";
    const [own, asset] = [ownShapers[1], assetShapers[1]].map((shaper) => {
      const glyphs: Glyph[] = [...text].map((char) => ({ codePoints: [char.codePointAt(0)!], features: {} }));
      setupSyllables(shaper)(null, glyphs);
      return glyphs.map((glyph) => glyph.shaperInfo);
    });
    expect(asset).toEqual(own);
    const categories = new Set(own.map((info) => info?.category));
    expect([...categories]).toEqual(expect.arrayContaining(["B", "VPre", "H"]));
  });

  it("are copies whose tables are read from the asset, not fontkit's own modules", () => {
    expect(assetShapers).not.toContain(ownShapers[0]);
    expect(assetShapers).not.toContain(ownShapers[1]);
    const indic = readFileSync(join(scratch, "IndicShaper.js"), "utf8");
    expect(indic).toContain("var indic_default = fontkitShaperData().indicStateMachine;");
    expect(indic).not.toContain(fontkitShaperData().indicTrie);
  });
});
