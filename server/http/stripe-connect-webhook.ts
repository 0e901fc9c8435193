import { Hono } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { readBodyWithin } from "./body-limit";
import { verifyStripeEvent } from "../services/billing/webhooks";
import { connectClient } from "../services/payments/connect-accounts";
import { handleConnectEvent } from "../services/payments/connect-webhooks";
import { paymentsMode } from "../services/payments/provider";
import type { TrpcContext } from "../trpc/context";
import { MAX_STRIPE_WEBHOOK_BYTES } from "./stripe-webhook";

type WebhookEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

const noStore = { "cache-control": "no-store" };

/**
 * POST /api/webhooks/stripe-connect: connected accounts' events (ADR 025), signed with the Connect endpoint's own
 * secret. CSRF-exempt by its /api/webhooks/ prefix (server/app.ts). 404 when payments are not on Stripe; 400 =
 * refused, nothing written; 200 = applied, ignored or a duplicate; 500 = failed and recorded, so Stripe retries.
 */
export const stripeConnectWebhookRoutes = new Hono<WebhookEnv>().post("/", async (c) => {
  const mode = paymentsMode(c.env);
  if (mode.kind !== "stripe") return c.json({ error: "Stripe Connect is not configured." }, 404, noStore);

  const stripe = await connectClient(mode);
  const bytes = await readBodyWithin(c.req.raw, MAX_STRIPE_WEBHOOK_BYTES);
  if (!bytes) return c.json({ error: "Request body too large." }, 413, noStore);
  // The signature covers the exact bytes Stripe sent, so the body is read as text and never re-serialised.
  const body = new TextDecoder().decode(bytes);
  let event;
  try {
    event = await verifyStripeEvent({
      stripe,
      body,
      signature: c.req.header("stripe-signature") ?? null,
      secret: mode.webhookSecret,
    });
  } catch (error) {
    if (error instanceof AppError) return c.json({ error: error.message }, 400, noStore);
    throw error;
  }

  try {
    const { db, clock } = c.var.trpc;
    const result = await handleConnectEvent({ db, stripe, event, now: clock() });
    return c.json({ received: true, outcome: result.outcome }, 200, noStore);
  } catch (error) {
    console.error(
      JSON.stringify({
        event: "stripe_connect.webhook_failed",
        id: event.id,
        type: event.type,
        account: event.account ?? null,
        error: String(error),
      }),
    );
    return c.json({ error: "Processing failed; Stripe will retry." }, 500, noStore);
  }
});
