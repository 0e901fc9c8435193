import { describe, expect, it } from "vitest";
import type * as z from "zod";
import { textFieldOf } from "../../server/lib/text";
import { appRouter } from "../../server/trpc/router";

/**
 * Every string a procedure accepts is built from the text primitive (server/lib/text.ts), so none can carry NUL
 * or a lone surrogate to Postgres. The walk covers procedures added later without edits here.
 */
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

/** Paths (inside one input) of string leaves not built from the primitive, and of leaves the walk cannot vouch for. */
function uncoveredLeaves(schema: z.core.$ZodType, path: string, seen = new Set<z.core.$ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as Def;
  const walk = (child: unknown, suffix: string) => uncoveredLeaves(child as z.core.$ZodType, `${path}${suffix}`, seen);
  switch (def.type) {
    case "string":
      return textFieldOf(schema)
        ? []
        : [`${path || "(input)"} (${def.type}${def.format ? `:${String(def.format)}` : ""})`];
    case "object":
      return [
        ...Object.entries(def.shape as Record<string, unknown>).flatMap(([key, child]) => walk(child, `.${key}`)),
        ...(def.catchall && (def.catchall as z.core.$ZodType)._zod.def.type !== "never"
          ? walk(def.catchall, ".*")
          : []),
      ];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return walk(def.innerType, "");
    case "array":
      return walk(def.element, "[]");
    case "set":
      return walk(def.valueType, "[]");
    case "tuple":
      return [
        ...(def.items as unknown[]).flatMap((item, index) => walk(item, `[${index}]`)),
        ...(def.rest ? walk(def.rest, "[]") : []),
      ];
    case "record":
    case "map":
      return [...walk(def.keyType, "{key}"), ...walk(def.valueType, "{value}")];
    case "union":
      return (def.options as unknown[]).flatMap((option) => walk(option, ""));
    case "intersection":
      return [...walk(def.left, ""), ...walk(def.right, "")];
    case "pipe":
      // The caller's value meets `in`; `out` only sees what `in` produced, unless `in` is a bare transform.
      return (def.in as z.core.$ZodType)._zod.def.type === "transform" ? walk(def.out, "") : walk(def.in, "");
    case "lazy":
      return walk((def.getter as () => unknown)(), "");
    // Values that cannot hold free text: fixed choices, numbers, flags, dates (superjson Dates or coerced).
    case "enum":
    case "literal":
    case "number":
    case "int":
    case "boolean":
    case "date":
    case "bigint":
    case "null":
    case "undefined":
    case "void":
    case "never":
      return [];
    default:
      return [`${path || "(input)"} (${def.type}: not checked by the text primitive)`];
  }
}

describe("procedure inputs", () => {
  const procedures = Object.entries(appRouter._def.procedures) as unknown as [
    string,
    { _def: { inputs: z.core.$ZodType[] } },
  ][];

  it("walks every procedure of the router", () => {
    expect(procedures.length).toBeGreaterThan(50);
  });

  it("build every string from the text primitive", () => {
    const uncovered = procedures.flatMap(([name, procedure]) =>
      procedure._def.inputs.flatMap((input) => uncoveredLeaves(input, "")).map((leaf) => `${name}: ${leaf}`),
    );
    expect(uncovered).toEqual([]);
  });
});
