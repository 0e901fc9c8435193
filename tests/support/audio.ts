/**
 * A WAV file of any size (16-bit mono 44.1 kHz, a 441 Hz sine), produced slice by slice so a 200 MiB file
 * never has to be in memory at once. Used by worker tests, the browser test and the benchmark.
 */
const SAMPLE_RATE = 44_100;
const HEADER_BYTES = 44;
/** 441 Hz at 44.1 kHz repeats every 100 samples, so one 200-byte period describes all the audio. */
const PERIOD = (() => {
  const bytes = new Uint8Array(200);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 100; i++) view.setInt16(i * 2, Math.round(Math.sin((2 * Math.PI * i) / 100) * 8000), true);
  return bytes;
})();

function wavHeader(totalBytes: number) {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string) =>
    [...text].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, totalBytes - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, totalBytes - HEADER_BYTES, true);
  return header;
}

/** Bytes [start, end) of a WAV file that is `totalBytes` long in all. */
export function wavSlice(totalBytes: number, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(end - start);
  const header = start < HEADER_BYTES ? wavHeader(totalBytes) : null;
  let position = start;
  while (position < end) {
    if (position < HEADER_BYTES) {
      out[position - start] = header![position++];
      continue;
    }
    const phase = (position - HEADER_BYTES) % PERIOD.length;
    const run = PERIOD.subarray(phase, Math.min(PERIOD.length, phase + end - position));
    out.set(run, position - start);
    position += run.length;
  }
  return out;
}

export const wavFile = (totalBytes: number) => wavSlice(totalBytes, 0, totalBytes);
