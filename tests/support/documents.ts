import { execFileSync } from "node:child_process";
import mammoth from "mammoth";

/** The text of every page of a PDF, as Mozilla's PDF.js reads it (one string per page). */
export async function pdfPages(bytes: Uint8Array) {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    // Items end with hasEOL where PDF.js sees a line end; items on one line (a change of font subset within a
    // word, say) are read together, as a PDF viewer's text selection reads them.
    pages.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join(""));
  }
  const metadata = await document.getMetadata();
  await document.destroy();
  return { pages, title: (metadata.info as { Title?: string }).Title ?? null };
}

/** The text of a Word document, as mammoth (which opens the package, relationships and document part) reads it. */
export async function docxText(bytes: Uint8Array) {
  const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
  return result.value;
}

/** The text of a PDF as poppler's pdftotext reads it (Debian poppler-utils; .ci/run installs it). */
export function pdfToText(bytes: Uint8Array, args: string[] = []) {
  return execFileSync("pdftotext", [...args, "-enc", "UTF-8", "-", "-"], { input: bytes, encoding: "utf8" });
}
