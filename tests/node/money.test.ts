import { describe, expect, it } from "vitest";
import { formatMoney } from "../../server/lib/money";

// One formatter for every page, email and PDF: the sandbox checkout and the event page must write a price the same.
describe("formatMoney", () => {
  it("writes minor units with the currency's symbol and grouping", () => {
    expect(formatMoney(1500, "usd")).toBe("$15.00");
    expect(formatMoney(1500, "USD")).toBe("$15.00");
    expect(formatMoney(123_456_789, "eur")).toBe("€1,234,567.89");
    expect(formatMoney(5, "gbp")).toBe("£0.05");
    expect(formatMoney(2000, "cad")).toBe("CA$20.00");
    expect(formatMoney(2000, "aud")).toBe("A$20.00");
  });

  it("writes a negative amount with a leading minus", () => {
    expect(formatMoney(-500, "usd")).toBe("-$5.00");
  });
});
