import jsQR from "jsqr";

/**
 * Reads a QR code from pixels in the browser. `BarcodeDetector` where the platform has one (Android, macOS), jsQR
 * otherwise; a `.client` module, so the decoder never reaches the Worker's bundle.
 */
interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (opts: { formats: string[] }) => Detector;

let detector: Detector | null | undefined;
async function nativeDetector(): Promise<Detector | null> {
  if (detector !== undefined) return detector;
  const Native = (globalThis as { BarcodeDetector?: DetectorClass & { getSupportedFormats?: () => Promise<string[]> } })
    .BarcodeDetector;
  const formats = Native?.getSupportedFormats ? await Native.getSupportedFormats().catch(() => []) : [];
  detector = Native && formats.includes("qr_code") ? new Native({ formats: ["qr_code"] }) : null;
  return detector;
}

export async function decodeQr(source: HTMLVideoElement | HTMLImageElement | ImageBitmap, canvas: HTMLCanvasElement) {
  const native = await nativeDetector();
  if (native) {
    const found = await native.detect(source).catch(() => []);
    if (found[0]) return found[0].rawValue;
  }
  const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
  const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
  if (!width || !height) return null;
  // Large photos are scaled down: jsQR's time grows with the pixels, and a ticket fills much of the frame.
  const scale = Math.min(1, 1000 / Math.max(width, height));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null;
}

/** A picked image file, decoded. */
export async function decodeQrFile(file: File, canvas: HTMLCanvasElement) {
  const bitmap = await createImageBitmap(file);
  try {
    return await decodeQr(bitmap, canvas);
  } finally {
    bitmap.close();
  }
}
