import { Hono } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { readBodyWithin } from "./body-limit";
import { createStripeClient } from "../services/billing/stripe-client";
import { handleStripeEvent, verifyStripeEvent } from "../services/billing/webhooks";
import { enqueueNotificationEmails } from "../services/notifications/notify";
import type { TrpcContext } from "../trpc/context";

type WebhookEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

const noStore = { "cache-control": "no-store" };

/** Stripe's event payloads are a few KiB; the cap keeps an unsigned flood from being read before verification. */
export const MAX_STRIPE_WEBHOOK_BYTES = 256 * 1024;

/**
 * POST /api/webhooks/stripe. CSRF-exempt (server/app.ts): the Stripe-Signature over the raw body is the
 * credential. 400 = refused and nothing written; 200 = applied, ignored or a duplicate; 500 = failed and
 * recorded, so Stripe retries.
 */
export const stripeWebhookRoutes = new Hono<WebhookEnv>().post("/", async (c) => {
  const { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret } = c.env;
  if (!secretKey || !webhookSecret) return c.json({ error: "Billing is not configured." }, 404, noStore);

  const stripe = await createStripeClient({ secretKey, apiUrl: c.env.STRIPE_API_URL });
  // The signature covers the exact bytes Stripe sent, so the body is read as text and never re-serialised.
  const bytes = await readBodyWithin(c.req.raw, MAX_STRIPE_WEBHOOK_BYTES);
  if (!bytes) return c.json({ error: "Request body too large." }, 413, noStore);
  const body = new TextDecoder().decode(bytes);
  let event;
  try {
    event = await verifyStripeEvent({
      stripe,
      body,
      signature: c.req.header("stripe-signature") ?? null,
      secret: webhookSecret,
    });
  } catch (error) {
    if (error instanceof AppError) return c.json({ error: error.message }, 400, noStore);
    throw error;
  }

  try {
    const { db, config, clock } = c.var.trpc;
    const result = await handleStripeEvent({ db, stripe, event, prices: c.env, appUrl: config.appUrl, now: clock() });
    // Committed: the outbox rows exist, so a lost enqueue is re-sent by the outbox sweep.
    if ("emailIds" in result) await enqueueNotificationEmails(c.env.EMAIL_QUEUE, result.emailIds);
    return c.json({ received: true, outcome: result.outcome }, 200, noStore);
  } catch (error) {
    console.error(
      JSON.stringify({ event: "stripe.webhook_failed", id: event.id, type: event.type, error: String(error) }),
    );
    return c.json({ error: "Processing failed; Stripe will retry." }, 500, noStore);
  }
});
