import SrtParser from "srt-parser-2";
import { WebVTTParser } from "webvtt-parser";
import { describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { unzipSync } from "fflate";
import * as z from "zod";
import { EXPORT_FORMATS, exportFilename } from "../../server/services/exports/formats";
import type { ExportTranscript } from "../../server/services/exports/types";
import { nodeFontSource } from "../../scripts/export-fonts";
import { docxText, pdfPages, pdfToText } from "../support/documents";

const transcript: ExportTranscript = {
  id: "6f1c8a43-4a55-4a57-9d3b-7c9e2e0f1a11",
  title: "Zoë & “friends” <live>",
  language: "en",
  summary: "We talk about R&D.",
  chapters: [{ startMs: 0, title: "Intro" }],
  segments: [
    { startMs: 0, endMs: 2_500, speaker: "Zoë", text: "Hello & welcome to <the> show." },
    { startMs: 62_345, endMs: 64_000, speaker: null, text: "She said \"quotes\" and 'single' ones." },
    { startMs: 3_723_456, endMs: 3_725_001, speaker: "Ana", text: "Line one\nline two --> not a timing." },
  ],
};

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("SRT export", () => {
  it("parses back to the same cues with exact comma timings", () => {
    const srt = text(EXPORT_FORMATS.srt.render(transcript));
    const cues = new SrtParser().fromSrt(srt);
    expect(cues).toHaveLength(3);
    expect(cues.map((c) => [c.id, c.startTime, c.endTime])).toEqual([
      ["1", "00:00:00,000", "00:00:02,500"],
      ["2", "00:01:02,345", "00:01:04,000"],
      ["3", "01:02:03,456", "01:02:05,001"],
    ]);
    expect(cues[1].startSeconds).toBeCloseTo(62.345, 6);
    expect(cues[0].text).toBe("Zoë: Hello & welcome to <the> show.");
    expect(cues[2].text).toBe("Ana: Line one line two → not a timing.");
    expect(srt).toContain("00:01:02,345 --> 00:01:04,000");
  });
});

describe("WebVTT export", () => {
  it("is valid for the W3C parser, with exact dot timings, voices and escaped text", () => {
    const vtt = text(EXPORT_FORMATS.vtt.render(transcript));
    // The parser's built-in entity table lacks the ";" forms; the spec's character references are these.
    const { cues, errors } = new WebVTTParser({ "&amp;": "&", "&lt;": "<", "&gt;": ">" }).parse(vtt);
    expect(errors).toEqual([]);
    expect(cues).toHaveLength(3);
    expect(cues.map((c) => [c.startTime, c.endTime])).toEqual([
      [0, 2.5],
      [62.345, 64],
      [3723.456, 3725.001],
    ]);
    expect(vtt).toContain("00:01:02.345 --> 00:01:04.000");
    const first = cues[0].tree.children[0];
    expect(first).toMatchObject({ type: "object", name: "v", value: "Zoë" });
    expect(first.children?.map((c) => c.value).join("")).toBe("Hello & welcome to <the> show.");
  });
});

describe("JSON export", () => {
  it("matches the documented schema and keeps the text as it was", () => {
    const parsed = z
      .object({
        format: z.literal("greenroom.transcript"),
        version: z.literal(1),
        id: z.uuid(),
        title: z.string(),
        language: z.string().nullable(),
        summary: z.string().nullable(),
        chapters: z.array(z.object({ startMs: z.number().int(), title: z.string() }).strict()),
        segments: z.array(
          z
            .object({
              startMs: z.number().int(),
              endMs: z.number().int(),
              speaker: z.string().nullable(),
              text: z.string(),
            })
            .strict(),
        ),
      })
      .strict()
      .parse(JSON.parse(text(EXPORT_FORMATS.json.render(transcript))));
    expect(parsed.title).toBe(transcript.title);
    expect(parsed.segments).toEqual(transcript.segments);
  });
});

describe("TXT export", () => {
  it("has the title and one timed line per segment", () => {
    const lines = text(EXPORT_FORMATS.txt.render(transcript)).trimEnd().split("\n");
    expect(lines[0]).toBe(transcript.title);
    expect(lines.slice(2)).toEqual([
      "[00:00:00] Zoë: Hello & welcome to <the> show.",
      `[00:01:02] She said "quotes" and 'single' ones.`,
      "[01:02:03] Ana: Line one line two --> not a timing.",
    ]);
  });
});

describe("DOCX export", () => {
  it("opens in a DOCX reader with every segment's text, special characters intact", async () => {
    const bytes = await EXPORT_FORMATS.docx.render(transcript);
    expect(text(bytes.slice(0, 2))).toBe("PK");
    const body = await docxText(bytes);
    expect(body).toContain("Zoë & “friends” <live>");
    expect(body).toContain("[00:00:00] Zoë: Hello & welcome to <the> show.");
    expect(body).toContain(`She said "quotes" and 'single' ones.`);
    expect(body).toContain("We talk about R&D.");
  });

  it("packs the six OPC parts with intact checksums, the same bytes for the same transcript", async () => {
    const bytes = await EXPORT_FORMATS.docx.render(transcript);
    const parts = new Map(Object.entries(unzipSync(bytes)));
    expect([...parts.keys()]).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "word/document.xml",
      "word/_rels/document.xml.rels",
      "word/styles.xml",
      "docProps/core.xml",
    ]);
    // fflate's reader skips the stored CRC-32s, so each central-directory entry's is checked against Node's.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const centralDirectory = view.getUint32(bytes.length - 6, true);
    for (let at = centralDirectory, i = 0; i < 6; i++) {
      const nameLength = view.getUint16(at + 28, true);
      const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
      expect(view.getUint32(at + 16, true), name).toBe(crc32(parts.get(name)!));
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    expect(await EXPORT_FORMATS.docx.render(transcript)).toEqual(bytes);
  });
});

const fonts = nodeFontSource();
const renderPdf = (t: ExportTranscript) => EXPORT_FORMATS.pdf.render(t, { fonts });

describe("PDF export", () => {
  it("opens in PDF.js with the text, every character kept", async () => {
    const bytes = await renderPdf({
      ...transcript,
      segments: [
        ...transcript.segments,
        { startMs: 70_000, endMs: 71_000, speaker: "Łukasz", text: "Zażółć gęślą jaźń — 東京" },
      ],
    });
    expect(text(bytes.slice(0, 8))).toBe("%PDF-1.7");
    const { pages, title } = await pdfPages(bytes);
    expect(title).toBe(transcript.title);
    expect(pages).toHaveLength(1);
    const page = pages[0];
    expect(page).toContain("Zoë & “friends” <live>");
    expect(page).toContain("Hello & welcome to <the> show.");
    expect(page).toContain(`She said "quotes" and 'single' ones.`);
    expect(page).toMatch(/01:02:03\s+·\s+Ana/);
    // Polish letters come from Noto Sans' latin-ext subset and the Han characters from Noto Sans SC.
    expect(page).toContain("Zażółć gęślą jaźń — 東京");
    expect(page).toMatch(/00:01:10\s+·\s+Łukasz/);
  });

  it("pages a long transcript and numbers the pages", async () => {
    const segments = Array.from({ length: 240 }, (_, i) => ({
      startMs: i * 5_000,
      endMs: i * 5_000 + 4_000,
      speaker: i % 2 ? "Host" : "Guest",
      text: `Segment number ${i} says something long enough to wrap across the width of the page at least once, so that the layout is exercised.`,
    }));
    const { pages } = await pdfPages(await renderPdf({ ...transcript, segments }));
    expect(pages.length).toBeGreaterThan(5);
    pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${pages.length}`));
    const all = pages.join("\n");
    for (const i of [0, 120, 239]) expect(all).toContain(`Segment number ${i} says`);
  });

  const scripts = {
    polish: "Zażółć gęślą jaźń",
    greek: "Καλημέρα κόσμε, ευχαριστώ",
    cyrillic: "Съешь же ещё этих мягких французских булок",
    arabic: "مرحبا بكم في البرنامج",
    hebrew: "שלום וברוכים הבאים לתוכנית",
    hindi: "नमस्ते, हिन्दी में स्वागत है",
    chinese: "欢迎收听我们的节目",
    japanese: "こんにちは、番組へようこそ",
  };
  const multiScript: ExportTranscript = {
    ...transcript,
    title: "Every script",
    summary: null,
    segments: Object.entries(scripts).map(([speaker, text], i) => ({
      startMs: i * 1000,
      endMs: i * 1000 + 900,
      speaker,
      text,
    })),
  };

  it("keeps every script: poppler's pdftotext reads each sentence back in reading order", async () => {
    const extracted = pdfToText(await renderPdf(multiScript))
      // pdftotext marks right-to-left lines with embedding controls; the words between them are what we check.
      .replace(/[\u202a-\u202e]/g, "");
    for (const [name, sentence] of Object.entries(scripts)) expect(extracted, name).toContain(sentence);
  });

  it("keeps every script: PDF.js reads the left-to-right scripts and Hebrew", async () => {
    const [page] = (await pdfPages(await renderPdf(multiScript))).pages;
    for (const name of ["polish", "greek", "cyrillic", "chinese", "japanese", "hebrew"] as const)
      expect(page, name).toContain(scripts[name]);
    // PDF.js ignores ActualText and maps each glyph back through the font's ToUnicode table alone. Shaped Arabic
    // shares glyphs between letters (ب and ن medial forms differ only by a dot glyph) and Devanagari draws
    // ि before its consonant, so PDF.js gives "البربامج" and "िहन्दी": those two are checked with pdftotext above.
  });

  it("right-aligns right-to-left paragraphs and draws their words from right to left", async () => {
    const layout = pdfToText(await renderPdf(multiScript), ["-bbox-layout"]);
    const words = [...layout.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map(
      ([, xMin, xMax, word]) => ({ xMin: Number(xMin), xMax: Number(xMax), word }),
    );
    // poppler reports each word's glyphs in drawing (visual) order: reversed, for Hebrew.
    const visual = (word: string) => [...word].reverse().join("");
    const hebrew = scripts.hebrew.split(" ").map((word) => words.find((w) => w.word === visual(word))!);
    expect(hebrew.every(Boolean)).toBe(true);
    // The first word in reading order is the rightmost, ending at the right margin (595 - 56 = 539 pt).
    expect(hebrew[0].xMax).toBeGreaterThan(530);
    for (let i = 1; i < hebrew.length; i++) expect(hebrew[i].xMax).toBeLessThan(hebrew[i - 1].xMin);
  });
});

describe("export filenames", () => {
  it("are ASCII, safe in a header, and never empty", () => {
    expect(exportFilename("Zoë & “friends” <live>", "pdf")).toBe("zoe-friends-live.pdf");
    expect(exportFilename('"; rm -rf / \r\n', "srt")).toBe("rm-rf.srt");
    expect(exportFilename("東京", "docx")).toBe("transcript.docx");
  });
});
