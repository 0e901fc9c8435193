// A caller's string used as a key of a plain object reads inherited properties: `table["constructor"]` is
// Object's constructor, `"__proto__" in table` is true. Lookups by such keys go through a Map or Object.hasOwn.
import { ESLintUtils } from "@typescript-eslint/utils";
import ts from "typescript";

function isWideString(type) {
  if (type.isUnion()) return type.types.some(isWideString);
  return (type.flags & ts.TypeFlags.String) !== 0 || (type.flags & ts.TypeFlags.TemplateLiteral) !== 0;
}

function isPlainRecord(checker, type) {
  if (type.isUnion()) return type.types.some((member) => isPlainRecord(checker, member));
  if (checker.isArrayType(type) || checker.isTupleType(type)) return false;
  const symbol = type.getSymbol();
  if (symbol && ["Map", "Set", "WeakMap", "Headers", "URLSearchParams", "FormData"].includes(symbol.getName()))
    return false;
  return (
    (type.flags & ts.TypeFlags.Object) !== 0 && checker.getIndexInfoOfType(type, ts.IndexKind.String) !== undefined
  );
}

export default ESLintUtils.RuleCreator.withoutDocs({
  meta: {
    type: "problem",
    messages: {
      lookup:
        'Indexing a plain object with an arbitrary string reads inherited properties ("constructor", "__proto__"); use a Map or check Object.hasOwn first.',
      inOperator: "`in` sees inherited properties; use Object.hasOwn(object, key) for a key that came from outside.",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const services = ESLintUtils.getParserServices(context);
    const checker = services.program.getTypeChecker();
    const guarded = (node) => {
      // `Object.hasOwn(obj, key) ? obj[key] : …` and `Object.hasOwn(obj, key) && obj[key]` are the sanctioned shape.
      for (let current = node.parent; current; current = current.parent) {
        const test =
          current.type === "ConditionalExpression" || current.type === "IfStatement"
            ? current.test
            : current.type === "LogicalExpression"
              ? current.left
              : null;
        if (test && context.sourceCode.getText(test).includes("Object.hasOwn(")) return true;
        if (
          current.type === "FunctionDeclaration" ||
          current.type === "ArrowFunctionExpression" ||
          current.type === "FunctionExpression"
        )
          return false;
      }
      return false;
    };
    return {
      MemberExpression(node) {
        if (!node.computed || node.property.type === "Literal") return;
        if (node.parent?.type === "AssignmentExpression" && node.parent.left === node) return;
        if (node.parent?.type === "UnaryExpression" && node.parent.operator === "delete") return;
        const keyType = services.getTypeAtLocation(node.property);
        if (!isWideString(keyType)) return;
        if (!isPlainRecord(checker, services.getTypeAtLocation(node.object))) return;
        if (guarded(node)) return;
        context.report({ node, messageId: "lookup" });
      },
      BinaryExpression(node) {
        if (node.operator !== "in" || node.left.type === "Literal" || node.left.type === "PrivateIdentifier") return;
        if (!isWideString(services.getTypeAtLocation(node.left))) return;
        context.report({ node, messageId: "inOperator" });
      },
    };
  },
});
