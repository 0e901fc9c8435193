/**
 * The fonts the PDF export draws with: Noto families from @fontsource, one file per Unicode subset and weight
 * (CJK families in ~100 slices each), served as static assets under /fonts/export/ and fetched only when a
 * transcript uses their characters. Nothing here is bundled into the Worker but this list of names.
 * Noto fonts are under the SIL Open Font License 1.1 (attribution: docs/decisions/018-format-libraries.md).
 */

/** Where the build copies the font files and writes the manifest, inside the static assets. */
export const EXPORT_FONTS_PATH = "/fonts/export";

export type FontWeight = 400 | 700;

export interface ManifestFont {
  /** File name under EXPORT_FONTS_PATH. */
  file: string;
  family: string;
  weight: FontWeight;
  /** Inclusive code point ranges the file covers, as its CSS unicode-range says. */
  ranges: [number, number][];
}

/** Every font file, most preferred family first (CJK families are reordered per document). */
export interface FontManifest {
  fonts: ManifestFont[];
}

/** Reads the manifest and font files; the Worker's reads static assets, tests read node_modules. */
export interface FontSource {
  manifest(): Promise<FontManifest>;
  load(file: string): Promise<Uint8Array>;
}

/** Families in the order they are tried for a character; the `subsets` of each package that are used. */
export const EXPORT_FONT_FAMILIES = [
  {
    family: "noto-sans",
    subsets: ["latin", "latin-ext", "greek", "greek-ext", "cyrillic", "cyrillic-ext", "vietnamese"],
  },
  { family: "noto-sans-arabic", subsets: ["arabic"] },
  { family: "noto-sans-hebrew", subsets: ["hebrew"] },
  { family: "noto-sans-devanagari", subsets: ["devanagari"] },
  // The CJK families' numbered slices ("[0]" … "[119]") are small (~50 KB); their named subsets are 1.4 MB.
  { family: "noto-sans-sc", subsets: "numbered" },
  { family: "noto-sans-jp", subsets: "numbered" },
] as const satisfies readonly { family: string; subsets: readonly string[] | "numbered" }[];

export const EXPORT_FONT_WEIGHTS: readonly FontWeight[] = [400, 700];

/** Static assets through the Worker's ASSETS binding (the host is ignored by the asset server). */
export function assetFontSource(assets: Fetcher): FontSource {
  const read = async (path: string) => {
    const response = await assets.fetch(`https://assets.invalid${EXPORT_FONTS_PATH}/${path}`);
    if (!response.ok) throw new Error(`Export font asset ${path} answered ${response.status}; run npm run build.`);
    return response;
  };
  return {
    manifest: async () => (await (await read("manifest.json")).json()) as FontManifest,
    load: async (file) => new Uint8Array(await (await read(file)).arrayBuffer()),
  };
}
