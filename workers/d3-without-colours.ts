/**
 * What d3-interpolate gets for d3-color in the Worker (wrangler.toml [alias]; ~4 KiB gzipped): the server draws
 * charts (app/components/charts.tsx) with numeric scales only, and d3's interpolators reach d3-color only when a
 * range holds colour strings or colour objects. Rather than interpolate those wrongly, they fail loudly here; the
 * browser bundle keeps the real d3-color.
 */
function colourInterpolation(): never {
  throw new Error("Colour interpolation is left out of the Worker bundle (wrangler.toml [alias] d3-color).");
}

export const color = colourInterpolation;
export const rgb = colourInterpolation;
export const hsl = colourInterpolation;
export const lab = colourInterpolation;
export const hcl = colourInterpolation;
export const cubehelix = colourInterpolation;
