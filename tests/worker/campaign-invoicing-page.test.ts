import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { connectedAccounts } from "../../db/schema";
import { createInvoice } from "../../server/services/campaigns/invoices";
import { createCampaign } from "../support/factories";
import { send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";

/**
 * "Send through Stripe" on a draft campaign invoice (ADR 025 addendum 2026-12-06): offered only when the workspace's
 * connected account can take charges; otherwise the page says what to do instead, with no button that would fail.
 */
describe("campaign invoice: Send through Stripe", () => {
  async function draftInvoice() {
    const owner = await signUpOverHttp("Invoicing Owner");
    const handle = workerDb();
    try {
      const { campaign } = await createCampaign(handle.db, owner.workspaceId, {
        campaign: { pricing: "flat", rateCents: 90_000 },
      });
      await createInvoice({
        db: handle.db,
        workspaceId: owner.workspaceId,
        actorUserId: owner.userId,
        meta: { ip: null, userAgent: null },
        now: new Date(),
        campaignId: campaign.id,
        notes: "",
      });
      return { owner, url: `/w/${owner.workspaceId}/campaigns/${campaign.id}` };
    } finally {
      await handle.close();
    }
  }

  const connectBindings = { ...env, STRIPE_SECRET_KEY: "sk_test_x", STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_x" };

  it("explains instead of offering the button until a connected account can charge, then offers it", async () => {
    const { owner, url } = await draftInvoice();
    const pageWith = async (bindings = env) =>
      (await send(url, { headers: { cookie: owner.cookie } }, bindings)).text();

    // The sandbox (no Stripe keys): Stripe Invoicing does not exist here.
    const sandbox = await pageWith();
    expect(sandbox).toMatch(/Mark (<!-- -->)?sent/);
    expect(sandbox).not.toContain("Send through Stripe");
    expect(sandbox).toContain("Stripe Connect is not set up on this Greenroom, so invoices go out as PDFs.");

    // Stripe configured, no account connected yet.
    const unconnected = await pageWith(connectBindings);
    expect(unconnected).not.toContain("Send through Stripe");
    expect(unconnected).toContain("Connect a Stripe account on Payments to send invoices through Stripe.");
    expect(unconnected).toContain(`href="/w/${owner.workspaceId}/payments"`);

    // Connected, onboarding unfinished.
    const handle = workerDb();
    try {
      await handle.db.insert(connectedAccounts).values({
        workspaceId: owner.workspaceId,
        stripeAccountId: `acct_page${owner.workspaceId.replace(/-/g, "").slice(0, 12)}`,
        chargesEnabled: false,
      });
      const pending = await pageWith(connectBindings);
      expect(pending).not.toContain("Send through Stripe");
      expect(pending).toContain("Your Stripe account cannot take payments yet");

      await handle.db
        .update(connectedAccounts)
        .set({ chargesEnabled: true })
        .where(eq(connectedAccounts.workspaceId, owner.workspaceId));
      const ready = await pageWith(connectBindings);
      expect(ready).toContain("Send through Stripe");
      expect(ready).not.toContain("to send invoices through Stripe.");
    } finally {
      await handle.close();
    }
  });
});
