import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, send, signUpOverHttp } from "./http";

describe("billing page", () => {
  it("says billing is not configured without Stripe keys, with the workspace on Free and the plans' limits", async () => {
    const owner = await signUpOverHttp();
    const response = await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Billing is not configured");
    expect(html).toMatch(/on the <strong>Free<\/strong> plan/);
    expect(html).toContain("3000 min / month");
    expect(html).toContain("No events from Stripe yet.");
  });

  it("leaves the not-configured notice out once Stripe is configured", async () => {
    const owner = await signUpOverHttp();
    const bindings = { ...env, STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" };
    const response = await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } }, bindings);
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain("Billing is not configured");
  });

  it("upgrades through a POST form that redirects to Stripe Checkout, then to the Customer Portal", async () => {
    const owner = await signUpOverHttp();
    const bindings = {
      ...env,
      STRIPE_SECRET_KEY: "sk_test_x",
      STRIPE_WEBHOOK_SECRET: "whsec_x",
      STRIPE_PRICE_CREATOR: "price_creator_x",
    };
    const page = await (
      await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } }, bindings)
    ).text();
    expect(page).toContain("Upgrade to Creator");
    expect(page).not.toContain("Upgrade to Pro");

    const submit = (fields: Record<string, string>) =>
      send(
        `/w/${owner.workspaceId}/billing`,
        {
          method: "POST",
          redirect: "manual",
          headers: { cookie: owner.cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(fields).toString(),
        },
        bindings,
      );
    const checkout = await submit({ intent: "checkout", plan: "creator" });
    expect(checkout.status).toBe(302);
    expect(checkout.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_/);

    // Stripe reports nothing yet, so the owner can still open the portal for the customer just created.
    const portal = await submit({ intent: "portal" });
    expect(portal.status).toBe(302);
    expect(portal.headers.get("location")).toMatch(/^https:\/\/billing\.stripe\.test\//);
    const after = await (
      await send(`/w/${owner.workspaceId}/billing`, { headers: { cookie: owner.cookie } }, bindings)
    ).text();
    expect(after).toContain("No invoices yet.");
  });
});
