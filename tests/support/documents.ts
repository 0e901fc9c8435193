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
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join("\n"));
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
