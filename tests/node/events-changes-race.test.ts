import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, DbHandle } from "../../db/client";
import { grants, orders, tickets } from "../../db/schema";
import { AppError } from "../../server/lib/errors";
import { applyPaymentEvent } from "../../server/services/audience/ledger";
import { cancelEvent } from "../../server/services/events/cancel-event";
import { registerEventsPaymentHandler } from "../../server/services/events/orders";
import { reserveTickets } from "../../server/services/events/reserve";
import { transferTicket } from "../../server/services/events/transfer";
import { insertBuyers, insertEvent, seatCounts } from "../support/events";
import { createUser, createWorkspace } from "../support/factories";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";

/**
 * Changes after purchase racing each other on a real Postgres server (PGlite runs one statement at a time and
 * cannot show these): each side runs on its own pool of connections.
 */
const APP_URL = "http://greenroom.test";
const NOW = new Date("2027-02-01T12:00:00.000Z");
const META = { ip: null, userAgent: null };

let pg: PostgresServer;
let handles: DbHandle[];
let workspaceId: string;
let ownerId: string;

beforeAll(async () => {
  pg = await startPostgresServer();
  const owner = await createUser(pg.db, { name: "Olive Owner" });
  ownerId = owner.id;
  workspaceId = (await createWorkspace(pg.db, owner, "Race studio")).id;
  handles = Array.from({ length: 4 }, () => pg.connect());
  registerEventsPaymentHandler(APP_URL);
}, 60_000);

afterAll(async () => {
  await Promise.all((handles ?? []).map((handle) => handle.close()));
  await pg?.stop();
});

const dbFor = (index: number): Database => handles[index % handles.length].sessionDb();

/**
 * A lock wait past 3 s is a retryable TOO_MANY_REQUESTS with nothing written (ADR 029): the provider redelivers a
 * webhook, the creator clicks again. Retried here as they would be.
 */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof AppError && error.code === "TOO_MANY_REQUESTS") continue;
      throw error;
    }
  }
}

describe("changes after purchase, on a real Postgres server", () => {
  it("lets exactly one of many concurrent transfers of one ticket win; the secret rises once per win", async () => {
    const { event, types } = await insertEvent(pg.db, workspaceId, { capacity: 5 });
    const [holder] = await insertBuyers(pg.db, 1, "xfer-race");
    const reserved = await reserveTickets({
      db: pg.db,
      workspaceId,
      eventId: event.id,
      userId: holder.id,
      lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      now: NOW,
      appUrl: APP_URL,
    });
    if (reserved.status !== "issued") throw new Error("expected a free ticket");
    const ticketId = reserved.ticketIds[0];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        transferTicket({
          db: dbFor(i),
          workspaceId,
          ticketId,
          fromUserId: holder.id,
          fromName: "Holder",
          toEmail: `race-friend-${i}@example.test`,
          toName: `Friend ${i}`,
          appUrl: APP_URL,
          now: NOW,
          meta: META,
        }),
      ),
    );
    const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const outcome of outcomes)
      if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ code: "NOT_FOUND" });
    const [ticket] = await pg.db.select().from(tickets).where(eq(tickets.id, ticketId));
    expect(ticket.secretVersion).toBe(2);
    const active = await pg.db.select().from(grants).where(eq(grants.ticketId, ticketId));
    expect(active.filter((grant) => grant.status === "active").map((grant) => grant.userId)).toEqual([
      ticket.holderUserId,
    ]);
    expect(await seatCounts(pg.db, event.id, NOW)).toEqual({ sold: 1, held: 0 });
  });

  it("cancels an event while payments land: no ticket survives and every payment is kept or owed back", async () => {
    const { event, types } = await insertEvent(pg.db, workspaceId, { capacity: 40, types: [{ priceCents: 1000 }] });
    const buyers = await insertBuyers(pg.db, 24, "cancel-pay");
    const pending = [];
    for (const buyer of buyers)
      pending.push(
        await reserveTickets({
          db: pg.db,
          workspaceId,
          eventId: event.id,
          userId: buyer.id,
          lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
          now: NOW,
          appUrl: APP_URL,
        }),
      );
    const later = new Date(NOW.getTime() + 60_000);
    const payments = pending.map((order, i) =>
      withRetry(() =>
        applyPaymentEvent({
          db: dbFor(i),
          now: later,
          event: {
            type: "payment.succeeded",
            provider: "sandbox",
            account: "sandbox",
            eventId: `evt_race_${order.orderId}`,
            created: 1_800_000_000,
            workspaceId,
            paymentId: `pi_race_${order.orderId}`,
            checkoutId: null,
            purpose: { kind: "ticket_order", orderId: order.orderId, userId: buyers[i].id },
            amountCents: 1000,
            applicationFeeCents: 0,
            currency: "usd",
          },
        }),
      ),
    );
    const cancel = withRetry(() =>
      cancelEvent({
        db: dbFor(3),
        workspaceId,
        eventId: event.id,
        reason: "Race.",
        actorUserId: ownerId,
        appUrl: APP_URL,
        now: later,
        meta: META,
      }),
    );
    await Promise.all([...payments, cancel]);

    const valid = await pg.db.select().from(tickets).where(eq(tickets.eventId, event.id));
    expect(valid.filter((ticket) => ticket.status === "valid")).toHaveLength(0);
    const eventOrders = await pg.db.select().from(orders).where(eq(orders.eventId, event.id));
    expect(eventOrders).toHaveLength(24);
    // Whichever came first, every payment that landed is owed back in full and nothing else is.
    for (const order of eventOrders) {
      expect(order.paymentId).toBe(`pi_race_${order.id}`);
      expect(order).toMatchObject({ status: "refunded", refundDueCents: 1000 });
    }
    const ticketGrants = await pg.db.select().from(grants).where(eq(grants.eventId, event.id));
    expect(ticketGrants.filter((grant) => grant.status === "active")).toHaveLength(0);
    expect(await seatCounts(pg.db, event.id, later)).toEqual({ sold: 0, held: 0 });
  }, 120_000);
});
