import type Stripe from "stripe";

export interface StripeClientOptions {
  secretKey: string;
  /** Origin of a Stripe-compatible API (tests run a local server); default Stripe's own. */
  apiUrl?: string;
}

/**
 * The SDK is imported on first use, not at start-up: only billing actions and Stripe's webhook need it, and
 * evaluating it costs every Worker start-up CPU (ADR 017).
 */
const loadStripe = async () => (await import("stripe")).default;

/**
 * The SDK on fetch in every runtime: Workers have no Node http, and Node tests then exercise the same client.
 * STRIPE_API_URL maps to the SDK's host/port/protocol options.
 */
export async function createStripeClient({ secretKey, apiUrl }: StripeClientOptions): Promise<Stripe> {
  const target = apiUrl ? new URL(apiUrl) : null;
  const StripeSdk = await loadStripe();
  return new StripeSdk(secretKey, {
    httpClient: StripeSdk.createFetchHttpClient(),
    ...(target && {
      host: target.hostname,
      port: target.port || (target.protocol === "http:" ? 80 : 443),
      protocol: target.protocol === "http:" ? "http" : "https",
    }),
  });
}

/** The Web Crypto HMAC provider: Workers have no node:crypto HMAC the SDK could use synchronously. */
export async function webhookCryptoProvider() {
  return (await loadStripe()).createSubtleCryptoProvider();
}
