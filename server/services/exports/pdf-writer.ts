import { zlibSync } from "fflate";
import type { FontkitFont, FontkitSubset } from "fontkit/core";

/**
 * The PDF file format around fontkit: pages of text drawn with embedded TrueType subsets (Type 0 / CIDFontType2,
 * Identity-H, a ToUnicode map per font), ActualText spans, flate-compressed streams. Written here rather than with
 * pdf-lib because pdf-lib's ~70 KiB gzipped took the Worker over its 600 KiB budget (ADR 018); fontkit does the
 * hard parts (shaping, subsetting) either way.
 */

const encoder = new TextEncoder();

/** A PDF text string: UTF-16BE with a byte order mark, as hex. */
export function pdfTextString(text: string) {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

const pdfName = (name: string) => `/${name.replace(/[^A-Za-z0-9+\-_.]/g, (c) => `#${c.charCodeAt(0).toString(16)}`)}`;

interface LayoutGlyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}
interface FontkitLayoutFont extends FontkitFont {
  layout(text: string): { glyphs: LayoutGlyph[] };
  unitsPerEm: number;
  ascent: number;
  descent: number;
  capHeight: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  postscriptName: string | null;
}

/** One font file as used by a document: measures and encodes runs, collecting the glyphs to embed. */
export class PdfFont {
  private readonly font: FontkitLayoutFont;
  private readonly subset: FontkitSubset;
  /** Subset glyph id -> its advance (1/1000 em) and the text it stands for. */
  private readonly used = new Map<number, { width: number; text: string }>();
  readonly resourceName: string;

  constructor(font: FontkitFont, index: number) {
    this.font = font as FontkitLayoutFont;
    this.subset = font.createSubset();
    this.resourceName = `F${index}`;
  }

  isUsed() {
    return this.used.size > 0;
  }

  /** Advance width of a run at size 1 (shaped: ligatures, contextual forms). */
  widthOf(text: string) {
    const { glyphs } = this.font.layout(text);
    return glyphs.reduce((sum, glyph) => sum + glyph.advanceWidth, 0) / this.font.unitsPerEm;
  }

  /** The run as a hex string of subset glyph ids, in the order fontkit lays them out (visual for RTL). */
  encode(text: string) {
    let hex = "";
    for (const glyph of this.font.layout(text).glyphs) {
      const id = this.subset.includeGlyph(glyph);
      if (!this.used.has(id))
        this.used.set(id, {
          width: Math.round((glyph.advanceWidth * 1000) / this.font.unitsPerEm),
          text: String.fromCodePoint(...glyph.codePoints),
        });
      hex += id.toString(16).padStart(4, "0");
    }
    return `<${hex}>`;
  }

  /** The font's objects: Type 0 font, CID font, descriptor, file and ToUnicode map. */
  write(writer: PdfWriter, fontId: number) {
    const scale = 1000 / this.font.unitsPerEm;
    const tag = this.resourceName
      .padStart(6, "A")
      .slice(-6)
      .toUpperCase()
      .replace(/[^A-Z]/g, "X");
    const baseName = pdfName(`${tag}+${(this.font.postscriptName ?? "Font").replace(/[^A-Za-z0-9-]/g, "")}`);
    const file = writer.stream(this.subset.encode());
    const { minX, minY, maxX, maxY } = this.font.bbox;
    const descriptor = writer.add(
      `<< /Type /FontDescriptor /FontName ${baseName} /Flags 4 /FontBBox [${[minX, minY, maxX, maxY].map((v) => Math.round(v * scale)).join(" ")}] /ItalicAngle 0 /Ascent ${Math.round(this.font.ascent * scale)} /Descent ${Math.round(this.font.descent * scale)} /CapHeight ${Math.round((this.font.capHeight || this.font.ascent) * scale)} /StemV 80 /FontFile2 ${file} 0 R >>`,
    );
    const ids = [...this.used.keys()].sort((a, b) => a - b);
    const widths = ids.map((id) => `${id} [${this.used.get(id)!.width}]`).join(" ");
    const cidFont = writer.add(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont ${baseName} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /W [${widths}] /CIDToGIDMap /Identity >>`,
    );
    const toUnicode = writer.stream(encoder.encode(this.toUnicodeCMap(ids)));
    writer.set(
      fontId,
      `<< /Type /Font /Subtype /Type0 /BaseFont ${baseName} /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
  }

  private toUnicodeCMap(ids: number[]) {
    const utf16 = (text: string) =>
      Array.from({ length: text.length }, (_, i) => text.charCodeAt(i).toString(16).padStart(4, "0")).join("") ||
      "fffd";
    const lines: string[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const block = ids.slice(i, i + 100);
      lines.push(`${block.length} beginbfchar`);
      for (const id of block) lines.push(`<${id.toString(16).padStart(4, "0")}> <${utf16(this.used.get(id)!.text)}>`);
      lines.push("endbfchar");
    }
    return [
      "/CIDInit /ProcSet findresource begin",
      "12 dict begin",
      "begincmap",
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
      "/CMapName /Adobe-Identity-UCS def",
      "/CMapType 2 def",
      "1 begincodespacerange",
      "<0000> <ffff>",
      "endcodespacerange",
      ...lines,
      "endcmap",
      "CMapName currentdict /CMap defineresource pop",
      "end",
      "end",
    ].join("\n");
  }
}

/** Objects by number, then serialised with a cross-reference table. */
export class PdfWriter {
  private readonly objects: (Uint8Array | undefined)[] = [undefined];

  reserve() {
    this.objects.push(undefined);
    return this.objects.length - 1;
  }

  set(id: number, body: string) {
    this.objects[id] = encoder.encode(body);
  }

  add(body: string) {
    const id = this.reserve();
    this.set(id, body);
    return id;
  }

  /** A flate-compressed stream object. */
  stream(data: Uint8Array, dictionary = "") {
    const compressed = zlibSync(data);
    const id = this.reserve();
    const head = encoder.encode(`<< ${dictionary} /Length ${compressed.length} /Filter /FlateDecode >>\nstream\n`);
    const tail = encoder.encode("\nendstream");
    const body = new Uint8Array(head.length + compressed.length + tail.length);
    body.set(head);
    body.set(compressed, head.length);
    body.set(tail, head.length + compressed.length);
    this.objects[id] = body;
    return id;
  }

  save(rootId: number, infoId: number): Uint8Array<ArrayBuffer> {
    const parts: Uint8Array[] = [encoder.encode("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n")];
    let offset = parts[0].length;
    const offsets: number[] = [];
    for (let id = 1; id < this.objects.length; id++) {
      const body = this.objects[id] ?? encoder.encode("null");
      const chunk = [encoder.encode(`${id} 0 obj\n`), body, encoder.encode("\nendobj\n")];
      offsets[id] = offset;
      for (const part of chunk) {
        parts.push(part);
        offset += part.length;
      }
    }
    let xref = `xref\n0 ${this.objects.length}\n0000000000 65535 f \n`;
    for (let id = 1; id < this.objects.length; id++) xref += `${String(offsets[id]).padStart(10, "0")} 00000 n \n`;
    xref += `trailer\n<< /Size ${this.objects.length} /Root ${rootId} 0 R /Info ${infoId} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
    parts.push(encoder.encode(xref));
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
