// Types for the test that imports this rule (tests/node/lint-rules.test.ts).
declare const rule: import("eslint").Rule.RuleModule;
export default rule;
