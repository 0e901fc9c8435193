import { readFileSync } from "node:fs";
import path from "node:path";

/** A real media file from tests/fixtures/media (made with ffmpeg; tests/node/media-probe.test.ts says how). */
export const fixture = (name: string) => new Uint8Array(readFileSync(path.join(__dirname, "../fixtures/media", name)));
