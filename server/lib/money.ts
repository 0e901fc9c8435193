/**
 * The one way an amount is written for people, on every page, email, PDF and the sandbox checkout: "$15.00",
 * "€1,200.00", "CA$5.00". The locale is fixed ("en-US") rather than the reader's, so the server's render, the
 * browser's hydration and a PDF made anywhere read the same; the symbols of the currencies we sell in have been
 * stable across ICU versions for years. Formatters are made on first use per currency: building one loads ICU data,
 * which would cost start-up CPU at module load (ADR 017).
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string) {
  const code = currency.toUpperCase();
  let formatter = formatters.get(code);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
    formatters.set(code, formatter);
  }
  return formatter;
}

/** Minor units (cents) to "$15.00"; negative amounts read "-$5.00". */
export function formatMoney(cents: number, currency: string) {
  return formatterFor(currency).format(cents / 100);
}
