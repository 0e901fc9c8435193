/**
 * The Connect half of the local Stripe stand-in (tests/support/stripe-api.ts): connected accounts, Account Links,
 * and everything Greenroom does ON a connected account, scoped by the `Stripe-Account` header as Stripe scopes it
 * (an object made on one account is `resource_missing` on another and on the platform). Like the rest of the
 * stand-in it refuses what Stripe would refuse for a missing or wrong parameter, replays a request with a known
 * Idempotency-Key, and lets tests play Stripe's side: pay a checkout, change a subscription, build the event Stripe
 * would send (with `account`).
 */
import { randomUUID } from "node:crypto";

const WORKSPACE_KEY = "greenroom_workspace_id";
const isAbsoluteUrl = (value: string | undefined) => Boolean(value && /^https?:\/\/[^/]+\//.test(value));
const newId = (prefix: string) => `${prefix}_local${randomUUID().replace(/-/g, "").slice(0, 16)}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

type Json = Record<string, unknown>;

export interface FakeAccount {
  id: string;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  currently_due: string[];
  past_due: string[];
  disabled_reason: string | null;
  metadata: Record<string, string>;
}

interface PaymentIntentState {
  id: string;
  chargeId: string;
  amount: number;
  currency: string;
  amount_refunded: number;
  /** What Stripe took as the platform's fee: what was asked, unless a test makes Stripe disagree. */
  application_fee_amount: number | null;
  metadata: Record<string, string>;
  created: number;
}

interface SubscriptionState {
  id: string;
  customer: string;
  status: string;
  priceId: string;
  current_period_end: number;
  cancel_at_period_end: boolean;
  trial_end: number | null;
  application_fee_percent: number | null;
  metadata: Record<string, string>;
}

/** Everything that lives on one connected account. */
interface AccountScope {
  products: Map<string, Json>;
  prices: Map<string, Json>;
  customers: Map<string, Json>;
  sessions: Map<string, Json>;
  subscriptions: Map<string, SubscriptionState>;
  paymentIntents: Map<string, PaymentIntentState>;
  refunds: Map<string, Json>;
  invoices: Map<string, Json & { lines: { object: "list"; data: Json[] } }>;
}

export interface ConnectRequest {
  method: string;
  path: string;
  fields: Record<string, string>;
  account: string | null;
  idempotencyKey: string | null;
}

export type Reply = { status: number; body: unknown };

const error = (status: number, type: string, message: string, extra: Json = {}): Reply => ({
  status,
  body: { error: { type, message, ...extra } },
});
const invalid = (param: string, message: string) => error(400, "invalid_request_error", message, { param });
const missing = (kind: string, id: string) =>
  error(404, "invalid_request_error", `No such ${kind}: '${id}'`, { code: "resource_missing" });
const ok = (body: unknown): Reply => ({ status: 200, body });

/** Form fields with a prefix, e.g. `metadata[…]`, as an object. */
function nested(fields: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const match = new RegExp(`^${prefix.replace(/[[\]]/g, "\\$&")}\\[([^\\]]+)\\]$`).exec(key);
    if (match) out[match[1]!] = value;
  }
  return out;
}

export function createConnectApi() {
  const accounts = new Map<string, FakeAccount>();
  const scopes = new Map<string, AccountScope>();
  /** (account, Idempotency-Key) → the first reply, replayed as Stripe does. */
  const replays = new Map<string, Reply>();

  const scopeOf = (account: string): AccountScope => {
    let scope = scopes.get(account);
    if (!scope) {
      scope = {
        products: new Map(),
        prices: new Map(),
        customers: new Map(),
        sessions: new Map(),
        subscriptions: new Map(),
        paymentIntents: new Map(),
        refunds: new Map(),
        invoices: new Map(),
      };
      scopes.set(account, scope);
    }
    return scope;
  };

  const accountObject = (a: FakeAccount) => ({
    id: a.id,
    object: "account",
    type: "standard",
    charges_enabled: a.charges_enabled,
    payouts_enabled: a.payouts_enabled,
    details_submitted: a.details_submitted,
    metadata: a.metadata,
    requirements: {
      currently_due: a.currently_due,
      past_due: a.past_due,
      eventually_due: [],
      disabled_reason: a.disabled_reason,
    },
  });

  const subscriptionObject = (scope: AccountScope, s: SubscriptionState) => {
    const price = scope.prices.get(s.priceId)!;
    return {
      id: s.id,
      object: "subscription",
      status: s.status,
      customer: s.customer,
      cancel_at_period_end: s.cancel_at_period_end,
      trial_end: s.trial_end,
      application_fee_percent: s.application_fee_percent,
      metadata: s.metadata,
      items: {
        object: "list",
        data: [{ id: `si_${s.id}`, object: "subscription_item", price, current_period_end: s.current_period_end }],
      },
    };
  };

  const chargeObject = (pi: PaymentIntentState) => ({
    id: pi.chargeId,
    object: "charge",
    created: pi.created,
    amount: pi.amount,
    amount_captured: pi.amount,
    amount_refunded: pi.amount_refunded,
    refunded: pi.amount_refunded >= pi.amount,
    paid: true,
    status: "succeeded",
    currency: pi.currency,
    payment_intent: pi.id,
    application_fee: pi.application_fee_amount === null ? null : `fee_${pi.chargeId.slice(3)}`,
    application_fee_amount: pi.application_fee_amount,
    metadata: {},
  });

  const paymentIntentObject = (pi: PaymentIntentState, expandCharge: boolean) => ({
    id: pi.id,
    object: "payment_intent",
    created: pi.created,
    amount: pi.amount,
    amount_received: pi.amount,
    currency: pi.currency,
    status: "succeeded",
    application_fee_amount: pi.application_fee_amount,
    latest_charge: expandCharge ? chargeObject(pi) : pi.chargeId,
    metadata: pi.metadata,
  });

  /** `expand[0]=…` as the SDK sends it on a GET. */
  const expands = (fields: Record<string, string>) =>
    Object.entries(fields).flatMap(([key, value]) => (key.startsWith("expand[") ? [value] : []));

  const list = (data: unknown[], url: string) => ({ object: "list", data, has_more: false, url });

  /** Routes that act on a connected account (the header names it). */
  function onAccount(req: ConnectRequest, accountId: string): Reply {
    const account = accounts.get(accountId);
    if (!account)
      return error(403, "invalid_request_error", `The provided key does not have access to account '${accountId}'`);
    const scope = scopeOf(accountId);
    const { fields } = req;
    const route = `${req.method} ${req.path}`;
    const metadata = nested(fields, "metadata");

    if (route === "POST /v1/products") {
      if (!fields.name) return invalid("name", "a product needs a name");
      if (!metadata[WORKSPACE_KEY]) return invalid(`metadata[${WORKSPACE_KEY}]`, "Greenroom marks what it creates");
      const product = { id: newId("prod"), object: "product", name: fields.name, active: true, metadata };
      scope.products.set(product.id, product);
      return ok(product);
    }
    let match = /^GET \/v1\/products\/([^/]+)$/.exec(route);
    if (match) return scope.products.get(match[1]!) ? ok(scope.products.get(match[1]!)) : missing("product", match[1]!);

    if (route === "POST /v1/prices") {
      if (!fields.product || !scope.products.has(fields.product))
        return invalid("product", `No such product: '${fields.product}'`);
      if (!fields.currency) return invalid("currency", "currency is required");
      if (!/^\d+$/.test(fields.unit_amount ?? "")) return invalid("unit_amount", "an integer amount is required");
      if (!["month", "year"].includes(fields["recurring[interval]"] ?? ""))
        return invalid("recurring[interval]", "tiers are recurring prices");
      const price = {
        id: newId("price"),
        object: "price",
        active: true,
        product: fields.product,
        currency: fields.currency,
        unit_amount: Number(fields.unit_amount),
        recurring: { interval: fields["recurring[interval]"], interval_count: 1 },
        metadata,
      };
      scope.prices.set(price.id, price);
      return ok(price);
    }
    match = /^GET \/v1\/prices\/([^/]+)$/.exec(route);
    if (match) return scope.prices.get(match[1]!) ? ok(scope.prices.get(match[1]!)) : missing("price", match[1]!);

    if (route === "POST /v1/customers") {
      if (!metadata[WORKSPACE_KEY]) return invalid(`metadata[${WORKSPACE_KEY}]`, "Greenroom marks what it creates");
      const customer = {
        id: newId("cus"),
        object: "customer",
        email: fields.email ?? null,
        name: fields.name ?? null,
        metadata,
      };
      scope.customers.set(customer.id, customer);
      return ok(customer);
    }

    if (route === "POST /v1/checkout/sessions") {
      if (!account.charges_enabled)
        return invalid("account", "This account cannot currently make live charges (charges_enabled is false).");
      if (!isAbsoluteUrl(fields.success_url)) return invalid("success_url", "an absolute URL is required");
      if (!isAbsoluteUrl(fields.cancel_url)) return invalid("cancel_url", "an absolute URL is required");
      if (!metadata[WORKSPACE_KEY]) return invalid(`metadata[${WORKSPACE_KEY}]`, "Greenroom marks what it creates");
      if (fields.customer && !scope.customers.has(fields.customer))
        return invalid("customer", `No such customer: '${fields.customer}'`);
      if (!fields.customer && !fields.customer_email) return invalid("customer_email", "the buyer's email is required");
      if (fields["line_items[0][quantity]"] !== "1") return invalid("line_items[0][quantity]", "expected quantity 1");
      let amount: number;
      let currency: string;
      if (fields.mode === "subscription") {
        const price = scope.prices.get(fields["line_items[0][price]"] ?? "");
        if (!price) return invalid("line_items[0][price]", `No such price: '${fields["line_items[0][price]"]}'`);
        const percent = fields["subscription_data[application_fee_percent]"];
        if (!percent || !(Number(percent) >= 0 && Number(percent) <= 100))
          return invalid("subscription_data[application_fee_percent]", "Greenroom's fee is required");
        if (nested(fields, "subscription_data[metadata]")[WORKSPACE_KEY] !== metadata[WORKSPACE_KEY])
          return invalid(`subscription_data[metadata][${WORKSPACE_KEY}]`, "the subscription must carry the marker");
        amount = price.unit_amount as number;
        currency = price.currency as string;
      } else if (fields.mode === "payment") {
        const unit = fields["line_items[0][price_data][unit_amount]"];
        currency = fields["line_items[0][price_data][currency]"] ?? "";
        if (!/^\d+$/.test(unit ?? "") || !currency)
          return invalid("line_items[0][price_data]", "an amount and currency are required");
        if (!fields["line_items[0][price_data][product_data][name]"])
          return invalid("line_items[0][price_data][product_data][name]", "the buyer sees a description");
        amount = Number(unit);
        const fee = fields["payment_intent_data[application_fee_amount]"];
        if (!/^\d+$/.test(fee ?? "") || Number(fee) >= amount)
          return invalid(
            "payment_intent_data[application_fee_amount]",
            "Greenroom's fee is required, below the amount",
          );
        if (!/^\d+$/.test(fields.expires_at ?? "")) return invalid("expires_at", "the hold's expiry is required");
        if (nested(fields, "payment_intent_data[metadata]")[WORKSPACE_KEY] !== metadata[WORKSPACE_KEY])
          return invalid(`payment_intent_data[metadata][${WORKSPACE_KEY}]`, "the payment must carry the marker");
      } else return invalid("mode", "expected subscription or payment");
      const id = newId("cs");
      const session: Json = {
        id,
        object: "checkout.session",
        mode: fields.mode,
        status: "open",
        payment_status: "unpaid",
        customer: fields.customer ?? null,
        customer_email: fields.customer_email ?? null,
        amount_total: amount,
        currency,
        metadata,
        expires_at: fields.expires_at ? Number(fields.expires_at) : nowSeconds() + 24 * 3600,
        subscription: null,
        payment_intent: null,
        url: `https://checkout.stripe.test/c/pay/${id}`,
        __fields: fields,
      };
      scope.sessions.set(id, session);
      return ok(publicSession(session));
    }

    if (route === "POST /v1/billing_portal/sessions") {
      if (!fields.customer || !scope.customers.has(fields.customer))
        return invalid("customer", `No such customer: '${fields.customer}'`);
      if (!isAbsoluteUrl(fields.return_url)) return invalid("return_url", "an absolute URL is required");
      const id = newId("bps");
      return ok({
        id,
        object: "billing_portal.session",
        customer: fields.customer,
        url: `https://billing.stripe.test/p/session/${id}`,
      });
    }

    match = /^GET \/v1\/subscriptions\/([^/]+)$/.exec(route);
    if (match) {
      const subscription = scope.subscriptions.get(match[1]!);
      return subscription ? ok(subscriptionObject(scope, subscription)) : missing("subscription", match[1]!);
    }

    match = /^GET \/v1\/payment_intents\/([^/]+)$/.exec(route);
    if (match) {
      const pi = scope.paymentIntents.get(match[1]!);
      return pi
        ? ok(paymentIntentObject(pi, expands(fields).includes("latest_charge")))
        : missing("payment_intent", match[1]!);
    }

    if (route === "GET /v1/checkout/sessions") {
      const sessions = [...scope.sessions.values()].filter(
        (session) => !fields.payment_intent || session.payment_intent === fields.payment_intent,
      );
      return ok(list(sessions.map(publicSession), "/v1/checkout/sessions"));
    }

    if (route === "GET /v1/invoice_payments") {
      if (fields["payment[type]"] && fields["payment[type]"] !== "payment_intent")
        return invalid("payment[type]", "expected payment_intent");
      const withInvoice = expands(fields).includes("data.invoice");
      const payments = [...scope.invoices.values()].flatMap((invoice) => {
        const data = ((invoice.payments as { data?: Json[] } | undefined)?.data ?? []).filter(
          (payment) =>
            (!fields.invoice || invoice.id === fields.invoice) &&
            (!fields["payment[payment_intent]"] ||
              (payment.payment as Json).payment_intent === fields["payment[payment_intent]"]) &&
            (!fields.status || payment.status === fields.status),
        );
        const { payments: _omitted, ...bare } = invoice;
        return data.map((payment) => ({ ...payment, invoice: withInvoice ? bare : invoice.id }));
      });
      return ok(list(payments, "/v1/invoice_payments"));
    }

    if (route === "POST /v1/refunds") {
      const pi = scope.paymentIntents.get(fields.payment_intent ?? "");
      if (!pi) return invalid("payment_intent", `No such payment_intent: '${fields.payment_intent}'`);
      const left = pi.amount - pi.amount_refunded;
      const amount = fields.amount ? Number(fields.amount) : left;
      if (!(amount > 0 && amount <= left))
        return invalid("amount", `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`);
      pi.amount_refunded += amount;
      const refund = {
        id: newId("re"),
        object: "refund",
        amount,
        charge: pi.chargeId,
        payment_intent: pi.id,
        status: "succeeded",
        metadata,
      };
      scope.refunds.set(refund.id, refund);
      return ok(refund);
    }

    if (route === "POST /v1/invoices") {
      if (!fields.customer || !scope.customers.has(fields.customer))
        return invalid("customer", `No such customer: '${fields.customer}'`);
      if (fields.collection_method !== "send_invoice") return invalid("collection_method", "expected send_invoice");
      if (!/^\d+$/.test(fields.due_date ?? "")) return invalid("due_date", "send_invoice needs a due date");
      const invoice = {
        id: newId("in"),
        object: "invoice",
        customer: fields.customer,
        status: "draft",
        currency: fields.currency ?? "usd",
        amount_due: 0,
        amount_paid: 0,
        period_end: nowSeconds(),
        metadata,
        parent: null,
        lines: { object: "list" as const, data: [] as Json[] },
      };
      scope.invoices.set(invoice.id, invoice);
      return ok(invoice);
    }
    if (route === "POST /v1/invoiceitems") {
      const invoice = scope.invoices.get(fields.invoice ?? "");
      if (!invoice || invoice.status !== "draft") return invalid("invoice", "items go on a draft invoice");
      if (fields.customer !== invoice.customer) return invalid("customer", "the invoice's customer");
      if (!/^\d+$/.test(fields.amount ?? "")) return invalid("amount", "an amount is required");
      const item = {
        id: newId("ii"),
        object: "invoiceitem",
        amount: Number(fields.amount),
        description: fields.description ?? null,
      };
      invoice.lines.data.push(item);
      invoice.amount_due = (invoice.amount_due as number) + item.amount;
      return ok(item);
    }
    match = /^POST \/v1\/invoices\/([^/]+)\/(finalize|send)$/.exec(route);
    if (match) {
      const invoice = scope.invoices.get(match[1]!);
      if (!invoice) return missing("invoice", match[1]!);
      if (match[2] === "finalize") {
        if (invoice.status !== "draft") return invalid("invoice", "only a draft can be finalized");
        invoice.status = "open";
      } else if (invoice.status !== "open") return invalid("invoice", "only an open invoice can be sent");
      return ok(invoice);
    }
    match = /^GET \/v1\/invoices\/([^/]+)$/.exec(route);
    if (match) {
      const invoice = scope.invoices.get(match[1]!);
      if (!invoice) return missing("invoice", match[1]!);
      const expanded = Object.entries(fields).some(([key, value]) => key.startsWith("expand[") && value === "payments");
      return ok(expanded ? invoice : { ...invoice, payments: undefined });
    }

    return error(404, "invalid_request_error", `unknown route ${route} on a connected account`);
  }

  const publicSession = (session: Json) => {
    const { __fields: _omitted, ...rest } = session;
    return rest;
  };

  /** Platform routes that manage connected accounts (no Stripe-Account header). */
  function onPlatform(req: ConnectRequest): Reply | null {
    const route = `${req.method} ${req.path}`;
    const { fields } = req;
    if (route === "POST /v1/accounts") {
      if (!["standard", "express"].includes(fields.type ?? "")) return invalid("type", "expected standard or express");
      const metadata = nested(fields, "metadata");
      if (!metadata[WORKSPACE_KEY]) return invalid(`metadata[${WORKSPACE_KEY}]`, "Greenroom marks what it creates");
      const account: FakeAccount = {
        id: newId("acct"),
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        currently_due: ["external_account", "tos_acceptance.date"],
        past_due: [],
        disabled_reason: "requirements.past_due",
        metadata,
      };
      accounts.set(account.id, account);
      return ok(accountObject(account));
    }
    let match = /^GET \/v1\/accounts\/([^/]+)$/.exec(route);
    if (match) {
      const account = accounts.get(match[1]!);
      return account ? ok(accountObject(account)) : missing("account", match[1]!);
    }
    if (route === "POST /v1/account_links") {
      if (!fields.account || !accounts.has(fields.account))
        return invalid("account", `No such account: '${fields.account}'`);
      if (fields.type !== "account_onboarding") return invalid("type", "expected account_onboarding");
      if (!isAbsoluteUrl(fields.refresh_url)) return invalid("refresh_url", "an absolute URL is required");
      if (!isAbsoluteUrl(fields.return_url)) return invalid("return_url", "an absolute URL is required");
      return ok({
        object: "account_link",
        created: nowSeconds(),
        expires_at: nowSeconds() + 300,
        url: `https://connect.stripe.test/setup/s/${fields.account}/${randomUUID().slice(0, 8)}`,
      });
    }
    match = /^GET \/v1\/(product|price)s\/([^/]+)$/.exec(route);
    // Greenroom makes products and prices only on connected accounts: the platform has none of them.
    if (match) return missing(match[1]!, match[2]!);
    return null;
  }

  return {
    /** Answers a request if it is a Connect one (header set, or an account route); null leaves it to the platform. */
    handle(req: ConnectRequest): Reply | null {
      const replayKey =
        req.idempotencyKey && req.method === "POST" ? `${req.account ?? "platform"}|${req.idempotencyKey}` : null;
      if (replayKey && replays.has(replayKey)) return replays.get(replayKey)!;
      const reply = req.account ? onAccount(req, req.account) : onPlatform(req);
      if (reply && replayKey && reply.status < 500) replays.set(replayKey, reply);
      return reply;
    },

    /** Stripe's side after onboarding (or a later requirements change). */
    updateAccount(id: string, patch: Partial<Omit<FakeAccount, "id">>) {
      const account = accounts.get(id);
      if (!account) throw new Error(`no account ${id}`);
      Object.assign(account, patch);
      return accountObject(account);
    },
    account: (id: string) => accounts.get(id) ?? null,

    /** The buyer pays a checkout: a subscription (with its first invoice and payment) or a one-off payment. */
    payCheckout(
      accountId: string,
      sessionId: string,
      opts: { periodEnd?: number; trialEnd?: number; feeTaken?: number } = {},
    ) {
      const scope = scopeOf(accountId);
      const session = scope.sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId} on ${accountId}`);
      const fields = session.__fields as Record<string, string>;
      const customerId = (session.customer as string | null) ?? newId("cus");
      if (!scope.customers.has(customerId))
        scope.customers.set(customerId, {
          id: customerId,
          object: "customer",
          email: session.customer_email,
          metadata: {},
        });
      session.customer = customerId;
      session.status = "complete";
      session.payment_status = "paid";
      const pi: PaymentIntentState = {
        id: newId("pi"),
        chargeId: newId("ch"),
        amount: session.amount_total as number,
        currency: session.currency as string,
        amount_refunded: 0,
        application_fee_amount:
          opts.feeTaken ??
          (fields["payment_intent_data[application_fee_amount]"]
            ? Number(fields["payment_intent_data[application_fee_amount]"])
            : null),
        metadata: nested(fields, "payment_intent_data[metadata]"),
        created: nowSeconds(),
      };
      scope.paymentIntents.set(pi.id, pi);
      if (session.mode === "payment") {
        session.payment_intent = pi.id;
        return { session: publicSession(session), paymentIntentId: pi.id, chargeId: pi.chargeId };
      }
      const subscription: SubscriptionState = {
        id: newId("sub"),
        customer: customerId,
        status: opts.trialEnd ? "trialing" : "active",
        priceId: fields["line_items[0][price]"]!,
        current_period_end: opts.periodEnd ?? nowSeconds() + 30 * 86_400,
        cancel_at_period_end: false,
        trial_end: opts.trialEnd ?? null,
        application_fee_percent: Number(fields["subscription_data[application_fee_percent]"]),
        metadata: nested(fields, "subscription_data[metadata]"),
      };
      scope.subscriptions.set(subscription.id, subscription);
      session.subscription = subscription.id;
      // A subscription's fee is Stripe's percent of the invoice's payment (unless the test says Stripe took another).
      pi.application_fee_amount =
        opts.feeTaken ?? Math.round((pi.amount * subscription.application_fee_percent!) / 100);
      const invoice = this.addSubscriptionInvoice(accountId, subscription.id, pi.id);
      return {
        session: publicSession(session),
        subscriptionId: subscription.id,
        invoice,
        paymentIntentId: pi.id,
        chargeId: pi.chargeId,
      };
    },

    /** A paid invoice of the subscription (a renewal when `paymentIntentId` is a new payment). */
    addSubscriptionInvoice(accountId: string, subscriptionId: string, paymentIntentId?: string) {
      const scope = scopeOf(accountId);
      const subscription = scope.subscriptions.get(subscriptionId)!;
      const price = scope.prices.get(subscription.priceId)!;
      let pi = paymentIntentId ? scope.paymentIntents.get(paymentIntentId) : undefined;
      if (!pi) {
        pi = {
          id: newId("pi"),
          chargeId: newId("ch"),
          amount: price.unit_amount as number,
          currency: price.currency as string,
          amount_refunded: 0,
          application_fee_amount: subscription.application_fee_percent
            ? Math.round(((price.unit_amount as number) * subscription.application_fee_percent) / 100)
            : null,
          metadata: {},
          created: nowSeconds(),
        };
        scope.paymentIntents.set(pi.id, pi);
      }
      const invoice = {
        id: newId("in"),
        object: "invoice",
        customer: subscription.customer,
        status: "paid",
        currency: price.currency,
        amount_due: price.unit_amount,
        amount_paid: price.unit_amount,
        period_end: nowSeconds(),
        metadata: {},
        parent: {
          type: "subscription_details",
          subscription_details: { subscription: subscription.id, metadata: subscription.metadata },
        },
        lines: {
          object: "list" as const,
          data: [
            {
              id: newId("il"),
              object: "line_item",
              period: { start: nowSeconds(), end: subscription.current_period_end },
            },
          ],
        },
        payments: {
          object: "list",
          data: [
            {
              id: newId("inpay"),
              object: "invoice_payment",
              status: "paid",
              payment: { type: "payment_intent", payment_intent: pi.id },
            },
          ],
        },
      };
      scope.invoices.set(invoice.id, invoice);
      return { ...invoice, payments: undefined, paymentIntentId: pi.id };
    },

    updateSubscription(accountId: string, id: string, patch: Partial<Omit<SubscriptionState, "id">>) {
      const scope = scopeOf(accountId);
      const subscription = scope.subscriptions.get(id);
      if (!subscription) throw new Error(`no subscription ${id}`);
      Object.assign(subscription, patch);
      return subscriptionObject(scope, subscription);
    },
    subscription(accountId: string, id: string) {
      const scope = scopeOf(accountId);
      const subscription = scope.subscriptions.get(id);
      return subscription ? subscriptionObject(scope, subscription) : null;
    },
    /** A payment's charge as `charge.refunded` carries it: `amount_refunded` is cumulative. */
    charge(accountId: string, paymentIntentId: string) {
      const pi = scopeOf(accountId).paymentIntents.get(paymentIntentId);
      if (!pi) throw new Error(`no payment ${paymentIntentId}`);
      return chargeObject(pi);
    },
    /** Stripe's side of a refund made in the creator's Dashboard. */
    refundInDashboard(accountId: string, paymentIntentId: string, amount: number) {
      const pi = scopeOf(accountId).paymentIntents.get(paymentIntentId)!;
      pi.amount_refunded += amount;
      return chargeObject(pi);
    },
    dispute(accountId: string, paymentIntentId: string, status: string) {
      const pi = scopeOf(accountId).paymentIntents.get(paymentIntentId)!;
      return {
        id: `dp_${pi.id.slice(3)}`,
        object: "dispute",
        amount: pi.amount,
        currency: pi.currency,
        charge: pi.chargeId,
        payment_intent: pi.id,
        status,
        metadata: {},
      };
    },
    invoice(accountId: string, id: string) {
      return scopeOf(accountId).invoices.get(id) ?? null;
    },
    setInvoiceStatus(accountId: string, id: string, status: string) {
      const invoice = scopeOf(accountId).invoices.get(id)!;
      invoice.status = status;
      return invoice;
    },
    paymentIntent: (accountId: string, id: string) => scopeOf(accountId).paymentIntents.get(id) ?? null,
    refunds: (accountId: string) => [...scopeOf(accountId).refunds.values()],
    products: (accountId: string) => [...scopeOf(accountId).products.values()],
    prices: (accountId: string) => [...scopeOf(accountId).prices.values()],
  };
}

export type ConnectApi = ReturnType<typeof createConnectApi>;

/** An event as Stripe delivers it to a Connect endpoint: `account` names the connected account. */
export function connectEvent(type: string, object: unknown, opts: { account: string; created?: number; id?: string }) {
  return {
    id: opts.id ?? `evt_${randomUUID().replace(/-/g, "")}`,
    object: "event",
    type,
    account: opts.account,
    created: opts.created ?? nowSeconds(),
    livemode: false,
    data: { object },
  };
}
