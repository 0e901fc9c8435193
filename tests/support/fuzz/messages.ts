import type { TRPCError } from "@trpc/server";
import { describeProcedureError } from "../../../server/trpc/error-details";

/**
 * What makes a message a person cannot act on. zod 4's default English (every locale message of
 * zod/v4/locales/en), serialised data, database and driver text, stack traces and JavaScript's own errors.
 */
const UNREADABLE: [string, RegExp][] = [
  ["zod default: Invalid input", /^Invalid input\b/],
  ["zod default: expected …, received …", /\bexpected [\w ]+, received\b/i],
  ["zod default: Too small/Too big", /^Too (small|big)\b/],
  [
    "zod default: Invalid <format>",
    /^Invalid (string|number|option|key|element|value|union|discriminator|date|UUID|GUID|email|url|URL|emoji|ISO|IPv|base64|hex|JWT|E\.164|CIDR|MAC|cuid|ULID|nanoid|KSUID|xid)\b/,
  ],
  ["zod default: Unrecognized key", /^Unrecognized keys?\b/],
  ["zod default: must match/multiple of", /^(Invalid string: must|Invalid number: must be a multiple)/],
  ["raw JSON", /^\s*[[{]|"(code|path|message|expected)"\s*:/],
  [
    "SQL or database text",
    /Failed query|\bparams:|violates [\w ]*constraint|relation "|syntax error at|invalid byte sequence|invalid input syntax|duplicate key value|unsupported Unicode escape|value too long for type|out of range for type|\bselect\b[^.]*\bfrom\b|\binsert into\b|\bupdate \S+ set\b|\bdelete from\b/,
  ],
  ["stack trace or source path", /\n\s+at |\bat \S+ \(|node_modules|\.[jt]sx?:\d+/],
  [
    "JavaScript error text",
    /Cannot read propert|is not a function|is not iterable|is not defined|Maximum call stack|Unexpected token|\[object \w+\]|TypeError|RangeError|SyntaxError/,
  ],
  ["placeholder value", /\b(undefined|NaN)\b|^null$|^\s*$/],
];

/** Why `message` is unreadable, or null when it reads as a sentence meant for a person. */
export function unreadableReason(message: string): string | null {
  for (const [reason, pattern] of UNREADABLE) if (pattern.test(message)) return reason;
  return null;
}

/** Every message the client would show for this error (the general one and each field's), checked. */
export function unreadableMessages(error: TRPCError): string[] {
  const { message, fieldErrors } = describeProcedureError(error);
  const all = [
    message,
    ...Object.entries(fieldErrors ?? {}).flatMap(([field, list]) => list.map((m) => `${field}: ${m}`)),
  ];
  const bad: string[] = [];
  for (const text of all) {
    const field = text === message ? null : text.slice(0, text.indexOf(":"));
    const reason = unreadableReason(field ? text.slice(field.length + 2) : text);
    if (reason) bad.push(`${reason}: ${JSON.stringify(text.slice(0, 200))}`);
  }
  return bad;
}
