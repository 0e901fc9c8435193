// Drizzle's `db.update(table)` and `db.delete(table)` touch every row unless the chain calls `.where(...)`.
// In a multi-tenant database that is never what a service means, so the chain must say which rows.
import { ESLintUtils } from "@typescript-eslint/utils";

const DRIZZLE_HANDLES =
  /^(PgDatabase|PgTransaction|NeonDatabase|NeonHttpDatabase|PgliteDatabase|NodePgDatabase|PostgresJsDatabase)$/;

function isDrizzleHandle(type) {
  const seen = new Set();
  const queue = [type];
  while (queue.length > 0) {
    const current = queue.pop();
    if (!current || seen.has(current)) continue;
    seen.add(current);
    const name = current.getSymbol()?.getName() ?? current.aliasSymbol?.getName();
    if (name && DRIZZLE_HANDLES.test(name)) return true;
    if (current.isUnionOrIntersection()) queue.push(...current.types);
    for (const base of current.getBaseTypes?.() ?? []) queue.push(base);
  }
  return false;
}

export default ESLintUtils.RuleCreator.withoutDocs({
  meta: {
    type: "problem",
    messages: {
      unscoped:
        "`{{method}}` without `.where(...)` changes every row of the table; say which rows (and filter by workspace).",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const services = ESLintUtils.getParserServices(context);
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== "MemberExpression" || callee.property.type !== "Identifier") return;
        const method = callee.property.name;
        if (method !== "update" && method !== "delete") return;
        if (!isDrizzleHandle(services.getTypeAtLocation(callee.object))) return;
        // Walk the builder chain upwards: db.update(t).set(...).where(...).returning()
        let current = node;
        while (current.parent?.type === "MemberExpression" && current.parent.parent?.type === "CallExpression") {
          const property = current.parent.property;
          if (property.type === "Identifier" && property.name === "where") return;
          current = current.parent.parent;
        }
        context.report({ node, messageId: "unscoped", data: { method } });
      },
    };
  },
});
