import { clockTime, oneLine, type ExportTranscript } from "./types";
import { ownValue } from "../../lib/records";

/**
 * A PDF 1.4 writer for transcripts: the standard Helvetica fonts (no embedding), WinAnsi text, line wrapping
 * from the fonts' metrics, A4 pages with "Page n of N". Characters outside WinAnsi (Windows-1252) are
 * transliterated where Unicode decomposition allows (ő -> o) and become "?" otherwise; the document title in
 * the metadata keeps the full Unicode text.
 */

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN_X = 56;
const MARGIN_TOP = 64;
const MARGIN_BOTTOM = 72;
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;

/** Unicode code points of Windows-1252 bytes 0x80-0x9F (0 where the byte is unassigned). */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const TO_WINANSI = new Map<number, number>(
  CP1252_HIGH.flatMap((codePoint, i) => (codePoint ? [[codePoint, 0x80 + i] as [number, number]] : [])),
);

/** Helvetica advance widths (1/1000 em) from its AFM, indexed by WinAnsi byte. */
const WIDTHS = (() => {
  const widths = new Array<number>(256).fill(556);
  const ascii =
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584";
  ascii.split(" ").forEach((w, i) => (widths[32 + i] = Number(w)));
  const high =
    "556 556 222 556 333 1000 556 556 333 1000 667 333 1000 556 611 556 556 222 222 333 333 350 556 1000 333 1000 500 333 944 556 500 667 278 333 556 556 556 556 260 556 333 737 370 556 584 333 737 333 400 584 333 333 333 556 537 278 333 333 365 556 834 834 834 611 667 667 667 667 667 667 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 778 778 584 778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 500 556 556 556 556 278 278 278 278 556 556 556 556 556 556 556 584 611 556 556 556 556 500 556 500";
  high.split(" ").forEach((w, i) => (widths[128 + i] = Number(w)));
  return widths;
})();

/** Latin letters that Unicode does not decompose into a base letter and an accent. */
const UNDECOMPOSABLE: Record<string, string> = {
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ħ: "h",
  Ħ: "H",
  ı: "i",
  ŧ: "t",
  Ŧ: "T",
  ŀ: "l",
  Ŀ: "L",
};

/** Text as WinAnsi bytes: Latin-1 and the Windows-1252 extras as they are, other letters without accents, else "?". */
export function toWinAnsi(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else if (TO_WINANSI.has(code)) bytes.push(TO_WINANSI.get(code)!);
    else if (/\s/.test(char)) bytes.push(0x20);
    else {
      const base = ownValue(UNDECOMPOSABLE, char) ?? char.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      const fallback = base.codePointAt(0);
      bytes.push(
        base.length === 1 && fallback !== undefined && fallback >= 0x20 && fallback <= 0xff && fallback !== 0x7f
          ? fallback
          : 0x3f,
      );
    }
  }
  return bytes;
}

const widthOf = (bytes: number[], size: number, bold: boolean) =>
  (bytes.reduce((sum, b) => sum + WIDTHS[b], 0) * size * (bold ? 1.08 : 1)) / 1000;

/** Greedy word wrap to `width` points; a word longer than a line is cut. */
function wrap(text: string, size: number, bold: boolean, width = TEXT_WIDTH): number[][] {
  const lines: number[][] = [];
  let line: number[] = [];
  for (const word of toWinAnsi(text).reduce<number[][]>(
    (words, b) => (b === 0x20 ? words.push([]) : words[words.length - 1].push(b), words),
    [[]],
  )) {
    if (word.length === 0) continue;
    const candidate = line.length ? [...line, 0x20, ...word] : word;
    if (widthOf(candidate, size, bold) <= width) {
      line = candidate;
      continue;
    }
    if (line.length) lines.push(line);
    line = [];
    for (const b of word) {
      if (line.length && widthOf([...line, b], size, bold) > width) {
        lines.push(line);
        line = [];
      }
      line.push(b);
    }
  }
  if (line.length || lines.length === 0) lines.push(line);
  return lines;
}

/** A PDF literal string, ASCII only: ( ) \ escaped, everything outside printable ASCII as octal. */
function pdfString(bytes: number[]) {
  let out = "(";
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, "0")}`;
  }
  return `${out})`;
}

/** A text string for the document information dictionary: UTF-16BE with a byte order mark, as hex. */
function pdfTextString(text: string) {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

interface Line {
  bytes: number[];
  font: "F1" | "F2";
  size: number;
  gray: number;
  /** Space above the line, in points. */
  before: number;
  /** A heading or speaker label: never the last line of a page. */
  keepWithNext: boolean;
}

function layout(transcript: ExportTranscript): Line[] {
  const lines: Line[] = [];
  const add = (text: string, font: Line["font"], size: number, gray: number, before: number, keepWithNext = false) =>
    wrap(text, size, font === "F2").forEach((bytes, i) =>
      lines.push({ bytes, font, size, gray, before: i === 0 ? before : 0, keepWithNext }),
    );
  add(transcript.title, "F2", 18, 0, 0);
  if (transcript.summary) {
    add("Summary", "F2", 13, 0, 12, true);
    add(oneLine(transcript.summary), "F1", 11, 0, 4);
  }
  add("Transcript", "F2", 13, 0, 12, true);
  for (const segment of transcript.segments) {
    add(
      [clockTime(segment.startMs), segment.speaker ? oneLine(segment.speaker) : null].filter(Boolean).join("  ·  "),
      "F2",
      9,
      0.35,
      8,
      true,
    );
    add(oneLine(segment.text), "F1", 11, 0, 1);
  }
  return lines;
}

/** Lines into pages: each line takes its size × 1.35 plus the space above it. */
function paginate(lines: Line[]) {
  const pages: { line: Line; y: number }[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN_TOP;
  for (const [i, line] of lines.entries()) {
    const height = line.size * 1.35;
    const top = pages[pages.length - 1].length ? line.before : 0;
    const next = line.keepWithNext ? lines[i + 1] : undefined;
    const needed = top + height + (next ? next.before + next.size * 1.35 : 0);
    if (y - needed < MARGIN_BOTTOM) {
      pages.push([]);
      y = PAGE_HEIGHT - MARGIN_TOP;
    } else {
      y -= top;
    }
    y -= height;
    pages[pages.length - 1].push({ line, y: y + line.size * 0.3 });
  }
  return pages;
}

export function renderPdf(transcript: ExportTranscript): Uint8Array<ArrayBuffer> {
  const pages = paginate(layout(transcript));
  const footerTitle = wrap(transcript.title, 9, false, TEXT_WIDTH * 0.7)[0];
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  objects[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>";
  objects[5] = `<< /Title ${pdfTextString(transcript.title)} /Producer (Greenroom) >>`;
  pages.forEach((placed, i) => {
    const ops = placed.map(
      ({ line, y }) =>
        `${line.gray} g BT /${line.font} ${line.size} Tf ${MARGIN_X} ${y.toFixed(2)} Td ${pdfString(line.bytes)} Tj ET`,
    );
    const footer = toWinAnsi(`Page ${i + 1} of ${pages.length}`);
    ops.push(`0.35 g BT /F1 9 Tf ${MARGIN_X} 40 Td ${pdfString(footerTitle)} Tj ET`);
    ops.push(
      `0.35 g BT /F1 9 Tf ${(PAGE_WIDTH - MARGIN_X - widthOf(footer, 9, false)).toFixed(2)} 40 Td ${pdfString(footer)} Tj ET`,
    );
    const stream = ops.join("\n");
    objects[pageIds[i]] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`;
    objects[pageIds[i] + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });

  // Every byte written is ASCII, so string lengths are byte offsets.
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefAt = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
