/**
 * What stripe-node's core gets for `./resources.js` and for the resource namespaces of Stripe products Greenroom
 * does not use (wrangler.toml [alias]; ~8.5 KiB gzipped). stripe-node 23 constructs every namespace in its
 * constructor, so esbuild cannot drop them; here each is an empty object, so `stripe.issuing.cards` is undefined.
 * BillingPortal and Checkout stay real, as do all top-level resources (customers, accounts, prices, refunds…, which
 * Stripe Connect uses). Billing (meters, credit grants), Tax and V2 (the v2 API) went too: nothing calls them, and
 * webhooks are verified by `stripe.webhooks`, not the v2 event notifications. `./resources.js` is read only for OAuthResource (its namespace
 * import serves a method the core no longer calls). Using one of these products means deleting its alias.
 */
export { OAuthResource } from "../node_modules/stripe/esm/resources/OAuth.js";

class Unused {}

export {
  Unused as Apps,
  Unused as Billing,
  Unused as Climate,
  Unused as Entitlements,
  Unused as FinancialConnections,
  Unused as Forwarding,
  Unused as Identity,
  Unused as Issuing,
  Unused as ProductCatalog,
  Unused as Radar,
  Unused as Reporting,
  Unused as Reserve,
  Unused as Sigma,
  Unused as Tax,
  Unused as Terminal,
  Unused as TestHelpers,
  Unused as ThreeDSecure,
  Unused as Treasury,
  Unused as V2,
};
