import fc from "fast-check";
import type * as z from "zod";

/**
 * Inputs for the fuzzer, derived from a procedure's zod schema by reading `schema._zod.def`: a valid base value
 * (so calls get past the first check) and arbitraries that break it one field at a time, or wholesale.
 */

type Schema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

/** Ids the fuzzed caller may address: its own (by kind), another workspace's, and none that exist. */
export interface IdPools {
  own(field: string): string[];
  foreign(field: string): string[];
}

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;
const checksOf = (def: Def) =>
  ((def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []).map((c) => c._zod.def);

/** A procedure's input is the merge of its `.input()` objects (workspaceProcedure adds `{ workspaceId }`). */
export function inputShape(inputs: Schema[]): Record<string, Schema> | null {
  if (inputs.length === 0) return null;
  const shape: Record<string, Schema> = {};
  for (const input of inputs) {
    const def = defOf(input);
    if (def.type !== "object") return null;
    Object.assign(shape, def.shape as Record<string, Schema>);
  }
  return shape;
}

const STRING_HINTS: [RegExp, string[]][] = [
  [/email/i, ["someone@example.test"]],
  [/password/i, ["correct horse battery staple", "another long passphrase"]],
  [/timezone/i, ["UTC", "Europe/Berlin"]],
  [/local$|scheduled/i, ["2099-06-01T09:30"]],
  [/^(from|to|day|date|month)$/i, ["2099-06-01", "2099-06-30", "2099-06"]],
  [/language|locale/i, ["en", "de"]],
  [/contentType/i, ["audio/mpeg", "image/png"]],
  [/filename/i, ["episode.mp3", "cover.png"]],
  [/username/i, ["sandbox_fuzz"]],
  [/^q$|query/i, ["microphones"]],
  [/url|link/i, ["https://example.test/page"]],
];

/** Plausible values for one field; the caller keeps the ones the field's schema accepts. */
function candidates(schema: Schema, field: string, pools: IdPools, depth = 0): unknown[] {
  const def = defOf(schema);
  if (depth > 8) return [];
  switch (def.type) {
    case "string": {
      const checks = checksOf(def);
      const format = (def.format as string | undefined) ?? checks.find((c) => c.format)?.format;
      const own = pools.own(field);
      if (format === "uuid" || format === "guid") return own.length ? own : [crypto.randomUUID()];
      if (format === "email") return [...own, "someone@example.test"];
      const hinted = STRING_HINTS.filter(([re]) => re.test(field)).flatMap(([, values]) => values);
      const min = Math.max(0, ...checks.map((c) => (c.check === "min_length" ? (c.minimum as number) : 0)));
      const patterns = checks.flatMap((c) => (c.pattern instanceof RegExp ? [c.pattern] : []));
      // fast-check cannot generate from flagged patterns; the unflagged source still gives near-valid strings.
      const matching = patterns.flatMap((pattern) =>
        fc.sample(fc.stringMatching(new RegExp(pattern.source)), { seed: 1, numRuns: 3 }),
      );
      return [...own, ...hinted, ...matching, "Fuzz text", "x".repeat(Math.max(min, 32)), "fuzz-value-1"];
    }
    case "number":
    case "int":
      return [1, 10, 0, 25, 100];
    case "bigint":
      return [1n];
    case "boolean":
      return [true, false];
    case "date":
      return [new Date("2099-06-01T09:30:00Z"), new Date()];
    case "enum":
      return Object.values(def.entries as Record<string, unknown>);
    case "literal":
      return [...(def.values as unknown[])];
    case "null":
      return [null];
    case "undefined":
    case "void":
      return [undefined];
    case "optional":
      return [...candidates(def.innerType as Schema, field, pools, depth + 1), undefined];
    case "nullable":
      return [...candidates(def.innerType as Schema, field, pools, depth + 1), null];
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return [...candidates(def.innerType as Schema, field, pools, depth + 1), undefined];
    case "pipe":
      return candidates(def.in as Schema, field, pools, depth + 1);
    case "lazy":
      return candidates((def.getter as () => Schema)(), field, pools, depth + 1);
    case "union":
      return (def.options as Schema[]).flatMap((o) => candidates(o, field, pools, depth + 1));
    case "array": {
      const checks = checksOf(def);
      const min = Math.max(1, ...checks.map((c) => (c.check === "min_length" ? (c.minimum as number) : 0)));
      const elements = candidates(def.element as Schema, field.replace(/s$/, ""), pools, depth + 1).filter((value) =>
        accepts(def.element as Schema, value),
      );
      return [Array.from({ length: min }, (_, i) => elements[i % Math.max(1, elements.length)]), []];
    }
    case "object":
      return [validObject(def.shape as Record<string, Schema>, pools, depth + 1)];
    case "record":
      return [{}];
    case "tuple":
      return [(def.items as Schema[]).map((item, i) => valid(item, `${field}${i}`, pools, depth + 1))];
    default:
      return ["x", 1, true, {}];
  }
}

const accepts = (schema: Schema, value: unknown) => {
  const result = schema["~standard"].validate(value);
  return !(result instanceof Promise) && !result.issues;
};

function valid(schema: Schema, field: string, pools: IdPools, depth = 0): unknown {
  const all = candidates(schema, field, pools, depth);
  return all.find((value) => accepts(schema, value)) ?? all[0];
}

export function validObject(shape: Record<string, Schema>, pools: IdPools, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const value = valid(schema, key, pools, depth);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Every valid candidate per field, so near-valid inputs vary more than one fixed object. */
export function validChoices(shape: Record<string, Schema>, pools: IdPools): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const [key, schema] of Object.entries(shape)) {
    const accepted = candidates(schema, key, pools).filter((value) => accepts(schema, value));
    out.set(key, accepted.length ? accepted : [valid(schema, key, pools)]);
  }
  return out;
}

const ownValue = (value: Record<string, unknown>, key: string) => (Object.hasOwn(value, key) ? value[key] : undefined);

const MB = "a".repeat(1 << 20);

/** Objects with own `__proto__`/`constructor` keys, as JSON.parse (and so every HTTP body) makes them. */
const prototypeObjects = [
  JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as unknown,
  JSON.parse('{"__proto__": null, "toString": "x", "hasOwnProperty": 1}') as unknown,
];

function deep(levels: number, kind: "array" | "object"): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

const nastyStrings = [
  "",
  " ",
  "   padded   ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDC00y",
  "\uDFFF\uD800",
  MB,
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "prototype",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "%00",
  "\u202Eevil",
  "😀".repeat(100),
  "\n\t\r",
  "undefined",
  "null",
  "NaN",
  "-1",
  "1e309",
  "2099-02-30",
  "0000-00-00T00:00",
  "9999-12-31T23:59",
  "not a date",
];

const nastyNumbers = [
  Infinity,
  -Infinity,
  1e308,
  -1e308,
  -1,
  0,
  -0,
  1.5,
  0.1,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_VALUE,
];

const nastyDates = [new Date(8.64e15), new Date(-8.64e15), new Date(Number.NaN), new Date(0), new Date("0001-01-01")];

const wrongTypes = [null, undefined, true, false, 0, "", [], {}, [[[]]], ["a", 1, null], { a: 1 }];

/** Something hostile to put where a field's value goes, knowing what the field is meant to hold. */
export function nastyValue(field: string, validValue: unknown, pools: IdPools): fc.Arbitrary<unknown> {
  const asString = typeof validValue === "string" ? validValue : "value";
  const ids = [...pools.foreign(field), ...pools.own("")];
  const options: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(...nastyStrings),
    fc.constantFrom(...nastyNumbers),
    fc.constantFrom(...nastyDates),
    fc.constantFrom(...wrongTypes),
    fc.constantFrom(...prototypeObjects),
    fc.constantFrom(deep(2000, "array"), deep(2000, "object")),
    // Near-valid strings: the valid value with something Postgres or a parser refuses inside it.
    fc.constantFrom(
      `${asString}\u0000`,
      `\u0000${asString}`,
      `${asString}\uD83D`,
      `${asString}${MB}`,
      ` ${asString} `,
      asString.toUpperCase(),
      `${asString}'`,
    ),
    // Ids: another workspace's (of the same kind and of others), none that exist, malformed.
    fc.constantFrom(
      ...(ids.length ? ids : [crypto.randomUUID()]),
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "not-a-uuid",
    ),
    fc.uuid(),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.oneof(fc.integer(), fc.double()),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
    fc.date({ noInvalidDate: false }),
  ];
  return fc.oneof(...options);
}

export const wholeInputNasties = [
  undefined,
  null,
  "string",
  42,
  [],
  [{}],
  true,
  deep(5000, "array"),
  deep(5000, "object"),
  ...prototypeObjects,
];

/**
 * Near-valid inputs (mostly): a valid object with one field replaced, removed or nested into, an extra key,
 * sometimes two fields broken; and now and then something that is not an object at all.
 */
export function fuzzInputs(inputs: Schema[], pools: IdPools): fc.Arbitrary<unknown> {
  const shape = inputShape(inputs);
  if (!shape) return fc.oneof(fc.constantFrom(...wholeInputNasties), fc.anything({ maxDepth: 3 }));
  const choices = validChoices(shape, pools);
  const keys = Object.keys(shape);
  const base = fc.record(
    Object.fromEntries([...choices].map(([key, values]) => [key, fc.constantFrom(...values)])) as Record<
      string,
      fc.Arbitrary<unknown>
    >,
  );
  const clean = (value: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  if (keys.length === 0) {
    return fc.oneof(fc.constant({}), fc.constantFrom(...wholeInputNasties), fc.constantFrom(...prototypeObjects));
  }
  const replaceOne = fc
    .tuple(base, fc.constantFrom(...keys))
    .chain(([value, key]) =>
      nastyValue(key, ownValue(value, key), pools).map((nasty) => ({ ...clean(value), [key]: nasty })),
    );
  const replaceTwo = replaceOne.chain((value) =>
    fc
      .constantFrom(...keys)
      .chain((key) => nastyValue(key, ownValue(value, key), pools).map((nasty) => ({ ...value, [key]: nasty }))),
  );
  const nestedInto = fc.tuple(base, fc.constantFrom(...keys)).chain(([value, key]) => {
    const inner = ownValue(value, key);
    if (Array.isArray(inner) && inner.length) {
      return nastyValue(key, inner[0], pools).map((nasty) => ({
        ...clean(value),
        [key]: [nasty, ...inner.slice(1)],
      }));
    }
    if (inner && typeof inner === "object" && !(inner instanceof Date)) {
      const innerKeys = Object.keys(inner);
      return fc.constantFrom(...(innerKeys.length ? innerKeys : ["extra"])).chain((innerKey) =>
        nastyValue(innerKey, ownValue(inner as Record<string, unknown>, innerKey), pools).map((nasty) => ({
          ...clean(value),
          [key]: { ...inner, [innerKey]: nasty },
        })),
      );
    }
    return nastyValue(key, inner, pools).map((nasty) => ({ ...clean(value), [key]: nasty }));
  });
  const missing = fc.tuple(base, fc.constantFrom(...keys)).map(([value, key]) => {
    const copy = clean(value);
    delete copy[key];
    return copy;
  });
  const extra = fc
    .tuple(base, fc.constantFrom(...prototypeObjects), fc.constantFrom("extra", "isAdmin", "role", "workspace_id"))
    .map(([value, proto, key]) => Object.assign(JSON.parse("{}") as object, proto, clean(value), { [key]: true }));
  return fc.oneof(
    { weight: 10, arbitrary: replaceOne },
    { weight: 3, arbitrary: nestedInto },
    { weight: 2, arbitrary: replaceTwo },
    { weight: 1, arbitrary: missing },
    { weight: 1, arbitrary: extra },
    { weight: 1, arbitrary: base.map(clean) },
    { weight: 1, arbitrary: fc.constantFrom(...wholeInputNasties) },
  );
}
