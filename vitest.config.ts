import { defineConfig } from "vitest/config";

/**
 * Two projects: `node` runs services and the router against in-process PGlite (a fresh migrated database per
 * file); `worker` runs the real Worker inside workerd (tests/worker/vitest.config.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["tests/node/**/*.test.ts"],
          globalSetup: ["tests/support/node-global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      "tests/worker/vitest.config.ts",
    ],
  },
});
