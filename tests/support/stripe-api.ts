/**
 * A local stand-in for the part of Stripe's API Greenroom calls, so the real SDK is exercised offline through its
 * host/port/protocol options (STRIPE_API_URL): GET /v1/subscriptions/:id, GET /v1/subscriptions?customer=,
 * POST /v1/customers, POST /v1/checkout/sessions, POST /v1/billing_portal/sessions and GET /v1/invoices. Like Stripe, it refuses a
 * request that lacks what Greenroom must send (400 with the missing parameter), so a test passing proves the
 * request was right; every request is also recorded with its form fields for tests to inspect. Tests inside
 * workerd, which cannot share memory with this server, set a subscription with `PUT /__test/subscriptions/:id`
 * (a FakeSubscription as JSON). Requests with a `Stripe-Account` header, and the account routes, are Connect's:
 * tests/support/stripe-connect-api.ts answers them.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createConnectApi, type ConnectApi } from "./stripe-connect-api";

export interface FakeSubscription {
  id: string;
  status: string;
  customer: string;
  priceId: string;
  currentPeriodEnd: number;
  cancelAtPeriodEnd?: boolean;
  metadata: Record<string, string>;
}

export interface FakeInvoice {
  id: string;
  number: string;
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  amountDue: number;
  amountPaid: number;
  created: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Form fields (POST body or query string) as the SDK encodes them, e.g. `metadata[greenroom_workspace_id]`. */
  fields: Record<string, string>;
  /** The `Stripe-Account` header: the connected account the request acts on (absent on the platform). */
  account?: string;
}

export interface StripeApiServer {
  url: string;
  /** Every request the SDK made, in order (test-only `/__test` calls excluded). */
  requests: RecordedRequest[];
  /** Stripe's invoices of a customer (the customer must have been created through the API). */
  setInvoices(customerId: string, invoices: FakeInvoice[]): void;
  /** Stripe's current state of a subscription. */
  setSubscription(subscription: FakeSubscription): void;
  /** The next `count` requests answer 500 (a Stripe outage). */
  failNext(count: number): void;
  retrievals(id: string): number;
  /** Connected accounts and what lives on them (tests/support/stripe-connect-api.ts). */
  connect: ConnectApi;
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
      data: [
        {
          id: `si_${s.id}`,
          object: "subscription_item",
          price: { id: s.priceId, object: "price" },
          current_period_end: s.currentPeriodEnd,
        },
      ],
    },
  };
}

const WORKSPACE_KEY = "greenroom_workspace_id";

const isAbsoluteUrl = (value: string | undefined) => Boolean(value && /^https?:\/\/[^/]+\//.test(value));

export async function startStripeApi(opts: { port?: number } = {}): Promise<StripeApiServer> {
  const subscriptions = new Map<string, FakeSubscription>();
  const counts = new Map<string, number>();
  /** Customer id → its metadata workspace id. */
  const customers = new Map<string, string>();
  const invoices = new Map<string, FakeInvoice[]>();
  const requests: RecordedRequest[] = [];
  const connect = createConnectApi();
  let failures = 0;
  // Unique across stand-in instances, as Stripe's ids are: tests may share one database between instances.
  const newId = (prefix: string) => `${prefix}_local${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  // A subscription's customer exists at Stripe too, so the billing page can list its invoices.
  const putSubscription = (subscription: FakeSubscription) => {
    subscriptions.set(subscription.id, subscription);
    if (!customers.has(subscription.customer))
      customers.set(subscription.customer, subscription.metadata[WORKSPACE_KEY] ?? "");
  };

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const invalid = (param: string, message: string) =>
      send(400, { error: { type: "invalid_request_error", param, message } });
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      if (failures > 0) {
        failures--;
        return send(500, { error: { type: "api_error", message: "simulated outage" } });
      }
      if (req.method === "PUT" && req.url?.startsWith("/__test/subscriptions/")) {
        putSubscription(JSON.parse(body) as FakeSubscription);
        return send(200, { ok: true });
      }
      const url = new URL(req.url ?? "/", "http://stripe.local");
      const fields = Object.fromEntries(new URLSearchParams(req.method === "GET" ? url.search : body));
      const stripeAccount = req.headers["stripe-account"];
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        fields,
        ...(typeof stripeAccount === "string" && { account: stripeAccount }),
      });
      if (!/^Bearer sk_/.test(req.headers.authorization ?? "")) {
        return send(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
      }
      const route = `${req.method} ${url.pathname}`;
      const idempotencyKey = req.headers["idempotency-key"];
      const connectReply = connect.handle({
        method: req.method ?? "",
        path: url.pathname,
        fields,
        account: typeof stripeAccount === "string" ? stripeAccount : null,
        idempotencyKey: typeof idempotencyKey === "string" ? idempotencyKey : null,
      });
      if (connectReply) return send(connectReply.status, connectReply.body);

      const subscriptionMatch = /^GET \/v1\/subscriptions\/([^/]+)$/.exec(route);
      if (subscriptionMatch) {
        const id = decodeURIComponent(subscriptionMatch[1]);
        counts.set(id, (counts.get(id) ?? 0) + 1);
        const subscription = subscriptions.get(id);
        if (!subscription) {
          return send(404, {
            error: {
              type: "invalid_request_error",
              code: "resource_missing",
              message: `No such subscription: '${id}'`,
            },
          });
        }
        return send(200, subscriptionObject(subscription));
      }

      if (route === "GET /v1/subscriptions") {
        if (!fields.customer) return invalid("customer", "the stand-in lists one customer's subscriptions");
        const data = [...subscriptions.values()]
          .filter(
            (s) =>
              s.customer === fields.customer &&
              (fields.status === "all" || (fields.status ? s.status === fields.status : s.status !== "canceled")),
          )
          .map(subscriptionObject);
        return send(200, { object: "list", url: "/v1/subscriptions", has_more: false, data });
      }

      if (route === "POST /v1/customers") {
        const workspaceId = fields[`metadata[${WORKSPACE_KEY}]`];
        if (!workspaceId) return invalid(`metadata[${WORKSPACE_KEY}]`, "Greenroom customers carry their workspace id");
        const id = newId("cus");
        customers.set(id, workspaceId);
        return send(200, {
          id,
          object: "customer",
          name: fields.name ?? null,
          metadata: { [WORKSPACE_KEY]: workspaceId },
        });
      }

      if (route === "POST /v1/checkout/sessions") {
        const customer = fields.customer;
        if (!customer || !customers.has(customer)) return invalid("customer", `No such customer: '${customer}'`);
        const workspaceId = customers.get(customer);
        if (fields.mode !== "subscription") return invalid("mode", "expected subscription mode");
        if (!fields["line_items[0][price]"]) return invalid("line_items[0][price]", "a price is required");
        if (fields["line_items[0][quantity]"] !== "1") return invalid("line_items[0][quantity]", "expected quantity 1");
        if (!isAbsoluteUrl(fields.success_url)) return invalid("success_url", "an absolute URL is required");
        if (!isAbsoluteUrl(fields.cancel_url)) return invalid("cancel_url", "an absolute URL is required");
        if (fields[`metadata[${WORKSPACE_KEY}]`] !== workspaceId)
          return invalid(`metadata[${WORKSPACE_KEY}]`, "must name the customer's workspace");
        if (fields[`subscription_data[metadata][${WORKSPACE_KEY}]`] !== workspaceId) {
          return invalid(`subscription_data[metadata][${WORKSPACE_KEY}]`, "must name the customer's workspace");
        }
        const id = newId("cs");
        return send(200, {
          id,
          object: "checkout.session",
          mode: "subscription",
          customer,
          url: `https://checkout.stripe.test/c/pay/${id}`,
        });
      }

      if (route === "POST /v1/billing_portal/sessions") {
        if (!fields.customer || !customers.has(fields.customer))
          return invalid("customer", `No such customer: '${fields.customer}'`);
        if (!isAbsoluteUrl(fields.return_url)) return invalid("return_url", "an absolute URL is required");
        const id = newId("bps");
        return send(200, {
          id,
          object: "billing_portal.session",
          customer: fields.customer,
          url: `https://billing.stripe.test/p/session/${id}`,
        });
      }

      if (route === "GET /v1/invoices") {
        if (!fields.customer || !customers.has(fields.customer))
          return invalid("customer", `No such customer: '${fields.customer}'`);
        const data = (invoices.get(fields.customer) ?? []).map((invoice) => ({
          id: invoice.id,
          object: "invoice",
          customer: fields.customer,
          number: invoice.number,
          status: invoice.status,
          currency: "usd",
          amount_due: invoice.amountDue,
          amount_paid: invoice.amountPaid,
          created: invoice.created,
          hosted_invoice_url: `https://invoice.stripe.test/i/${invoice.id}`,
          invoice_pdf: `https://invoice.stripe.test/i/${invoice.id}/pdf`,
        }));
        return send(200, { object: "list", url: "/v1/invoices", has_more: false, data });
      }

      send(404, { error: { type: "invalid_request_error", message: `unknown route ${route}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("fake Stripe API did not bind");
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    setInvoices: (customerId, list) => void invoices.set(customerId, list),
    setSubscription: putSubscription,
    failNext: (count) => void (failures = count),
    retrievals: (id) => counts.get(id) ?? 0,
    connect,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
