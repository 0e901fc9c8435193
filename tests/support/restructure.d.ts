/** The part of restructure (fontkit's binary reader, which ships no types) tests/node/fontkit-trimmed uses. */
declare module "restructure" {
  export class DecodeStream {
    constructor(buffer: Uint8Array);
  }
}
