/**
 * Stands in for @pdf-lib/standard-fonts in the Worker (wrangler.toml [alias]): that package is 111 KiB gzipped
 * of compressed metrics for the 14 standard PDF fonts, which the transcript PDF never uses (it embeds Noto
 * subsets). pdf-lib only reads the font names at load time; drawing with a standard font fails loudly here.
 */
export enum FontNames {
  Courier = "Courier",
  CourierBold = "Courier-Bold",
  CourierOblique = "Courier-Oblique",
  CourierBoldOblique = "Courier-BoldOblique",
  Helvetica = "Helvetica",
  HelveticaBold = "Helvetica-Bold",
  HelveticaOblique = "Helvetica-Oblique",
  HelveticaBoldOblique = "Helvetica-BoldOblique",
  TimesRoman = "Times-Roman",
  TimesRomanBold = "Times-Bold",
  TimesRomanItalic = "Times-Italic",
  TimesRomanBoldItalic = "Times-BoldItalic",
  Symbol = "Symbol",
  ZapfDingbats = "ZapfDingbats",
}

const unavailable = () => {
  throw new Error("The standard PDF fonts are not bundled in the Worker; embed a font from /fonts/export.");
};

export const Font = { load: unavailable };
export const Encodings = new Proxy({}, { get: unavailable });
