/** "5.00 USD" from minor units, by hand (no Intl: see app/lib/format.ts on ICU differences and start-up cost). */
export function formatMoney(cents: number, currency: string) {
  const sign = cents < 0 ? "−" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} ${currency.toUpperCase()}`;
}

/** A price field's text ("5", "5.5", "5.00") as cents; "" is no price; anything else NaN (the procedure says why). */
export function parseCents(value: string): number | null {
  const trimmed = value.trim().replace(",", ".");
  if (trimmed === "") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return Number.NaN;
  return Math.round(Number(trimmed) * 100);
}
