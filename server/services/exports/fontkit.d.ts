/** The part of fontkit 3 (which ships no types) the PDF export uses (pdf-writer.ts narrows the font further). */
declare module "fontkit/core" {
  export interface FontkitSubset {
    includeGlyph(glyph: unknown): number;
    encode(): Uint8Array;
  }
  export interface FontkitFont {
    hasGlyphForCodePoint(codePoint: number): boolean;
    createSubset(): FontkitSubset;
  }
  export function create(buffer: Uint8Array): FontkitFont;
  export function registerFormat(format: unknown): void;
  export function registerShaper(shaper: unknown): void;
}
declare module "fontkit/formats/TTFFont" {
  export const TTFFont: unknown;
}
declare module "fontkit/formats/WOFFFont" {
  export const WOFFFont: unknown;
}
declare module "fontkit/shapers/ArabicShaper" {
  export const ArabicShaper: unknown;
}
declare module "fontkit/shapers/HangulShaper" {
  export const HangulShaper: unknown;
}
declare module "fontkit/shapers/HebrewShaper" {
  export const HebrewShaper: unknown;
}
declare module "fontkit/shapers/IndicShaper" {
  export const IndicShaper: unknown;
}
declare module "fontkit/shapers/UniversalShaper" {
  export const UniversalShaper: unknown;
}
