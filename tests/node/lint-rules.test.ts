import path from "node:path";
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { describe, it } from "vitest";
import ownPropertyLookups from "../../eslint-rules/own-property-lookups.js";
import scopedWrites from "../../eslint-rules/scoped-writes.js";

/** The project's own ESLint rules, case by case: what they must let through and what they must stop. */
RuleTester.describe = describe;
// The first case builds the TypeScript program the typed rules need, which takes a while on a busy machine.
RuleTester.it = (name: string, run: () => void) => it(name, run, 180_000);
RuleTester.itOnly = (name: string, run: () => void) => it.only(name, run, 180_000);

const root = path.resolve(import.meta.dirname, "../..");
const filename = path.join(root, "tests/node/lint-fixtures/case.ts");
const tester = new RuleTester({
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir: root },
  },
});

const drizzle = `
import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { eq } from "drizzle-orm";
const shows = pgTable("shows", { id: uuid("id").primaryKey(), workspaceId: uuid("workspace_id").notNull(), title: text("title") });
declare const db: PgliteDatabase;
declare const workspaceId: string;
`;

tester.run("scoped-writes", scopedWrites, {
  valid: [
    {
      filename,
      code: `${drizzle}await db.update(shows).set({ title: "x" }).where(eq(shows.workspaceId, workspaceId));`,
    },
    { filename, code: `${drizzle}await db.delete(shows).where(eq(shows.workspaceId, workspaceId));` },
    {
      filename,
      code: `${drizzle}await db.transaction(async (tx) => { await tx.delete(shows).where(eq(shows.id, "a")); });`,
    },
    // Not Drizzle: a Map's delete and any other object's update are none of the rule's business.
    { filename, code: `const cache = new Map<string, number>(); cache.delete("a");` },
    { filename, code: `const counter = { update: (n: number) => n }; counter.update(1);` },
  ],
  invalid: [
    {
      filename,
      code: `${drizzle}await db.update(shows).set({ title: "x" });`,
      errors: [{ messageId: "unscoped" }],
    },
    { filename, code: `${drizzle}await db.delete(shows);`, errors: [{ messageId: "unscoped" }] },
    {
      filename,
      code: `${drizzle}await db.transaction(async (tx) => { await tx.delete(shows).returning(); });`,
      errors: [{ messageId: "unscoped" }],
    },
  ],
});

const tables = `
declare const key: string;
const LABELS: Record<string, string> = { draft: "Draft" };
const KINDS = { audio: 1, image: 2 } as const;
`;

tester.run("own-property-lookups", ownPropertyLookups, {
  valid: [
    { filename, code: `${tables}const label = Object.hasOwn(LABELS, key) ? LABELS[key] : null;` },
    { filename, code: `${tables}if (Object.hasOwn(LABELS, key)) console.log(LABELS[key]);` },
    { filename, code: `${tables}const labels = new Map([["draft", "Draft"]]); labels.get(key);` },
    { filename, code: `${tables}const label = LABELS["draft"];` },
    // A key typed as one of the table's own keys cannot name an inherited property.
    { filename, code: `${tables}declare const kind: keyof typeof KINDS; const n = KINDS[kind];` },
    { filename, code: `${tables}const list = ["a", "b"]; declare const i: number; const v = list[i];` },
    { filename, code: `${tables}LABELS[key] = "set";` },
    { filename, code: `${tables}delete LABELS[key];` },
    { filename, code: `${tables}const has = Object.hasOwn(LABELS, key);` },
    { filename, code: `${tables}const found = "draft" in LABELS;` },
  ],
  invalid: [
    { filename, code: `${tables}const label = LABELS[key];`, errors: [{ messageId: "lookup" }] },
    { filename, code: `${tables}const label = LABELS[key] ?? "Unknown";`, errors: [{ messageId: "lookup" }] },
    {
      filename,
      code: `${tables}declare const table: { [name: string]: number }; const n = table[\`x\${key}\`];`,
      errors: [{ messageId: "lookup" }],
    },
    { filename, code: `${tables}const known = key in LABELS;`, errors: [{ messageId: "inOperator" }] },
    { filename, code: `${tables}const known = key in KINDS;`, errors: [{ messageId: "inOperator" }] },
    {
      filename,
      code: `${tables}const f = () => { if (Object.hasOwn(LABELS, key)) return (() => LABELS[key])(); };`,
      errors: [{ messageId: "lookup" }],
    },
  ],
});
