// One linter for the whole repo. Beyond typescript-eslint's recommended rules: no floating promises (a job or
// request that forgets to await loses its errors), Drizzle writes must say which rows, and plain objects are
// never indexed by a caller's string. Formatting is Prettier's (npm run format), not the linter's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import ownPropertyLookups from "./eslint-rules/own-property-lookups.js";
import scopedWrites from "./eslint-rules/scoped-writes.js";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      ".wrangler/**",
      "public/build/**",
      "migrations/**",
      ".ci-results/**",
      "**/*.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { greenroom: { rules: { "scoped-writes": scopedWrites, "own-property-lookups": ownPropertyLookups } } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // Control characters in patterns are deliberate here: that is how text is cleaned of them.
      "no-control-regex": "off",
      "greenroom/scoped-writes": "error",
      "greenroom/own-property-lookups": "error",
      // zod's `z` binding is a namespace object esbuild cannot tree-shake: it drags every locale and the JSON-schema
      // code (~70 KiB gzipped) into the Worker. `import * as z` keeps only what is used (ADR 017).
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: 'Use `import * as z from "zod"` (ADR 017).',
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
);
