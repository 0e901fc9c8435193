/** The part of fontkit 3 (which ships no types) the PDF export uses; pdf-lib's own Font type covers the rest. */
declare module "fontkit" {
  export interface FontkitSubset {
    includeGlyph(glyph: unknown): number;
    encode(): Uint8Array;
  }
  export interface FontkitFont {
    hasGlyphForCodePoint(codePoint: number): boolean;
    createSubset(): FontkitSubset;
  }
  export function create(buffer: Uint8Array): FontkitFont;
}
