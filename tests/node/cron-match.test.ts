import { describe, expect, it } from "vitest";
import { cronMatches, parseCron } from "../../scripts/cron-match";

/** UTC, as Cloudflare and the dev runner evaluate crons. Months are 1-based here for readability. */
function at(year: number, month: number, day: number, hour: number, minute: number): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute));
}

describe("cronMatches", () => {
  it("matches every five minutes", () => {
    expect(cronMatches("*/5 * * * *", at(2026, 6, 1, 10, 0))).toBe(true);
    expect(cronMatches("*/5 * * * *", at(2026, 6, 1, 10, 35))).toBe(true);
    expect(cronMatches("*/5 * * * *", at(2026, 6, 1, 10, 36))).toBe(false);
  });

  it("matches hourly at :17 and ignores seconds", () => {
    expect(cronMatches("17 * * * *", at(2026, 6, 1, 0, 17))).toBe(true);
    expect(cronMatches("17 * * * *", new Date(Date.UTC(2026, 5, 1, 23, 17, 59)))).toBe(true);
    expect(cronMatches("17 * * * *", at(2026, 6, 1, 23, 18))).toBe(false);
  });

  it("matches ranges, ranges with steps and lists", () => {
    expect(cronMatches("0 9-17 * * *", at(2026, 6, 1, 9, 0))).toBe(true);
    expect(cronMatches("0 9-17 * * *", at(2026, 6, 1, 17, 0))).toBe(true);
    expect(cronMatches("0 9-17 * * *", at(2026, 6, 1, 18, 0))).toBe(false);

    expect(cronMatches("10-30/10 * * * *", at(2026, 6, 1, 1, 20))).toBe(true);
    expect(cronMatches("10-30/10 * * * *", at(2026, 6, 1, 1, 25))).toBe(false);
    expect(cronMatches("10-30/10 * * * *", at(2026, 6, 1, 1, 40))).toBe(false);

    expect(cronMatches("0,15,45 * * * *", at(2026, 6, 1, 1, 45))).toBe(true);
    expect(cronMatches("0,15,45 * * * *", at(2026, 6, 1, 1, 30))).toBe(false);
    expect(cronMatches("0 0 1 1,7 *", at(2026, 7, 1, 0, 0))).toBe(true);
    expect(cronMatches("0 0 1 1,7 *", at(2026, 6, 1, 0, 0))).toBe(false);
  });

  it("treats 0 and 7 as Sunday", () => {
    // 2026-06-07 is a Sunday, 2026-06-08 a Monday.
    expect(cronMatches("0 12 * * 0", at(2026, 6, 7, 12, 0))).toBe(true);
    expect(cronMatches("0 12 * * 7", at(2026, 6, 7, 12, 0))).toBe(true);
    expect(cronMatches("0 12 * * 1-5", at(2026, 6, 7, 12, 0))).toBe(false);
    expect(cronMatches("0 12 * * 1-5", at(2026, 6, 8, 12, 0))).toBe(true);
  });

  it("ORs day-of-month and day-of-week when both are restricted (Vixie cron)", () => {
    // On the 15th OR on Mondays. 2026-06-15 is a Monday, 2026-06-22 a Monday, 2026-07-15 a Wednesday.
    const expr = "0 6 15 * 1";
    expect(cronMatches(expr, at(2026, 7, 15, 6, 0))).toBe(true); // 15th, not Monday
    expect(cronMatches(expr, at(2026, 6, 22, 6, 0))).toBe(true); // Monday, not the 15th
    expect(cronMatches(expr, at(2026, 6, 23, 6, 0))).toBe(false); // neither
  });

  it("ANDs the day fields when either is unrestricted", () => {
    expect(cronMatches("0 6 15 * *", at(2026, 6, 22, 6, 0))).toBe(false);
    expect(cronMatches("0 6 * * 1", at(2026, 7, 15, 6, 0))).toBe(false);
    // As in Vixie cron, a field starting with "*" counts as unrestricted even with a step.
    expect(cronMatches("0 6 */2 * 1", at(2026, 6, 22, 6, 0))).toBe(false); // Monday, but the 22nd is even
    expect(cronMatches("0 6 */2 * 1", at(2026, 6, 15, 6, 0))).toBe(true); // Monday and odd
  });
});

describe("parseCron", () => {
  it("expands fields", () => {
    const schedule = parseCron("*/20 0-6/3 1,15 * *");
    expect([...schedule.minutes]).toEqual([0, 20, 40]);
    expect([...schedule.hours]).toEqual([0, 3, 6]);
    expect([...schedule.daysOfMonth]).toEqual([1, 15]);
    expect(schedule.months.size).toBe(12);
    expect(schedule.daysOfMonthRestricted).toBe(true);
    expect(schedule.daysOfWeekRestricted).toBe(false);
  });

  it.each([
    ["", /expected 5 fields/],
    ["* * * *", /expected 5 fields/],
    ["* * * * * *", /expected 5 fields/],
    ["60 * * * *", /minute field: 60 is outside 0-59/],
    ["* 24 * * *", /hour field: 24 is outside 0-23/],
    ["* * 0 * *", /day-of-month field: 0 is outside 1-31/],
    ["* * * 13 *", /month field: 13 is outside 1-12/],
    ["* * * * 8", /day-of-week field: 8 is outside 0-7/],
    ["*/0 * * * *", /step "0" must be a positive integer/],
    ["5/15 * * * *", /a step needs "\*" or a range/],
    ["30-10 * * * *", /range "30-10" is reversed/],
    ["1,,2 * * * *", /malformed item/],
    ["a * * * *", /"a" is not a number/],
    ["* * * JAN *", /"JAN" is not a number/],
    ["-1 * * * *", /is not a number/],
  ])("rejects %j", (expr, message) => {
    expect(() => parseCron(expr)).toThrow(message);
    expect(() => parseCron(expr)).toThrow(`Invalid cron expression "${expr}"`);
  });
});
