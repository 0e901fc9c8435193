import { describe, expect, it } from "vitest";
import { insertMedia, insertTranscript } from "../support/podcasts";
import { send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";

async function transcriptOf(
  workspaceId: string,
  segments = [
    { startMs: 0, endMs: 1500, speaker: "Zoë", text: "First words." },
    { startMs: 62_345, endMs: 64_000, text: "Second words." },
  ],
) {
  const handle = workerDb();
  try {
    const media = await insertMedia(handle.db, workspaceId, { filename: "Zoë's interview.mp3" });
    return await insertTranscript(handle.db, { workspaceId, mediaId: media.id, segments });
  } finally {
    await handle.close();
  }
}

describe("transcript exports over HTTP", () => {
  it("downloads every format as an attachment with a safe filename", async () => {
    const owner = await signUpOverHttp("Export Owner");
    const transcript = await transcriptOf(owner.workspaceId);
    const expected: Record<string, [string, (bytes: Uint8Array) => void]> = {
      txt: [
        "text/plain; charset=utf-8",
        (b) => expect(new TextDecoder().decode(b)).toContain("[00:01:02] Second words."),
      ],
      srt: [
        "application/x-subrip; charset=utf-8",
        (b) => expect(new TextDecoder().decode(b)).toContain("00:01:02,345 --> 00:01:04,000"),
      ],
      vtt: ["text/vtt; charset=utf-8", (b) => expect(new TextDecoder().decode(b)).toMatch(/^WEBVTT\n/)],
      json: [
        "application/json; charset=utf-8",
        (b) => expect(JSON.parse(new TextDecoder().decode(b)).segments).toHaveLength(2),
      ],
      docx: [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b) => expect(new TextDecoder().decode(b.slice(0, 2))).toBe("PK"),
      ],
      // pdf-lib writes PDF 1.7; the fonts come from the static assets (build/client/fonts/export).
      pdf: [
        "application/pdf",
        (b) => {
          expect(new TextDecoder().decode(b.slice(0, 8))).toBe("%PDF-1.7");
          // Standard fonts would make a ~1 KB file; an embedded Noto subset is several KB.
          expect(b.length).toBeGreaterThan(4000);
        },
      ],
    };
    for (const [format, [contentType, check]] of Object.entries(expected)) {
      const response = await send(`/api/transcripts/${transcript.id}/export.${format}`, {
        headers: { cookie: owner.cookie },
      });
      expect(response.status, format).toBe(200);
      expect(response.headers.get("content-type"), format).toBe(contentType);
      expect(response.headers.get("content-disposition"), format).toBe(
        `attachment; filename="zoe-s-interview.${format}"`,
      );
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(response.headers.get("content-length"), format).toBe(String(bytes.length));
      check(bytes);
    }
  });

  // The Worker's Indic shaper reads its tables from a static asset fetched with the fonts (ADR 017); a PDF in
  // Devanagari evaluates it. Node's tests compare its shaping with fontkit's own (tests/node/fontkit-trimmed).
  it("sets a Hindi transcript in the Devanagari font, the shaper's tables fetched from the assets", async () => {
    const owner = await signUpOverHttp("Export Owner");
    const transcript = await transcriptOf(owner.workspaceId, [
      { startMs: 0, endMs: 1500, text: "नमस्ते, हिन्दी में स्वागत है" },
    ]);
    const response = await send(`/api/transcripts/${transcript.id}/export.pdf`, { headers: { cookie: owner.cookie } });
    expect(response.status).toBe(200);
    const pdf = new TextDecoder("latin1").decode(await response.arrayBuffer());
    expect(pdf.slice(0, 8)).toBe("%PDF-1.7");
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansDevanagari-Regular/);
  });

  it("is 404 for another workspace's transcript, an unknown format, and 401 without a session", async () => {
    const owner = await signUpOverHttp("Export Owner");
    const stranger = await signUpOverHttp("Export Stranger");
    const transcript = await transcriptOf(owner.workspaceId);
    expect(
      (await send(`/api/transcripts/${transcript.id}/export.txt`, { headers: { cookie: stranger.cookie } })).status,
    ).toBe(404);
    expect(
      (await send(`/api/transcripts/${transcript.id}/export.exe`, { headers: { cookie: owner.cookie } })).status,
    ).toBe(404);
    expect((await send(`/api/transcripts/${transcript.id}/export.txt`)).status).toBe(401);
  });
});
