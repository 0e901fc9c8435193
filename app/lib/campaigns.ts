/** Words and number formats the campaign pages share. */
export { countOf, formatCount, priceWords } from "../../server/services/campaigns/documents";
export { formatMoney } from "./money";

export const POSITION_LABELS = { pre: "Pre-roll", mid: "Mid-roll", post: "Post-roll" } as const;
export const CAMPAIGN_STATUS_LABELS = {
  draft: "Draft",
  approved: "Approved",
  live: "Live",
  completed: "Completed",
  canceled: "Canceled",
} as const;
export const FLIGHT_STATUS_LABELS = {
  draft: "Draft",
  booked: "Booked",
  live: "Live",
  paused: "Paused",
  completed: "Completed",
  canceled: "Canceled",
} as const;
export const INVOICE_STATUS_LABELS = { draft: "Draft", sent: "Sent", paid: "Paid", void: "Void" } as const;

/** "12.50" typed in a form → 1250 cents; anything else is passed on as NaN for the procedure to refuse by name. */
export function centsFrom(value: string) {
  const trimmed = value.trim().replace(/,/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return Number.NaN;
  const [whole, fraction = ""] = trimmed.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

export const wholeFrom = (value: string) => (value.trim() === "" ? Number.NaN : Number(value.trim()));

/** "44.1 kHz mono MP3, constant 48 kbps": what a booking's encoding check compares, shown on the creative. */
export function describeAdEncoding(e: {
  sampleRate: number;
  channels: 1 | 2;
  bitrateMode: "constant" | "variable";
  kbps: number;
}) {
  const rate = `${e.sampleRate / 1000} kHz ${e.channels === 1 ? "mono" : "stereo"} MP3`;
  return e.bitrateMode === "constant"
    ? `${rate}, constant ${e.kbps} kbps`
    : `${rate}, variable bitrate (~${e.kbps} kbps)`;
}
