/**
 * Stands in for brotli's decoder in the Worker (wrangler.toml [alias]): fontkit's WOFF reader shares a module
 * with its WOFF2 reader, which imports brotli (~55 KiB gzipped with its dictionary). The export fonts are WOFF.
 */
export function decompress(): never {
  throw new Error("WOFF2 fonts are not supported in the Worker; the export fonts are WOFF.");
}
