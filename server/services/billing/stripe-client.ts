import Stripe from "stripe";

export interface StripeClientOptions {
  secretKey: string;
  /** Origin of a Stripe-compatible API (tests run a local server); default Stripe's own. */
  apiUrl?: string;
}

/**
 * The SDK on fetch in every runtime: Workers have no Node http, and Node tests then exercise the same client.
 * STRIPE_API_URL maps to the SDK's host/port/protocol options.
 */
export function createStripeClient({ secretKey, apiUrl }: StripeClientOptions): Stripe {
  const target = apiUrl ? new URL(apiUrl) : null;
  return new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    ...(target && {
      host: target.hostname,
      port: target.port || (target.protocol === "http:" ? 80 : 443),
      protocol: target.protocol === "http:" ? "http" : "https",
    }),
  });
}

/** The Web Crypto HMAC provider: Workers have no node:crypto HMAC the SDK could use synchronously. */
export const webhookCryptoProvider = Stripe.createSubtleCryptoProvider();
