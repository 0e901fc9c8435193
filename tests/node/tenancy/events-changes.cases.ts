import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { orders } from "../../../db/schema";
import { applyPaymentEvent } from "../../../server/services/audience/ledger";
import { registerEventsPaymentHandler } from "../../../server/services/events/orders";
import { reserveTickets } from "../../../server/services/events/reserve";
import { insertBuyers, insertEvent } from "../../support/events";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

const APP_URL = "http://localhost:5173";

/** Tenant A's published event with one paid order (through the ledger), and the outsider's own event in B. */
async function paidOrderOfA({ db, a, b }: Tenants) {
  registerEventsPaymentHandler(APP_URL);
  const { event, types } = await insertEvent(db, a.workspace.id, { capacity: 10, types: [{ priceCents: 1500 }] });
  const { event: own } = await insertEvent(db, b.id, { capacity: 10 });
  const [buyer] = await insertBuyers(db, 1, `tenancy-${crypto.randomUUID().slice(0, 8)}`);
  const now = new Date();
  const held = await reserveTickets({
    db,
    workspaceId: a.workspace.id,
    eventId: event.id,
    userId: buyer.id,
    lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
    now,
    appUrl: APP_URL,
  });
  await applyPaymentEvent({
    db,
    now,
    event: {
      type: "payment.succeeded",
      provider: "sandbox",
      account: "sandbox",
      eventId: `evt_${held.orderId}`,
      created: Math.floor(now.getTime() / 1000),
      workspaceId: a.workspace.id,
      paymentId: `pi_${held.orderId}`,
      checkoutId: null,
      purpose: { kind: "ticket_order", orderId: held.orderId, userId: buyer.id },
      amountCents: 1500,
      applicationFeeCents: 0,
      currency: "usd",
    },
  });
  return { event, own, orderId: held.orderId };
}

async function orderStatus({ db }: Tenants, orderId: string) {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  return order.status;
}

export const cases: Record<string, TenancyCase> = {
  "events.cancelEvent": {
    async allow(x) {
      const { event } = await paidOrderOfA(x);
      const status = await x
        .api(x.a.owner)
        .events.cancelEvent({ workspaceId: x.a.workspace.id, eventId: event.id, reason: "Storm." });
      expect(status).toMatchObject({ status: "canceled" });
      expect(status.refundsPending + status.refundsDone).toBe(1);
    },
    async foreign(x) {
      const { event, orderId } = await paidOrderOfA(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.cancelEvent({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(api.cancelEvent({ workspaceId: x.b.id, eventId: event.id }));
      expect(await orderStatus(x, orderId)).toBe("paid");
    },
  },
  "events.getCancellation": {
    async allow(x) {
      const { event } = await paidOrderOfA(x);
      const status = await x
        .api(x.a.editor)
        .events.getCancellation({ workspaceId: x.a.workspace.id, eventId: event.id });
      expect(status).toMatchObject({ status: "published", refundsPending: 0 });
    },
    async foreign(x) {
      const { event } = await paidOrderOfA(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.getCancellation({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(api.getCancellation({ workspaceId: x.b.id, eventId: event.id }));
    },
  },
  "events.refundOrder": {
    async allow(x) {
      const { orderId } = await paidOrderOfA(x);
      const result = await x
        .api(x.a.admin)
        .events.refundOrder({ workspaceId: x.a.workspace.id, orderId, cancelTickets: false, refundCents: 500 });
      expect(result).toMatchObject({ status: "partially_refunded", refundDueCents: 500 });
    },
    async foreign(x) {
      const { orderId } = await paidOrderOfA(x);
      const api = x.api(x.outsider).events;
      const input = { orderId, cancelTickets: true, refundCents: 1500 };
      await expectNotFound(api.refundOrder({ workspaceId: x.a.workspace.id, ...input }));
      await expectNotFound(api.refundOrder({ workspaceId: x.b.id, ...input }));
      expect(await orderStatus(x, orderId)).toBe("paid");
    },
  },
  "events.setRefundPolicy": {
    async allow(x) {
      const { event } = await paidOrderOfA(x);
      const result = await x
        .api(x.a.editor)
        .events.setRefundPolicy({ workspaceId: x.a.workspace.id, eventId: event.id, refundWindowHours: 48 });
      expect(result).toEqual({ eventId: event.id, refundWindowHours: 48 });
    },
    async foreign(x) {
      const { event } = await paidOrderOfA(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(
        api.setRefundPolicy({ workspaceId: x.a.workspace.id, eventId: event.id, refundWindowHours: 1 }),
      );
      await expectNotFound(api.setRefundPolicy({ workspaceId: x.b.id, eventId: event.id, refundWindowHours: 1 }));
    },
  },
};
