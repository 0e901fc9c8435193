import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, audienceSubscriptions, grants, paymentLedger } from "../../db/schema";
import { applyPaymentEvent } from "../../server/services/audience/ledger";
import type { PaymentEvent } from "../../server/services/audience/payment-events";
import { insertTier, subscriptionEvent } from "../support/audience";
import { createUser, createWorkspace } from "../support/factories";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";

/**
 * AUDIENCE.md invariants 2 and 7 on a real server: PGlite runs every connection on one backend, so "two deliveries
 * at once yield one grant change" means something only where transactions really run in parallel.
 */
let pg: PostgresServer;
let workspaceId: string;
let tierId: string;
const NOW = new Date("2026-12-01T12:00:00.000Z");
const PERIOD_END = new Date("2027-01-01T12:00:00.000Z");
const T0 = Math.floor(NOW.getTime() / 1000);

beforeAll(async () => {
  pg = await startPostgresServer();
  const creator = await createUser(pg.db, { name: "Cara Creator" });
  workspaceId = (await createWorkspace(pg.db, creator, "Concurrency studio")).id;
  tierId = (await insertTier(pg.db, workspaceId)).id;
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

/** Delivers every event at once, each on its own pool (its own connections). */
async function deliverAtOnce(events: PaymentEvent[]) {
  const handles = events.map(() => pg.connect());
  try {
    return await Promise.all(
      handles.map((handle, i) => applyPaymentEvent({ db: handle.db, event: events[i]!, now: NOW })),
    );
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

async function auditedChanges(grantId: string) {
  const rows = await pg.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, workspaceId));
  return rows.filter((row) => row.detail.grantId === grantId).map((row) => row.action);
}

describe("applyPaymentEvent on a real Postgres server", () => {
  it("applies eight concurrent deliveries of one event exactly once", async () => {
    const person = await createUser(pg.db);
    const event = subscriptionEvent({
      workspaceId,
      tierId,
      userId: person.id,
      subscriptionId: "sub_dup",
      status: "active",
      created: T0,
      currentPeriodEnd: PERIOD_END,
      eventId: "evt_dup",
    });
    const results = await deliverAtOnce(Array.from({ length: 8 }, () => event));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.duplicate)).toHaveLength(7);
    const rows = await pg.db.select().from(grants).where(eq(grants.sourceRef, "sub_dup"));
    expect(rows).toHaveLength(1);
    expect(await auditedChanges(rows[0]!.id)).toEqual(["grant.issued"]);
    expect(await pg.db.select().from(paymentLedger).where(eq(paymentLedger.providerEventId, "evt_dup"))).toHaveLength(
      1,
    );
  });

  it("converges to the newest state whatever order concurrent state events of one subscription run in", async () => {
    for (let round = 0; round < 3; round++) {
      const person = await createUser(pg.db);
      const subscriptionId = `sub_race_${round}`;
      const base = { workspaceId, tierId, userId: person.id, subscriptionId, currentPeriodEnd: PERIOD_END };
      // trialing, active, past_due, then canceled as the newest: the end state must be a canceled grant.
      const events = (["trialing", "active", "past_due", "canceled"] as const).map((status, i) =>
        subscriptionEvent({ ...base, status, created: T0 + i }),
      );
      // Each event twice, shuffled, all at once.
      const deliveries = [...events, ...events].sort(() => Math.random() - 0.5);
      const results = await deliverAtOnce(deliveries);
      expect(results.filter((r) => r.duplicate)).toHaveLength(4);

      const [subscription] = await pg.db
        .select()
        .from(audienceSubscriptions)
        .where(eq(audienceSubscriptions.providerSubscriptionId, subscriptionId));
      expect(subscription).toMatchObject({ status: "canceled", updatedFromEventCreated: T0 + 3 });
      const rows = await pg.db.select().from(grants).where(eq(grants.sourceRef, subscriptionId));
      // At most one grant ever exists for the subscription; whether the canceled event ran first (no grant) or
      // last (grant ended), nobody has access.
      expect(rows.length).toBeLessThanOrEqual(1);
      expect(rows.every((grant) => grant.status === "canceled")).toBe(true);
      const ledger = await pg.db.select().from(paymentLedger).where(eq(paymentLedger.providerObjectId, subscriptionId));
      expect(ledger).toHaveLength(4);
    }
  });

  it("a renewal racing its own duplicate extends the window once", async () => {
    const person = await createUser(pg.db);
    await applyPaymentEvent({
      db: pg.db,
      event: subscriptionEvent({
        workspaceId,
        tierId,
        userId: person.id,
        subscriptionId: "sub_renew",
        status: "active",
        created: T0,
        currentPeriodEnd: PERIOD_END,
      }),
      now: NOW,
    });
    const nextEnd = new Date("2027-02-01T12:00:00.000Z");
    const invoice: PaymentEvent = {
      type: "invoice.paid",
      provider: "sandbox",
      account: "sandbox",
      workspaceId,
      eventId: "evt_invoice_renew",
      created: T0 + 10,
      subscriptionId: "sub_renew",
      invoiceId: "in_renew",
      amountCents: 500,
      applicationFeeCents: 25,
      currency: "usd",
      periodEnd: nextEnd,
    };
    const results = await deliverAtOnce([invoice, invoice, invoice, invoice]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const [grant] = await pg.db.select().from(grants).where(eq(grants.sourceRef, "sub_renew"));
    expect(grant!.endsAt).toEqual(nextEnd);
    expect(await auditedChanges(grant!.id)).toEqual(["grant.issued", "grant.extended"]);
  });
});
