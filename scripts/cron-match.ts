/**
 * A small 5-field cron matcher for the local dev runner, which must fire the Worker's scheduled handler itself
 * (`wrangler dev` never fires crons on its own). Supports what wrangler.toml uses and Vixie cron understands:
 * `*`, `*\/n`, `a`, `a-b`, `a-b/n` and comma lists of those. Day-of-week accepts 0-7 (0 and 7 are Sunday).
 */

export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /**
   * Vixie cron: when BOTH day fields are restricted, a day matches if EITHER matches; otherwise both must.
   * As in Vixie cron, a field counts as unrestricted when it starts with `*` (so `*\/2` is "unrestricted").
   */
  daysOfMonthRestricted: boolean;
  daysOfWeekRestricted: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day-of-week", min: 0, max: 7 },
];

class CronParseError extends Error {
  constructor(expr: string, detail: string) {
    super(`Invalid cron expression "${expr}": ${detail}`);
    this.name = "CronParseError";
  }
}

function parseNumber(expr: string, field: FieldSpec, text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new CronParseError(expr, `${field.name} field: "${text}" is not a number`);
  }
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new CronParseError(expr, `${field.name} field: ${value} is outside ${field.min}-${field.max}`);
  }
  return value;
}

function parseField(expr: string, field: FieldSpec, text: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [rangeText = "", stepText, ...rest] = part.split("/");
    if (rangeText === "" || rest.length > 0) {
      throw new CronParseError(expr, `${field.name} field: empty or malformed item "${part}"`);
    }

    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new CronParseError(expr, `${field.name} field: step "${stepText}" must be a positive integer`);
      }
      step = Number(stepText);
    }

    let low: number;
    let high: number;
    if (rangeText === "*") {
      low = field.min;
      high = field.max;
    } else if (rangeText.includes("-")) {
      const bounds = rangeText.split("-");
      if (bounds.length !== 2) throw new CronParseError(expr, `${field.name} field: malformed range "${rangeText}"`);
      low = parseNumber(expr, field, bounds[0]!);
      high = parseNumber(expr, field, bounds[1]!);
      if (low > high) throw new CronParseError(expr, `${field.name} field: range "${rangeText}" is reversed`);
    } else {
      // Vixie cron rejects "a/n"; so do we, rather than guess whether it means "a" or "a-max/n".
      if (stepText !== undefined) {
        throw new CronParseError(expr, `${field.name} field: a step needs "*" or a range, got "${part}"`);
      }
      low = high = parseNumber(expr, field, rangeText);
    }

    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

/** Parses a 5-field cron expression; throws an Error naming the expression and the faulty field. */
export function parseCron(expr: string): CronSchedule {
  const trimmed = expr.trim();
  const parts = trimmed === "" ? [] : trimmed.split(/\s+/);
  if (parts.length !== FIELDS.length) {
    throw new CronParseError(
      expr,
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`,
    );
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = FIELDS.map((field, i) =>
    parseField(expr, field, parts[i]!),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];

  // 7 is an alias for Sunday; Date#getUTCDay() only ever returns 0.
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);

  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    daysOfMonthRestricted: !parts[2]!.startsWith("*"),
    daysOfWeekRestricted: !parts[4]!.startsWith("*"),
  };
}

/** True when `date` (in UTC, as Cloudflare evaluates cron triggers; seconds ignored) falls on `expr`. */
export function cronMatches(expr: string, date: Date): boolean {
  const schedule = parseCron(expr);
  if (!schedule.minutes.has(date.getUTCMinutes())) return false;
  if (!schedule.hours.has(date.getUTCHours())) return false;
  if (!schedule.months.has(date.getUTCMonth() + 1)) return false;

  const domMatches = schedule.daysOfMonth.has(date.getUTCDate());
  const dowMatches = schedule.daysOfWeek.has(date.getUTCDay());
  if (schedule.daysOfMonthRestricted && schedule.daysOfWeekRestricted) return domMatches || dowMatches;
  return domMatches && dowMatches;
}
