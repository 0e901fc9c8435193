export { formatMoney } from "../../server/lib/money";

/** A price field's text ("5", "5.5", "5.00") as cents; "" is no price; anything else NaN (the procedure says why). */
export function parseCents(value: string): number | null {
  const trimmed = value.trim().replace(",", ".");
  if (trimmed === "") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return Number.NaN;
  return Math.round(Number(trimmed) * 100);
}
