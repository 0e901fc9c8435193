import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createStripeClient } from "../../server/services/billing/stripe-client";
import "./env";

/**
 * The Worker's stripe-node has the resources Greenroom never calls replaced by empty classes (wrangler.toml
 * [alias], workers/stripe-without-unused-products.ts), which only the Worker's build sees: Node's tests use the
 * SDK whole. So this finds every `stripe.<resource>.<method>(` call in server/ and makes it with the Worker's
 * client against the local Stripe stand-in (tests/support/stripe-api.ts): a call the stubs broke fails here, not
 * in production.
 */
const sources = import.meta.glob<string>("/server/**/*.ts", { query: "?raw", import: "default", eager: true });

function stripeCalls(): string[][] {
  const calls = new Set<string>();
  for (const source of Object.values(sources))
    for (const match of source.matchAll(/\bstripe\.([a-z]\w*)\.(?:([a-z]\w*)\.)?([a-z]\w*)\(/g))
      calls.add(match.slice(1).filter(Boolean).join("."));
  return [...calls].sort().map((call) => call.split("."));
}

describe("the Worker's Stripe client", () => {
  const calls = stripeCalls();

  it("finds Greenroom's Stripe calls in the sources", () => {
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.map((path) => path.join("."))).toEqual(
      expect.arrayContaining(["accounts.create", "checkout.sessions.create", "invoicePayments.list", "refunds.create"]),
    );
  });

  it("has every resource and method they use, and each reaches the API", async () => {
    const stripe = await createStripeClient({ secretKey: "sk_test_resources", apiUrl: env.STRIPE_API_URL });
    for (const path of calls) {
      // Resources are the client's own properties; their methods sit on the resource classes' prototypes.
      const owner = path
        .slice(0, -1)
        .reduce<object | undefined>(
          (object, key) => (object && Object.hasOwn(object, key) ? (Reflect.get(object, key) as object) : undefined),
          stripe,
        );
      const method: unknown = owner && Reflect.get(owner, path.at(-1)!);
      expect(typeof method, path.join(".")).toBe("function");
      // Verifying a webhook signature is local; every other call is an HTTP request whatever the answer.
      if (path[0] === "webhooks") continue;
      const answer = await (method as (...args: unknown[]) => Promise<unknown>)
        .call(owner, ...(path.at(-1) === "list" || path.at(-1) === "create" ? [{}] : ["id_resources_test", {}]))
        .then(
          () => 200,
          (error: { statusCode?: number; type?: string }) => error.statusCode ?? error.type,
        );
      expect(typeof answer, `${path.join(".")} answered ${answer}`).toBe("number");
    }
  });
});
