import bidiFactory from "bidi-js";
import { create as createFontkitFont, registerFormat, registerShaper, type FontkitFont } from "fontkit/core";
import { TTFFont } from "fontkit/formats/TTFFont";
import { WOFFFont } from "fontkit/formats/WOFFFont";
import { ArabicShaper } from "fontkit/shapers/ArabicShaper";
import { HangulShaper } from "fontkit/shapers/HangulShaper";
import { HebrewShaper } from "fontkit/shapers/HebrewShaper";
import { IndicShaper } from "fontkit/shapers/IndicShaper";
import { UniversalShaper } from "fontkit/shapers/UniversalShaper";
import { PdfFont, PdfWriter, pdfTextString } from "./pdf-writer";
import type { FontManifest, FontSource, FontWeight, ManifestFont } from "./fonts";
import { clockTime, oneLine, type ExportTranscript } from "./types";

/**
 * Transcripts as PDF (pdf-writer.ts): Noto fonts embedded as subsets, chosen per character from the font
 * manifest; fontkit shapes each run (Arabic joining, Devanagari conjuncts and reordering) and bidi-js orders
 * right-to-left text (Unicode Bidirectional Algorithm). RTL paragraphs are right-aligned. A4, "Page n of N".
 */

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN_X = 56;
const MARGIN_TOP = 64;
const MARGIN_BOTTOM = 72;
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;

// fontkit's core with the WOFF/TTF formats the manifest uses and the shapers of the scripts we set: its WOFF2
// reader would add brotli's 52 KiB (gzipped) dictionary to the Worker for files we never load.
registerFormat(TTFFont);
registerFormat(WOFFFont);
for (const shaper of [UniversalShaper, ArabicShaper, IndicShaper, HangulShaper, HebrewShaper]) registerShaper(shaper);

type Bidi = ReturnType<typeof bidiFactory>;
let bidiInstance: Bidi | undefined;
/** bidi-js builds its Unicode tables when first asked, not at module load. */
const bidi = () => (bidiInstance ??= bidiFactory());

/** Scripts fontkit lays out right to left itself (it reverses the glyphs of a run it detects as RTL). */
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
/** Scripts whose glyphs cannot be mapped back to the text one by one: their lines get an ActualText span. */
const COMPLEX_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}]/u;
/** One CJK character per break unit (with the punctuation that must not start a line). */
const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3000-\\u303f\\uff00-\\uffef";
const BREAK_UNITS = new RegExp(
  `\\s+|[${CJK}][\\u3001\\u3002\\uff0c\\uff0e\\uff01\\uff1f\\u300d\\u300f\\uff09\\u3015\\u3009\\u300b\\u3011\\u30fc\\u2026\\p{M}]*|[^\\s${CJK}]+`,
  "gu",
);

/** The fonts of one document: the manifest's candidates per character, loaded and embedded when used. */
class DocumentFonts {
  /** Code point -> the regular-weight files whose ranges include it, in order of preference. */
  private readonly index = new Map<number, ManifestFont[]>();
  /** Regular-weight file -> the same subset in bold. */
  private readonly bold = new Map<string, ManifestFont>();
  private readonly fallback: ManifestFont;
  private readonly parsed = new Map<string, Promise<FontkitFont>>();
  private readonly ready = new Map<string, FontkitFont>();
  private readonly embeddedFonts = new Map<string, PdfFont>();
  private readonly chosen = new Map<string, ManifestFont>();

  constructor(
    private readonly source: FontSource,
    manifest: FontManifest,
    preferJapanese: boolean,
  ) {
    const families = [...new Set(manifest.fonts.map((font) => font.family))];
    if (preferJapanese) families.splice(families.indexOf("noto-sans-jp"), 1);
    if (preferJapanese) families.splice(families.indexOf("noto-sans-sc"), 0, "noto-sans-jp");
    const regular = manifest.fonts.filter((font) => font.weight === 400);
    for (const family of families)
      for (const font of regular.filter((candidate) => candidate.family === family))
        for (const [low, high] of font.ranges)
          for (let codePoint = low; codePoint <= high; codePoint++) {
            const list = this.index.get(codePoint);
            if (!list) this.index.set(codePoint, [font]);
            else if (!list.includes(font)) list.push(font);
          }
    for (const font of manifest.fonts)
      if (font.weight === 700) this.bold.set(font.file.replace(/-700-normal/, "-400-normal"), font);
    this.fallback = regular[0];
  }

  private withWeight(font: ManifestFont, weight: FontWeight) {
    return weight === 700 ? (this.bold.get(font.file) ?? font) : font;
  }

  private candidatesFor(codePoint: number, weight: FontWeight) {
    return (this.index.get(codePoint) ?? []).map((font) => this.withWeight(font, weight));
  }

  private parse(font: ManifestFont) {
    let parsed = this.parsed.get(font.file);
    if (!parsed) {
      parsed = this.source.load(font.file).then((bytes) => {
        const fontkitFont = createFontkitFont(bytes);
        this.ready.set(font.file, fontkitFont);
        return fontkitFont;
      });
      this.parsed.set(font.file, parsed);
    }
    return parsed;
  }

  /**
   * Picks, for every character the document uses, the first candidate font that really has a glyph for it
   * (a subset's CSS range can be wider than its glyphs), loading candidates in parallel rounds.
   */
  async prepare(uses: Map<FontWeight, Set<number>>) {
    let pending = [...uses].flatMap(([weight, codePoints]) =>
      [...codePoints].map((codePoint) => ({ codePoint, weight, tried: 0 })),
    );
    while (pending.length) {
      const next: typeof pending = [];
      await Promise.all(
        pending.map(async (use) => {
          const candidate = this.candidatesFor(use.codePoint, use.weight)[use.tried];
          if (!candidate) return;
          if ((await this.parse(candidate)).hasGlyphForCodePoint(use.codePoint))
            this.chosen.set(`${use.weight}:${use.codePoint}`, candidate);
          else next.push({ ...use, tried: use.tried + 1 });
        }),
      );
      pending = next;
    }
  }

  /** The font for a character (the fallback's empty box if no font has it), keeping `current` if it can. */
  fontFor(codePoint: number, weight: FontWeight, current: ManifestFont | undefined) {
    if (current && this.ready.get(current.file)?.hasGlyphForCodePoint(codePoint)) return current;
    return this.chosen.get(`${weight}:${codePoint}`) ?? this.withWeight(this.fallback, weight);
  }

  /** Embeds (as subsets, written when the document is saved) every font `prepare` chose. */
  async embedChosen() {
    for (const font of new Set([...this.chosen.values(), this.fallback, this.withWeight(this.fallback, 700)]))
      this.embeddedFonts.set(font.file, new PdfFont(await this.parse(font), this.embeddedFonts.size + 1));
  }

  /** The fonts some text was drawn with (only those go into the file). */
  used() {
    return [...this.embeddedFonts.values()].filter((font) => font.isUsed());
  }

  embedded(font: ManifestFont) {
    return this.embeddedFonts.get(font.file)!;
  }
}

interface Paragraph {
  text: string;
  levels: ReturnType<Bidi["getEmbeddingLevels"]>;
  rtl: boolean;
  size: number;
  weight: FontWeight;
  gray: number;
}

interface Line {
  paragraph: Paragraph;
  start: number;
  /** Exclusive. */
  end: number;
  /** Space above the line, in points. */
  before: number;
  /** A heading or speaker label: never the last line of a page. */
  keepWithNext: boolean;
}

interface Run {
  text: string;
  /** The run's characters as they appear from left to right (right-to-left text reversed). */
  visual: string;
  font: PdfFont;
  width: number;
}

class Typesetter {
  constructor(private readonly fonts: DocumentFonts) {}

  paragraph(text: string, size: number, weight: FontWeight, gray: number, direction?: "ltr"): Paragraph {
    const levels = bidi().getEmbeddingLevels(text, direction);
    return { text, levels, rtl: (levels.paragraphs[0]?.level ?? 0) % 2 === 1, size, weight, gray };
  }

  /** The text's characters as font runs in logical order, each with the font it is drawn in. */
  private fontRuns(text: string, start: number, end: number, weight: FontWeight) {
    const runs: { start: number; end: number; font: ManifestFont }[] = [];
    let current: ManifestFont | undefined;
    for (let i = start; i < end;) {
      const codePoint = text.codePointAt(i)!;
      const length = codePoint > 0xffff ? 2 : 1;
      const font = this.fonts.fontFor(codePoint, weight, current);
      if (font === current) runs[runs.length - 1].end = i + length;
      else runs.push({ start: i, end: i + length, font });
      current = font;
      i += length;
    }
    return runs;
  }

  /** Width at size 1 of a run of one font, cached: words and CJK characters repeat across a transcript. */
  private runWidth(font: ManifestFont, text: string) {
    const key = `${font.file}\u0000${text}`;
    let width = this.widths.get(key);
    if (width === undefined) {
      width = this.fonts.embedded(font).widthOf(text);
      this.widths.set(key, width);
    }
    return width;
  }

  private readonly widths = new Map<string, number>();

  private width(paragraph: Paragraph, start: number, end: number) {
    let width = 0;
    for (const run of this.fontRuns(paragraph.text, start, end, paragraph.weight))
      width += this.runWidth(run.font, paragraph.text.slice(run.start, run.end));
    return width * paragraph.size;
  }

  /**
   * Greedy line breaking at spaces and between CJK characters; a unit longer than a line is cut between
   * clusters. A line's width is the sum of its units' and spaces' widths (kerning across them is ignored).
   */
  wrap(paragraph: Paragraph, width = TEXT_WIDTH): [number, number][] {
    const lines: [number, number][] = [];
    let lineStart = -1;
    let lineEnd = -1;
    let lineWidth = 0;
    let gap = 0;
    for (const match of paragraph.text.matchAll(BREAK_UNITS)) {
      const start = match.index;
      const end = start + match[0].length;
      if (/^\s/.test(match[0])) {
        gap = this.width(paragraph, start, end);
        continue;
      }
      const unitWidth = this.width(paragraph, start, end);
      if (lineStart >= 0 && lineWidth + gap + unitWidth <= width) {
        lineEnd = end;
        lineWidth += gap + unitWidth;
        gap = 0;
        continue;
      }
      gap = 0;
      if (lineStart >= 0) lines.push([lineStart, lineEnd]);
      lineStart = start;
      lineEnd = end;
      lineWidth = unitWidth;
      if (unitWidth <= width) continue;
      lineEnd = start;
      lineWidth = 0;
      for (const cluster of match[0].matchAll(/\P{M}\p{M}*/gu)) {
        const clusterStart = start + cluster.index;
        const clusterWidth = this.width(paragraph, clusterStart, clusterStart + cluster[0].length);
        if (lineEnd > lineStart && lineWidth + clusterWidth > width) {
          lines.push([lineStart, lineEnd]);
          lineStart = lineEnd;
          lineWidth = 0;
        }
        lineEnd = clusterStart + cluster[0].length;
        lineWidth += clusterWidth;
      }
    }
    if (lineStart >= 0) lines.push([lineStart, lineEnd]);
    if (lines.length === 0) lines.push([0, 0]);
    return lines;
  }

  /** A line's runs in visual (left-to-right) order, ready to draw one after another. */
  visualRuns(line: Line): Run[] {
    const { text, levels, weight, size } = line.paragraph;
    if (line.end <= line.start) return [];
    const order = Array.from({ length: line.end - line.start }, (_, i) => line.start + i);
    for (const [from, to] of bidi().getReorderSegments(text, levels, line.start, line.end - 1))
      order.splice(from - line.start, to - from + 1, ...order.slice(from - line.start, to - line.start + 1).reverse());
    const fontOf = new Map<number, ManifestFont>();
    for (const run of this.fontRuns(text, line.start, line.end, weight))
      for (let i = run.start; i < run.end; i++) fontOf.set(i, run.font);
    const mirrored = bidi().getMirroredCharactersMap(text, levels.levels, line.start, line.end - 1);

    const groups: number[][] = [];
    for (const index of order) {
      const group = groups[groups.length - 1];
      const last = group?.[group.length - 1];
      const odd = levels.levels[index] % 2 === 1;
      if (
        group &&
        levels.levels[last] === levels.levels[index] &&
        fontOf.get(last) === fontOf.get(index) &&
        index === last + (odd ? -1 : 1)
      )
        group.push(index);
      else groups.push([index]);
    }

    const runs: Run[] = [];
    for (const group of groups) {
      const logical = [...group].sort((a, b) => a - b);
      const odd = levels.levels[group[0]] % 2 === 1;
      const chars = logical.map((i) => mirrored.get(i) ?? text[i]).join("");
      // fontkit reverses a run it detects as right-to-left; a run of neutrals at an RTL level is reversed here.
      const drawn = odd && !RTL_SCRIPT.test(chars) ? [...chars].reverse().join("") : chars;
      const font = fontOf.get(group[0])!;
      runs.push({
        text: drawn,
        visual: odd ? [...chars].reverse().join("") : chars,
        font: this.fonts.embedded(font),
        width: this.runWidth(font, drawn) * size,
      });
    }
    return runs;
  }
}

/** The character sets the document draws, per weight, to choose and load fonts before layout. */
function characterUses(paragraphs: Paragraph[], footers: string[]) {
  const uses = new Map<FontWeight, Set<number>>([
    [400, new Set()],
    [700, new Set()],
  ]);
  for (const { text, weight } of paragraphs) for (const char of text) uses.get(weight)!.add(char.codePointAt(0)!);
  for (const footer of footers) for (const char of footer) uses.get(400)!.add(char.codePointAt(0)!);
  return uses;
}

/** Lines into pages: each line takes its size × 1.35 plus the space above it. */
function paginate(lines: Line[]) {
  const pages: { line: Line; y: number }[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN_TOP;
  for (const [i, line] of lines.entries()) {
    const height = line.paragraph.size * 1.35;
    const top = pages[pages.length - 1].length ? line.before : 0;
    const next = line.keepWithNext ? lines[i + 1] : undefined;
    const needed = top + height + (next ? next.before + next.paragraph.size * 1.35 : 0);
    if (y - needed < MARGIN_BOTTOM) {
      pages.push([]);
      y = PAGE_HEIGHT - MARGIN_TOP;
    } else {
      y -= top;
    }
    y -= height;
    pages[pages.length - 1].push({ line, y: y + line.paragraph.size * 0.3 });
  }
  return pages;
}

/** The content-stream operators that draw one line. */
function drawLine(typesetter: Typesetter, line: Line, y: number, right = false) {
  const runs = typesetter.visualRuns(line);
  const width = runs.reduce((sum, run) => sum + run.width, 0);
  let x = line.paragraph.rtl || right ? PAGE_WIDTH - MARGIN_X - width : MARGIN_X;
  const ops = [`${line.paragraph.gray} g`];
  // Shaped Arabic shares glyphs between letters (a dotless form plus dots) and Devanagari draws some vowels
  // before their consonant, so a glyph-to-text map cannot give the words back: the line carries its text, in
  // visual order like the glyphs it replaces (extractors apply the bidi algorithm to what they read).
  const actualText = COMPLEX_SCRIPT.test(line.paragraph.text.slice(line.start, line.end));
  if (actualText) ops.push(`/Span << /ActualText ${pdfTextString(runs.map((run) => run.visual).join(""))} >> BDC`);
  for (const run of runs) {
    ops.push(
      `BT /${run.font.resourceName} ${line.paragraph.size} Tf ${x.toFixed(2)} ${y.toFixed(2)} Td ${run.font.encode(run.text)} Tj ET`,
    );
    x += run.width;
  }
  if (actualText) ops.push("EMC");
  return ops.join("\n");
}

export interface PdfOptions {
  fonts: FontSource;
}

export async function renderPdf(transcript: ExportTranscript, options: PdfOptions): Promise<Uint8Array<ArrayBuffer>> {
  const blocks: PdfBlock[] = [{ text: transcript.title, style: "title" }];
  if (transcript.summary) {
    blocks.push({ text: "Summary", style: "heading" }, { text: transcript.summary, style: "body" });
  }
  blocks.push({ text: "Transcript", style: "heading" });
  for (const segment of transcript.segments) {
    // The label reads time first whatever the speaker's script.
    const label = [clockTime(segment.startMs), segment.speaker ? oneLine(segment.speaker) : null]
      .filter(Boolean)
      .join("  ·  ");
    blocks.push({ text: label, style: "label" }, { text: segment.text, style: "body" });
  }
  const allText = [transcript.title, transcript.summary ?? "", ...transcript.segments.map((s) => s.text)].join(" ");
  const preferJapanese =
    /^ja\b/i.test(transcript.language ?? "") || /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(allText);
  return renderDocumentPdf({ title: transcript.title, language: transcript.language, preferJapanese, blocks }, options);
}

/**
 * One paragraph of a document: title (18 pt bold), heading (13 pt bold, kept with what follows), label (9 pt bold
 * grey, left to right, kept with what follows: a timestamp or a table row's key), body (11 pt).
 */
export interface PdfBlock {
  text: string;
  style: "title" | "heading" | "label" | "body";
}

/**
 * A text document as PDF with the transcript export's fonts, shaping and writer: transcripts, campaign reports and
 * invoices all go through here.
 */
export async function renderDocumentPdf(
  document: { title: string; language: string | null; preferJapanese?: boolean; blocks: PdfBlock[] },
  options: PdfOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const fonts = new DocumentFonts(options.fonts, await options.fonts.manifest(), document.preferJapanese ?? false);
  const typesetter = new Typesetter(fonts);

  const blocks: { paragraph: Paragraph; before: number; keepWithNext: boolean }[] = [];
  for (const [i, block] of document.blocks.entries()) {
    const first = i === 0;
    if (block.style === "title")
      blocks.push({
        paragraph: typesetter.paragraph(oneLine(block.text), 18, 700, 0),
        before: first ? 0 : 16,
        keepWithNext: false,
      });
    else if (block.style === "heading")
      blocks.push({ paragraph: typesetter.paragraph(oneLine(block.text), 13, 700, 0), before: 12, keepWithNext: true });
    else if (block.style === "label")
      blocks.push({
        paragraph: typesetter.paragraph(oneLine(block.text), 9, 700, 0.35, "ltr"),
        before: 8,
        keepWithNext: true,
      });
    else {
      const previous = document.blocks[i - 1]?.style;
      blocks.push({
        paragraph: typesetter.paragraph(oneLine(block.text), 11, 400, 0),
        before: previous === "heading" ? 4 : 1,
        keepWithNext: false,
      });
    }
  }

  // Fonts are chosen for every character (footers included: digits and "Page of") before anything is measured.
  await fonts.prepare(
    characterUses(
      blocks.map((block) => block.paragraph),
      ["Page 0123456789 of"],
    ),
  );
  await fonts.embedChosen();

  const lines: Line[] = [];
  for (const { paragraph, before, keepWithNext } of blocks)
    for (const [i, [start, end]] of typesetter.wrap(paragraph).entries())
      lines.push({ paragraph, start, end, before: i === 0 ? before : 0, keepWithNext });

  const pages = paginate(lines);
  const footerTitle = typesetter.paragraph(oneLine(document.title), 9, 400, 0.35);
  const [footerStart, footerEnd] = typesetter.wrap(footerTitle, TEXT_WIDTH * 0.7)[0];
  const contents = pages.map((placed, i) => {
    const ops = placed.map(({ line, y }) => drawLine(typesetter, line, y));
    const footerLine = { paragraph: footerTitle, start: footerStart, end: footerEnd, before: 0, keepWithNext: false };
    ops.push(drawLine(typesetter, { ...footerLine, paragraph: { ...footerTitle, rtl: false } }, 40));
    const number = typesetter.paragraph(`Page ${i + 1} of ${pages.length}`, 9, 400, 0.35, "ltr");
    ops.push(
      drawLine(
        typesetter,
        { paragraph: number, start: 0, end: number.text.length, before: 0, keepWithNext: false },
        40,
        true,
      ),
    );
    return ops.join("\n");
  });

  const writer = new PdfWriter();
  const catalogId = writer.reserve();
  const pagesId = writer.reserve();
  const used = fonts.used();
  const fontIds = used.map(() => writer.reserve());
  const fontResources = used.map((font, i) => `/${font.resourceName} ${fontIds[i]} 0 R`).join(" ");
  const pageIds = contents.map((content) => {
    const contentId = writer.stream(new TextEncoder().encode(content));
    return writer.add(
      `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << ${fontResources} >> >> /Contents ${contentId} 0 R >>`,
    );
  });
  used.forEach((font, i) => font.write(writer, fontIds[i]));
  writer.set(
    pagesId,
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`,
  );
  const language = document.language ? ` /Lang ${pdfTextString(document.language)}` : "";
  writer.set(catalogId, `<< /Type /Catalog /Pages ${pagesId} 0 R${language} >>`);
  const infoId = writer.add(`<< /Title ${pdfTextString(document.title)} /Producer (Greenroom) >>`);
  return writer.save(catalogId, infoId);
}
