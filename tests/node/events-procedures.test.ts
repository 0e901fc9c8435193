import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkIns, emails, events, orders, waitlistEntries } from "../../db/schema";
import { SEND_EMAIL_JOB } from "../../server/services/email/outbox";
import { registerEventsPaymentHandler } from "../../server/services/events/orders";
import { occurrenceStarts } from "../../server/services/events/times";
import { audienceMember, insertTier } from "../support/comments";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam, createUser, type TestUser } from "../support/factories";
import { callerFor } from "../support/trpc";

/**
 * The events procedures end to end through the real router (ADR 030): times in the event's zone and recurring
 * series, the gate on the public page and on buying, the join link for holders only, free RSVPs, paid orders
 * opening the sandbox checkout with their hold, capacity changes under the lock, the dashboard and attendees.
 */

let t: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
const api = (user: TestUser | null) => callerFor(t.db, user).api;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await createTeam(t.db, "Events studio");
  registerEventsPaymentHandler("http://greenroom.test");
});
afterAll(() => t.close());

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

const base = {
  kind: "online" as const,
  timeZone: "Europe/Berlin",
  startsAt: "2030-03-14T19:00",
  endsAt: "2030-03-14T21:00",
  joinUrl: "https://meet.example.test/room",
  capacity: 2,
};

async function publishedEvent(
  fields: Partial<typeof base> & {
    visibility?: "public" | "members" | "tiers";
    visibilityTierIds?: string[];
    title?: string;
  } = {},
  types: { priceCents?: number; name?: string }[] = [{}],
) {
  const editor = api(team.editor).events;
  const workspaceId = team.workspace.id;
  const { event } = await editor.create({ workspaceId, title: fields.title ?? "Live Q&A", ...base, ...fields });
  const created = [];
  for (const [index, type] of types.entries())
    created.push(
      await editor.createTicketType({
        workspaceId,
        eventId: event.id,
        name: type.name ?? `Type ${index}`,
        priceCents: type.priceCents ?? 0,
      }),
    );
  await editor.publish({ workspaceId, eventId: event.id });
  return { event, types: created };
}

describe("creating events", () => {
  it("keeps a weekly series on the zone's wall clock across a DST change", async () => {
    const { event, seriesEventIds } = await api(team.editor).events.create({
      workspaceId: team.workspace.id,
      title: "Weekly show",
      ...base,
      startsAt: "2030-03-20T19:00",
      endsAt: "2030-03-20T20:30",
      recurrence: { frequency: "weekly", interval: 1, count: 3 },
    });
    expect(seriesEventIds[0]).toBe(event.id);
    const rows = await t.db.select().from(events).where(eq(events.seriesId, event.id));
    const starts = rows.map((row) => row.startsAt.toISOString()).sort();
    // Berlin moves to summer time on 31 March 2030: 19:00 is 18:00 UTC before and 17:00 UTC after.
    expect(starts).toEqual(["2030-03-20T18:00:00.000Z", "2030-03-27T18:00:00.000Z", "2030-04-03T17:00:00.000Z"]);
    expect(rows.every((row) => row.endsAt.getTime() - row.startsAt.getTime() === 90 * 60_000)).toBe(true);
  });

  it("refuses a time skipped by DST, an unknown zone, a late monthly start and an end before the start", async () => {
    const create = (
      fields: Partial<typeof base> & { recurrence?: { frequency: "monthly"; interval: number; count: number } },
    ) => codeOf(api(team.editor).events.create({ workspaceId: team.workspace.id, title: "Bad", ...base, ...fields }));
    expect(await create({ startsAt: "2030-03-31T02:30", endsAt: "2030-03-31T04:00" })).toBe("BAD_REQUEST");
    expect(await create({ timeZone: "Mars/Olympus" })).toBe("BAD_REQUEST");
    expect(await create({ endsAt: "2030-03-14T18:00" })).toBe("BAD_REQUEST");
    expect(
      await create({
        startsAt: "2030-01-31T19:00",
        endsAt: "2030-01-31T20:00",
        recurrence: { frequency: "monthly", interval: 1, count: 3 },
      }),
    ).toBe("BAD_REQUEST");
    expect(occurrenceStarts("2030-01-15T10:00", { frequency: "monthly", interval: 2, count: 3 })).toEqual([
      "2030-01-15T10:00",
      "2030-03-15T10:00",
      "2030-05-15T10:00",
    ]);
  });

  it("publishes only with a ticket type, and viewers cannot manage or read attendees", async () => {
    const { event } = await api(team.editor).events.create({ workspaceId: team.workspace.id, title: "Empty", ...base });
    expect(await codeOf(api(team.editor).events.publish({ workspaceId: team.workspace.id, eventId: event.id }))).toBe(
      "PRECONDITION_FAILED",
    );
    expect(await codeOf(api(team.viewer).events.list({ workspaceId: team.workspace.id }))).toBe("FORBIDDEN");
    expect(await codeOf(api(team.viewer).events.create({ workspaceId: team.workspace.id, title: "No", ...base }))).toBe(
      "FORBIDDEN",
    );
  });
});

describe("ticket types of one event", () => {
  it("share one currency: a paid type in another is refused when it is set up, not at the buyer's checkout", async () => {
    const editor = api(team.editor).events;
    const workspaceId = team.workspace.id;
    const { event } = await editor.create({ workspaceId, title: "Currencies", ...base });
    const type = (name: string, priceCents: number, currency: "usd" | "eur") => ({
      workspaceId,
      eventId: event.id,
      name,
      priceCents,
      currency,
    });
    const euros = await editor.createTicketType(type("Standard", 2000, "eur"));
    // A free RSVP's currency is never charged, so any is accepted.
    const free = await editor.createTicketType(type("Free", 0, "usd"));
    const refused = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("BAD_REQUEST");
      expect((error as TRPCError).message).toBe("This event's paid tickets are priced in EUR; use EUR here too.");
      expect(((error as TRPCError).cause as { fieldErrors?: Record<string, string[]> }).fieldErrors).toEqual({
        currency: ["Choose EUR: every paid ticket of one event is sold in the same currency."],
      });
    };
    await refused(editor.createTicketType(type("VIP", 5000, "usd")));
    // Editing: the free type turned paid in dollars, or the euro type's currency alone while another paid type
    // exists, are refused the same way.
    await refused(editor.updateTicketType({ ...type("Free", 500, "usd"), ticketTypeId: free.id }));
    await editor.createTicketType(type("VIP", 5000, "eur"));
    await refused(editor.updateTicketType({ ...type("Standard", 2000, "usd"), ticketTypeId: euros.id }));
    // The only paid type may change its own currency; it is compared with the others, not itself.
    const { event: solo } = await editor.create({ workspaceId, title: "One price", ...base });
    const only = await editor.createTicketType({ ...type("Only", 1000, "eur"), eventId: solo.id });
    const changed = await editor.updateTicketType({ ...type("Only", 1000, "usd"), ticketTypeId: only.id });
    expect(changed.currency).toBe("usd");
    const detail = await editor.get({ workspaceId, eventId: event.id });
    expect(detail.ticketTypes.map((t) => [t.name, t.priceCents > 0 ? t.currency : "free"])).toEqual([
      ["Standard", "eur"],
      ["Free", "free"],
      ["VIP", "eur"],
    ]);
  });
});

describe("the public page and buying", () => {
  it("reveals the join link only to ticket holders, and a free RSVP issues the ticket at once", async () => {
    const { event, types } = await publishedEvent();
    const fan = await createUser(t.db, { name: "Fay Fan" });
    const anonymous = await api(null).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(anonymous.access.allowed).toBe(true);
    expect(anonymous.event.joinUrl).toBeNull();
    expect(anonymous.ticketTypes.map((type) => [type.id, type.sales, type.remaining])).toEqual([
      [types[0].id, "open", 2],
    ]);
    const before = await api(fan).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(before.event.joinUrl).toBeNull();

    const reserved = await api(fan).events.reserve({
      workspaceId: team.workspace.id,
      eventId: event.id,
      lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
    });
    expect(reserved.status).toBe("issued");
    const after = await api(fan).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(after.event.joinUrl).toBe("https://meet.example.test/room");
    expect(after.yourTicketIds).toHaveLength(1);
    expect(after.ticketTypes[0]!.remaining).toBe(1);
    const team_ = await api(team.editor).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(team_.event.joinUrl).toBe("https://meet.example.test/room");
    const mine = await api(fan).events.listMyTickets({ workspaceId: team.workspace.id });
    expect(mine.map((ticket) => ticket.eventTitle)).toEqual(["Live Q&A"]);
  });

  it("a members-only event shows no tickets and sells nothing to a non-member; a member gets in", async () => {
    const tier = await insertTier(t.db, team.workspace.id, "Backstage", "paid");
    const { event, types } = await publishedEvent({
      title: "Backstage night",
      visibility: "tiers",
      visibilityTierIds: [tier.id],
    });
    const stranger = await createUser(t.db, { name: "Stan Stranger" });
    const anonymous = await api(null).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(anonymous.access).toMatchObject({ allowed: false, reason: "sign_in" });
    expect(anonymous.ticketTypes).toEqual([]);
    const line = { ticketTypeId: types[0].id, quantity: 1 };
    expect(
      await codeOf(api(stranger).events.reserve({ workspaceId: team.workspace.id, eventId: event.id, lines: [line] })),
    ).toBe("FORBIDDEN");
    const member = await audienceMember(t.db, team.workspace.id, tier);
    const page = await api(member).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(page.access).toMatchObject({ allowed: true, reason: "granted" });
    const reserved = await api(member).events.reserve({
      workspaceId: team.workspace.id,
      eventId: event.id,
      lines: [line],
    });
    expect(reserved.status).toBe("issued");
  });

  it("a paid order is held and opens the sandbox checkout carrying the hold", async () => {
    const { event, types } = await publishedEvent({ title: "Paid night" }, [{ priceCents: 2500, name: "Seat" }]);
    const buyer = await createUser(t.db, { name: "Bea Buyer" });
    const held = await api(buyer).events.reserve({
      workspaceId: team.workspace.id,
      eventId: event.id,
      lines: [{ ticketTypeId: types[0].id, quantity: 2 }],
    });
    expect(held).toMatchObject({ status: "held", totalCents: 5000 });
    const checkout = await api(buyer).events.startCheckout({ workspaceId: team.workspace.id, orderId: held.orderId });
    expect(checkout.url).toContain("/sandbox/checkout/");
    const [order] = await t.db.select().from(orders).where(eq(orders.id, held.orderId));
    expect(order).toMatchObject({ status: "pending", checkoutId: checkout.id, provider: "sandbox" });
    // Someone else's order cannot be taken to checkout.
    const other = await createUser(t.db, { name: "Otto Other" });
    expect(
      await codeOf(api(other).events.startCheckout({ workspaceId: team.workspace.id, orderId: held.orderId })),
    ).toBe("NOT_FOUND");
    // Both seats are held: the event reads as sold out, and a waitlist is open.
    const page = await api(other).events.getPublic({ workspaceId: team.workspace.id, eventId: event.id });
    expect(page.ticketTypes[0]!.sales).toBe("sold_out");
    const entry = await api(other).events.joinWaitlist({
      workspaceId: team.workspace.id,
      eventId: event.id,
      ticketTypeId: types[0].id,
      quantity: 1,
    });
    expect(entry.priority).toBe(1);
    const dashboard = await api(team.editor).events.getDashboard({ workspaceId: team.workspace.id, eventId: event.id });
    expect(dashboard.figures).toMatchObject({ sold: 0, held: 2, waitlist: 1 });

    // Raising the capacity offers the new seat to the waiter in the same transaction.
    expect(
      await codeOf(
        api(team.editor).events.update({
          workspaceId: team.workspace.id,
          eventId: event.id,
          title: "Paid night",
          ...base,
          capacity: 1,
        }),
      ),
    ).toBe("CONFLICT");
    await api(team.editor).events.update({
      workspaceId: team.workspace.id,
      eventId: event.id,
      title: "Paid night",
      ...base,
      capacity: 3,
    });
    const [offered] = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, entry.id));
    expect(offered!.status).toBe("offered");
  });
});

describe("the creator's views", () => {
  it("counts RSVPs, lists and searches attendees, exports them", async () => {
    const { event, types } = await publishedEvent({ title: "Counted", capacity: 10 });
    for (const name of ["Ann Attendee", "Bob Attendee"]) {
      const user = await createUser(t.db, { name });
      await api(user).events.reserve({
        workspaceId: team.workspace.id,
        eventId: event.id,
        lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      });
    }
    const w = { workspaceId: team.workspace.id, eventId: event.id };
    const dashboard = await api(team.editor).events.getDashboard(w);
    expect(dashboard.figures).toMatchObject({ sold: 2, held: 0, refunded: 0, revenueCents: 0 });
    expect(dashboard.days.reduce((sum, day) => sum + day.issued, 0)).toBe(2);
    const all = await api(team.editor).events.listAttendees(w);
    expect(all.items.map((a) => a.name)).toEqual(["Ann Attendee", "Bob Attendee"]);
    const found = await api(team.editor).events.listAttendees({ ...w, search: "bob" });
    expect(found.items.map((a) => a.name)).toEqual(["Bob Attendee"]);
    const exported = await api(team.editor).events.exportAttendees(w);
    expect(exported.rows.map((row) => row.name)).toEqual(["Ann Attendee", "Bob Attendee"]);
    const detail = await api(team.editor).events.get(w);
    expect(detail.ticketTypes[0]).toMatchObject({ sold: 2, held: 0 });
  });

  it("charts admissions per quarter hour of scan time, without undone check-ins or other events' scans", async () => {
    const { event, types } = await publishedEvent({ title: "Doors", capacity: 10 });
    const other = await publishedEvent({ title: "Next door", capacity: 10 });
    const w = { workspaceId: team.workspace.id, eventId: event.id };
    expect((await api(team.editor).events.getDashboard(w)).checkIns).toEqual({ bucketMinutes: 15, buckets: [] });
    const ticketIds: string[] = [];
    for (const [index, target] of [event, event, event, event, other.event].entries()) {
      const user = await createUser(t.db, { name: `Guest ${index}` });
      const reserved = await api(user).events.reserve({
        workspaceId: team.workspace.id,
        eventId: target.id,
        lines: [{ ticketTypeId: (target === event ? types : other.types)[0].id, quantity: 1 }],
      });
      if (reserved.status !== "issued") throw new Error("a free RSVP issues its ticket at once");
      ticketIds.push(reserved.ticketIds[0]);
    }
    const scan = (index: number, scannedAt: string, undone = false) => ({
      workspaceId: team.workspace.id,
      eventId: index === 4 ? other.event.id : event.id,
      ticketId: ticketIds[index]!,
      nonce: `nonce-${event.id}-${index}`,
      scannedAt: new Date(scannedAt),
      deviceId: "gate-1",
      undoneAt: undone ? new Date(scannedAt) : null,
    });
    await t.db.insert(checkIns).values([
      // 19:02 and 19:14 Berlin time share the 19:00 quarter; 19:31 is two quarters later, 19:15 stays empty.
      scan(0, "2030-03-14T18:02:00Z"),
      scan(1, "2030-03-14T18:14:59Z"),
      scan(2, "2030-03-14T18:31:00Z"),
      scan(3, "2030-03-14T18:50:00Z", true),
      scan(4, "2030-03-14T18:05:00Z"),
    ]);
    const dashboard = await api(team.editor).events.getDashboard(w);
    expect(dashboard.checkIns).toEqual({
      bucketMinutes: 15,
      buckets: [
        { startsAt: new Date("2030-03-14T18:00:00Z"), checkedIn: 2 },
        { startsAt: new Date("2030-03-14T18:15:00Z"), checkedIn: 0 },
        { startsAt: new Date("2030-03-14T18:30:00Z"), checkedIn: 1 },
      ],
    });

    // A second day of doors two days later: the span goes hourly rather than drawing 200 thin bars.
    await t.db.insert(checkIns).values({ ...scan(3, "2030-03-16T18:20:00Z"), nonce: `nonce-${event.id}-later` });
    const later = (await api(team.editor).events.getDashboard(w)).checkIns;
    expect(later.bucketMinutes).toBe(60);
    expect(later.buckets).toHaveLength(49);
    expect(later.buckets[0]).toEqual({ startsAt: new Date("2030-03-14T18:00:00Z"), checkedIn: 3 });
    expect(later.buckets.at(-1)).toEqual({ startsAt: new Date("2030-03-16T18:00:00Z"), checkedIn: 1 });
    expect(later.buckets.reduce((sum, b) => sum + b.checkedIn, 0)).toBe(4);
  });
});

describe("attendee emails go out promptly", () => {
  it("queues each email its mutation recorded as soon as the mutation returns, without waiting for the sweep", async () => {
    const { event, types } = await publishedEvent({ title: "Prompt mail", capacity: 5 });
    const workspaceId = team.workspace.id;
    const fan = await createUser(t.db, { name: "Prompt Fan", email: `prompt-fan-${Date.now()}@example.test` });
    const mailTo = (address: string) =>
      t.db.select({ id: emails.id, subject: emails.subject }).from(emails).where(eq(emails.to, address));

    // A free RSVP: its confirmation is queued by the time the call returns.
    const buying = callerFor(t.db, fan);
    const reserved = await buying.api.events.reserve({
      workspaceId,
      eventId: event.id,
      lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
    });
    if (reserved.status !== "issued") throw new Error("a free RSVP issues its ticket at once");
    const [confirmation] = await mailTo(fan.email);
    expect(buying.emails.jobs(SEND_EMAIL_JOB)).toEqual([{ emailId: confirmation!.id }]);

    // A refused mutation queues nothing (its transaction wrote nothing to send).
    const refused = callerFor(t.db, fan);
    await expect(
      refused.api.events.transferTicket({
        workspaceId,
        ticketId: reserved.ticketIds[0],
        email: fan.email,
        name: "Myself",
      }),
    ).rejects.toThrow("This ticket is already yours.");
    expect(refused.emails.sent).toEqual([]);

    // A transfer: the new holder's email is queued at once.
    const friendEmail = `prompt-friend-${Date.now()}@example.test`;
    const giving = callerFor(t.db, fan);
    await giving.api.events.transferTicket({
      workspaceId,
      ticketId: reserved.ticketIds[0],
      email: friendEmail,
      name: "Prompt Friend",
    });
    const toFriend = await mailTo(friendEmail);
    expect(toFriend).toHaveLength(1);
    expect(giving.emails.jobs(SEND_EMAIL_JOB)).toEqual([{ emailId: toFriend[0]!.id }]);

    // The creator moves the event: the holder's change email is queued with the save.
    const editing = callerFor(t.db, team.editor);
    await editing.api.events.update({
      workspaceId,
      eventId: event.id,
      title: "Prompt mail",
      ...base,
      capacity: 5,
      startsAt: "2030-03-14T20:00",
      endsAt: "2030-03-14T22:00",
    });
    const change = (await mailTo(friendEmail)).filter((mail) => mail.id !== toFriend[0]!.id);
    expect(change).toHaveLength(1);
    expect(editing.emails.jobs(SEND_EMAIL_JOB)).toEqual([{ emailId: change[0]!.id }]);
  });
});

describe("what a viewer is offered", () => {
  it("a buyer holding the only seat is not offered the waitlist nor let onto it; someone else is", async () => {
    const { event, types } = await publishedEvent({ title: "One seat", capacity: 1 });
    const workspaceId = team.workspace.id;
    const holder = await createUser(t.db, { name: "Sol Seat" });
    const other = await createUser(t.db, { name: "Wyn Waiting" });
    const line = { ticketTypeId: types[0].id, quantity: 1 };
    expect((await api(holder).events.reserve({ workspaceId, eventId: event.id, lines: [line] })).status).toBe("issued");

    const holderPage = await api(holder).events.getPublic({ workspaceId, eventId: event.id });
    expect(holderPage.ticketTypes.map((type) => [type.sales, type.waitlist])).toEqual([["sold_out", false]]);
    const otherPage = await api(other).events.getPublic({ workspaceId, eventId: event.id });
    expect(otherPage.ticketTypes.map((type) => [type.sales, type.waitlist])).toEqual([["sold_out", true]]);

    const join = (user: TestUser) =>
      api(user).events.joinWaitlist({ workspaceId, eventId: event.id, ticketTypeId: types[0].id, quantity: 1 });
    const refused = await join(holder).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: "The seats of “Type 0” are all taken by your own tickets: nobody else can give one back.",
    });
    await join(other);
    const waiting = await t.db.select().from(waitlistEntries).where(eq(waitlistEntries.eventId, event.id));
    expect(waiting.map((entry) => entry.userId)).toEqual([other.id]);
  });

  it("a buyer holding one of two sold seats is offered the waitlist: the other holder could free theirs", async () => {
    const { event, types } = await publishedEvent({ title: "Two seats", capacity: 2 });
    const workspaceId = team.workspace.id;
    const [first, second] = [await createUser(t.db, { name: "Fir St" }), await createUser(t.db, { name: "Sec Ond" })];
    const line = { ticketTypeId: types[0].id, quantity: 1 };
    await api(first).events.reserve({ workspaceId, eventId: event.id, lines: [line] });
    await api(second).events.reserve({ workspaceId, eventId: event.id, lines: [line] });
    const page = await api(first).events.getPublic({ workspaceId, eventId: event.id });
    expect(page.ticketTypes.map((type) => [type.sales, type.waitlist])).toEqual([["sold_out", true]]);
    const entry = await api(first).events.joinWaitlist({
      workspaceId,
      eventId: event.id,
      ticketTypeId: types[0].id,
      quantity: 1,
    });
    expect(entry.id).toBeTruthy();
  });

  it("a canceled event's ticket types, promo codes and details can no longer change", async () => {
    const { event, types } = await publishedEvent({ title: "Called off" });
    const workspaceId = team.workspace.id;
    await api(team.owner).events.cancelEvent({ workspaceId, eventId: event.id, reason: "Venue flooded" });
    const editor = api(team.editor).events;
    const ticketType = { name: "Late addition", priceCents: 0 };
    expect(await codeOf(editor.createTicketType({ workspaceId, eventId: event.id, ...ticketType }))).toBe("CONFLICT");
    expect(await codeOf(editor.updateTicketType({ workspaceId, ticketTypeId: types[0].id, ...ticketType }))).toBe(
      "CONFLICT",
    );
    expect(
      await codeOf(
        editor.createPromoCode({ workspaceId, eventId: event.id, code: "late", kind: "percent", value: 10 }),
      ),
    ).toBe("CONFLICT");
    expect(await codeOf(editor.update({ workspaceId, eventId: event.id, title: "Called off", ...base }))).toBe(
      "CONFLICT",
    );
    const detail = await editor.get({ workspaceId, eventId: event.id });
    expect(detail.ticketTypes.map((type) => type.name)).toEqual(["Type 0"]);
    expect(detail.promoCodes).toEqual([]);
  });
});
