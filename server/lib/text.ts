import * as z from "zod";

/**
 * The one text primitive: every string a caller sends (procedure inputs, Remix form fields, HTTP query params,
 * path segments and parsed headers) is declared with a builder from this module. JSON carries characters
 * Postgres refuses: NUL (rejected by text and jsonb) and lone UTF-16 surrogates (replaced silently in text
 * columns, refused by jsonb). Builders refuse both with a message naming the field, so they never reach a
 * query. External text from providers is cleaned instead (`cleanExternalText`): there is nobody to ask.
 * ADR 012 records the formats and the message rule.
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const NUL = /\u0000/g;

/** Why a string cannot be stored, or null when it can. */
export function textProblem(value: string): "nul" | "surrogate" | null {
  if (value.includes("\u0000")) return "nul";
  if (LONE_SURROGATE.test(value)) return "surrogate";
  return null;
}

/**
 * Text from outside (transcription providers, Instagram, LLMs) made storable: NUL removed, lone surrogates
 * replaced with U+FFFD, which is what a text column would keep anyway and what jsonb accepts.
 */
export function cleanExternalText(value: string): string;
export function cleanExternalText(value: string | null): string | null;
export function cleanExternalText(value: string | null | undefined): string | null | undefined;
export function cleanExternalText(value: string | null | undefined): string | null | undefined {
  if (value == null || textProblem(value) === null) return value;
  return value.replace(NUL, "").replace(LONE_SURROGATES, "\uFFFD");
}

/** JSON.parse for a provider's answer, with every string value cleaned on the way in (`cleanExternalText`). */
export function parseExternalJson(raw: string): unknown {
  return JSON.parse(raw, (_key, value: unknown) => (typeof value === "string" ? cleanExternalText(value) : value));
}

interface FieldInfo {
  /** The field as a person reads it, lower case: "title", "file name", "search". */
  label: string;
}

/** Checks minted by this module, keyed to their field; the router test walks input schemas for them. */
const storableChecks = new WeakMap<object, FieldInfo>();

function storableCheck(label: string, invalid?: string) {
  const check = z.check<string>((payload) => {
    const problem = textProblem(payload.value);
    if (!problem) return;
    payload.issues.push({
      code: "custom",
      input: payload.value,
      // Nothing else about the value is worth reporting until it can be read at all.
      continue: false,
      message:
        invalid ??
        (problem === "nul"
          ? `Remove the invisible NUL character from the ${label}.`
          : `Retype the ${label}: it contains a damaged character (half of an emoji or symbol).`),
    });
  });
  storableChecks.set(check, { label });
  return check;
}

/** The field a string schema was built for, or null when it was not built here. */
export function textFieldOf(schema: z.core.$ZodType): FieldInfo | null {
  for (const check of schema._zod.def.checks ?? []) {
    const info = storableChecks.get(check);
    if (info) return info;
  }
  return null;
}

export interface TextOptions {
  /** Longest accepted value, in UTF-16 code units (what the browser's maxlength counts). */
  max: number;
  /** Shortest accepted value; 1 makes the field required. Default 0. */
  min?: number;
  /** Strip surrounding whitespace before the length checks. Default true; passwords say false. */
  trim?: boolean;
  /** Replaces the generated "Enter the <label>." for an empty required field. */
  empty?: string;
  /** Replaces the generated "Use at most <max> characters for the <label>." */
  tooLong?: string;
  /** Replaces the generated "Use at least <min> characters for the <label>." (min > 1 only). */
  tooShort?: string;
}

/**
 * 1,000-style grouping without Intl: these messages are built when the schemas are, at module load, and the first
 * toLocaleString loads ICU locale data, ~20 ms of the Worker's start-up CPU (ADR 017).
 */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * Free text a person types: names, titles, descriptions, captions, queries. `label` is the field as the person
 * reads it ("title"), used in every message.
 */
export function text(label: string, options: TextOptions) {
  const { max, min = 0, trim = true } = options;
  let schema = z.string({ error: `Enter the ${label} as text.` }).check(storableCheck(label));
  if (trim) schema = schema.trim();
  if (min === 1) schema = schema.min(1, options.empty ?? `Enter the ${label}.`);
  else if (min > 1)
    schema = schema.min(min, options.tooShort ?? `Use at least ${count(min)} characters for the ${label}.`);
  return schema.max(max, options.tooLong ?? `Use at most ${count(max)} characters for the ${label}.`);
}

/**
 * A row id (uuid). A malformed one is reported like an unknown one, `notFound` ("Unknown show."), since to the
 * caller they are the same thing: nothing by that name exists. Postgres reads "ABC…" and "abc…" as one uuid, so
 * ids are lower-cased here: every comparison in code (the session's memberships, cache keys) sees one spelling.
 */
export function rowId(notFound: string) {
  return z.uuid({ error: notFound, abort: true }).check(storableCheck("id")).toLowerCase();
}

const ROW_ID = rowId("Unknown.");
/** For HTTP paths and query strings, where a malformed id is answered like a missing row: 404. */
export const isRowId = (value: unknown): value is string => ROW_ID.safeParse(value).success;

const SIGNED_LINK = z
  .string()
  .check(storableCheck("link"))
  .max(512)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/);
/** A link token the app signed or handed out (`<id>.<expiry>.<signature>`, OAuth state): base64url parts. */
export const isLinkToken = (value: unknown): value is string => SIGNED_LINK.safeParse(value).success;

const URL_SAFE = /^[A-Za-z0-9_-]+$/;

/**
 * A secret or reference the app handed out (reset and invitation tokens, session ids): base64url characters
 * only, bounded length. A malformed one gets the same message as an expired one.
 */
export function token(label: string, options: { min: number; max: number; invalid: string }) {
  return z
    .string({ error: options.invalid })
    .check(storableCheck(label, options.invalid))
    .min(options.min, options.invalid)
    .max(options.max, options.invalid)
    .regex(URL_SAFE, options.invalid);
}

/** An opaque page cursor the app handed out: base64url characters, bounded; the service decodes it. */
export function cursor(max = 300) {
  const invalid = "This page of the list does not exist. Start again from the first page.";
  return z
    .string({ error: invalid })
    .check(storableCheck("page cursor", invalid))
    .max(max, invalid)
    .regex(URL_SAFE, invalid);
}

/** Text with a fixed shape (a date, a language code, a handle): `format` says what a valid value looks like. */
export function formatted(label: string, pattern: RegExp, invalid: string, max = 100) {
  return z.string({ error: invalid }).check(storableCheck(label)).trim().max(max, invalid).regex(pattern, invalid);
}

// Messages for everything not declared here (numbers, lists, choices, unknown keys): name the field from its
// key and say what to do. zod's English defaults ("Invalid input: expected string, received undefined") are
// for developers.
const fieldName = (path: readonly PropertyKey[]) => {
  const key = [...path].reverse().find((part): part is string => typeof part === "string");
  if (!key) return "request";
  return key
    .replace(/Id$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
};

const EXPECTED = new Map([
  ["string", "as text"],
  ["number", "as a number"],
  ["int", "as a whole number"],
  ["boolean", "as yes or no"],
  ["date", "as a date"],
  ["array", "as a list"],
  ["object", "as a set of fields"],
]);

/** The message for an issue no schema gave one to. Exported for the tests; installed below. */
export function defaultMessage(issue: z.core.$ZodRawIssue): string {
  const field = fieldName(issue.path ?? []);
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `Enter the ${field}.`;
      return `Enter the ${field} ${EXPECTED.get(issue.expected) ?? "in the form shown"}.`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "set"
        ? `Choose at most ${count(Number(issue.maximum))} for the ${field}.`
        : issue.origin === "string"
          ? `Use at most ${count(Number(issue.maximum))} characters for the ${field}.`
          : `Use a ${field} of at most ${count(Number(issue.maximum))}.`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "set"
        ? `Choose at least ${count(Number(issue.minimum))} for the ${field}.`
        : issue.origin === "string"
          ? `Use at least ${count(Number(issue.minimum))} characters for the ${field}.`
          : `Use a ${field} of at least ${count(Number(issue.minimum))}.`;
    case "invalid_value":
    case "invalid_union":
      return `Choose one of the offered options for the ${field}.`;
    case "invalid_format":
      return `Enter a valid ${field}.`;
    case "not_multiple_of":
      return `Use a multiple of ${String(issue.divisor)} for the ${field}.`;
    case "unrecognized_keys":
      return `Remove ${issue.keys.length === 1 ? "the field" : "the fields"} ${issue.keys.join(", ")}: ${issue.keys.length === 1 ? "it is" : "they are"} not part of this form.`;
    case "invalid_key":
    case "invalid_element":
      return `Check the entries of the ${field}.`;
    default:
      return `Check the ${field}.`;
  }
}

z.config({ customError: defaultMessage });
