/**
 * A local stand-in for the part of Stripe's API Greenroom calls (GET /v1/subscriptions/:id), so the real SDK is
 * exercised offline through its host/port/protocol options (STRIPE_API_URL). Tests set each subscription's
 * current state and read how many times it was fetched. Tests inside workerd, which cannot share memory with
 * this server, set a subscription with `PUT /__test/subscriptions/:id` (a FakeSubscription as JSON).
 */
import { createServer, type Server } from "node:http";

export interface FakeSubscription {
  id: string;
  status: string;
  customer: string;
  priceId: string;
  currentPeriodEnd: number;
  cancelAtPeriodEnd?: boolean;
  metadata: Record<string, string>;
}

export interface StripeApiServer {
  url: string;
  /** Stripe's current state of a subscription. */
  setSubscription(subscription: FakeSubscription): void;
  /** The next `count` requests answer 500 (a Stripe outage). */
  failNext(count: number): void;
  retrievals(id: string): number;
  close(): Promise<void>;
}

/** The JSON shape the SDK returns for a subscription, trimmed to what Greenroom reads. */
export function subscriptionObject(s: FakeSubscription) {
  return {
    id: s.id,
    object: "subscription",
    status: s.status,
    customer: s.customer,
    cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
    metadata: s.metadata,
    items: {
      object: "list",
      data: [{ id: `si_${s.id}`, object: "subscription_item", price: { id: s.priceId, object: "price" }, current_period_end: s.currentPeriodEnd }],
    },
  };
}

export async function startStripeApi(opts: { port?: number } = {}): Promise<StripeApiServer> {
  const subscriptions = new Map<string, FakeSubscription>();
  const counts = new Map<string, number>();
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (failures > 0) {
      failures--;
      return send(500, { error: { type: "api_error", message: "simulated outage" } });
    }
    if (req.method === "PUT" && req.url?.startsWith("/__test/subscriptions/")) {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const subscription = JSON.parse(body) as FakeSubscription;
        subscriptions.set(subscription.id, subscription);
        send(200, { ok: true });
      });
      return;
    }
    const match = /^\/v1\/subscriptions\/([^/?]+)/.exec(req.url ?? "");
    if (req.method !== "GET" || !match) return send(404, { error: { type: "invalid_request_error", message: "unknown route" } });
    const id = decodeURIComponent(match[1]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
    const subscription = subscriptions.get(id);
    if (!subscription) {
      return send(404, { error: { type: "invalid_request_error", code: "resource_missing", message: `No such subscription: '${id}'` } });
    }
    send(200, subscriptionObject(subscription));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("fake Stripe API did not bind");
  return {
    url: `http://127.0.0.1:${address.port}`,
    setSubscription: (s) => void subscriptions.set(s.id, s),
    failNext: (count) => void (failures = count),
    retrievals: (id) => counts.get(id) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
