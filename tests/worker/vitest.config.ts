import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";
import { freePorts } from "../../scripts/app-process";
import { hermeticWranglerConfig } from "../support/hermetic-wrangler";

const repoRoot = resolve(import.meta.dirname, "../..");

// The Worker reaches the database exactly as in `npm run dev`: Neon's driver over WebSocket to the local
// proxy in front of PGlite. Global setup starts that database on these ports.
const [pgPort, proxyPort, stripePort] = await freePorts(3);
process.env.GREENROOM_TEST_PG_PORT = String(pgPort);
process.env.GREENROOM_TEST_PG_PROXY_PORT = String(proxyPort);
// A local stand-in of Stripe's API (tests/support/stripe-api.ts); billing stays off unless a test adds keys.
process.env.GREENROOM_TEST_STRIPE_PORT = String(stripePort);

/** stripe-node modules wrangler.toml aliases to workers/stripe-without-unused-products.ts (`./resources/<name>.js`). */
const STRIPE_STUBBED_MODULES = [
  "Apps/index",
  "Billing/index",
  "Climate/index",
  "Entitlements/index",
  "FinancialConnections/index",
  "Forwarding/index",
  "Identity/index",
  "Issuing/index",
  "ProductCatalog/index",
  "Radar/index",
  "Reporting/index",
  "Reserve/index",
  "Sigma/index",
  "Tax/index",
  "Terminal/index",
  "TestHelpers/index",
  "ThreeDSecure/index",
  "Treasury/index",
  "V2/index",
  "AccountSessions",
  "ApplePayDomains",
  "ApplicationFees",
  "Balance",
  "BalanceSettings",
  "BalanceTransactions",
  "Charges",
  "ConfirmationTokens",
  "CountrySpecs",
  "Coupons",
  "CreditNotes",
  "CustomerSessions",
  "Disputes",
  "EphemeralKeys",
  "Events",
  "ExchangeRates",
  "FileLinks",
  "Files",
  "InvoiceRenderingTemplates",
  "Mandates",
  "PaymentAttemptRecords",
  "PaymentLinks",
  "PaymentMethodConfigurations",
  "PaymentMethodDomains",
  "PaymentMethods",
  "PaymentRecords",
  "Payouts",
  "Plans",
  "PromotionCodes",
  "Quotes",
  "Reviews",
  "SetupAttempts",
  "SetupIntents",
  "ShippingRates",
  "Sources",
  "SubscriptionItems",
  "SubscriptionSchedules",
  "TaxCodes",
  "TaxIds",
  "TaxRates",
  "Tokens",
  "Topups",
  "Transfers",
  "WebhookEndpoints",
];

export default defineConfig({
  root: repoRoot,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: hermeticWranglerConfig(repoRoot) },
      miniflare: {
        bindings: {
          ENVIRONMENT: "test",
          APP_URL: "http://localhost",
          EMAIL_PROVIDER: "outbox",
          UPLOAD_SIGNING_SECRET: "test-upload-signing-secret",
          SOCIAL_TOKEN_KEYS: `v2:${"A".repeat(43)}=,v1:${"B".repeat(43)}=`,
          DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
          LOCAL_DB_PROXY: `127.0.0.1:${proxyPort}`,
          STRIPE_API_URL: `http://127.0.0.1:${stripePort}`,
          // tests/worker/fuzz-http.test.ts: reproduce a seed or search longer, as in the node fuzzer.
          FUZZ_SEED: process.env.FUZZ_SEED ?? "",
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
        },
      },
    }),
  ],
  // The same aliases as wrangler.toml's [alias], so tests run the Worker as it is deployed.
  resolve: {
    alias: [
      { find: "virtual:greenroom/remix-build", replacement: resolve(repoRoot, "build/server/index.js") },
      { find: /^react-dom$/, replacement: resolve(repoRoot, "workers/react-dom-on-the-server.ts") },
      { find: /^brotli\/decompress\.js$/, replacement: resolve(repoRoot, "workers/fontkit-without-brotli.ts") },
      { find: /^fontkit\/formats\/TTFFont$/, replacement: resolve(repoRoot, "build/worker/fontkit/TTFFont.js") },
      { find: /^fontkit\/formats\/WOFFFont$/, replacement: resolve(repoRoot, "build/worker/fontkit/WOFFFont.js") },
      {
        find: /^fontkit\/shapers\/(IndicShaper|UniversalShaper)$/,
        replacement: resolve(repoRoot, "build/worker/fontkit/$1.js"),
      },
      {
        find: /^\.\.\/core\/(json-schema-processors|to-json-schema)\.js$/,
        replacement: resolve(repoRoot, "workers/zod-without-json-schema.ts"),
      },
      { find: /^d3-color$/, replacement: resolve(repoRoot, "workers/d3-without-colours.ts") },
      { find: /^#binary-trie$/, replacement: resolve(repoRoot, "server/services/exports/load-pdf.ts") },
      { find: /^\.\/user-agents\/bundled$/, replacement: resolve(repoRoot, "workers/user-agent-lists-from-assets.ts") },
      {
        find: new RegExp(`^\\./resources(\\.js|/(${STRIPE_STUBBED_MODULES.join("|")})\\.js)$`),
        replacement: resolve(repoRoot, "workers/stripe-without-unused-products.ts"),
      },
    ],
  },
  test: {
    name: "worker",
    root: repoRoot,
    include: ["tests/worker/**/*.test.ts"],
    globalSetup: ["tests/worker/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    deps: {
      optimizer: { ssr: { enabled: true, include: ["@remix-run/cloudflare", "@remix-run/server-runtime", "xss"] } },
    },
  },
});
