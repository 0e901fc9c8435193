import { eq } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../db/schema";
import { publicEventIcs, ticketIcs } from "../../server/services/events/calendar";
import { renderEventIcs } from "../../server/services/events/ics";
import { registerEventsPaymentHandler } from "../../server/services/events/orders";
import { reserveTickets } from "../../server/services/events/reserve";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertBuyers, insertEvent } from "../support/events";
import { createUser, createWorkspace } from "../support/factories";

const APP_URL = "http://greenroom.test";
const NOW = new Date("2026-10-01T12:00:00.000Z");

/** Reads a calendar back with an independent parser (ical.js), as a calendar app would. */
function parse(body: string) {
  const calendar = new ICAL.Component(ICAL.parse(body));
  const vevent = calendar.getFirstSubcomponent("vevent")!;
  const event = new ICAL.Event(vevent);
  return {
    method: calendar.getFirstPropertyValue("method"),
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    location: event.location,
    description: event.description,
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    status: vevent.getFirstPropertyValue("status"),
    organizer: vevent.getFirstPropertyValue("organizer"),
    attendee: vevent.getFirstPropertyValue("attendee"),
  };
}

let t: TestDatabase;
let workspaceId: string;
let otherWorkspaceId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const owner = await createUser(t.db, { name: "Olive Owner" });
  workspaceId = (await createWorkspace(t.db, owner, "Events studio")).id;
  otherWorkspaceId = (await createWorkspace(t.db, owner, "Elsewhere")).id;
  registerEventsPaymentHandler(APP_URL);
});
afterAll(() => t.close());

describe("renderEventIcs", () => {
  // Berlin leaves summer time at 03:00 CEST on 2026-10-25: 01:30 CEST (+02) to 03:30 CET (+01) is four hours.
  const event = {
    id: "6f1c2a1e-7d3b-4c55-9a7e-0d2f4b1a9c01",
    title: 'Late show; "night", part 2',
    description: "Doors at 01:00.\nBring a friend.",
    startsAt: new Date("2026-10-24T23:30:00.000Z"),
    endsAt: new Date("2026-10-25T02:30:00.000Z"),
    timeZone: "Europe/Berlin",
    venue: "Kulturhaus, Berlin",
    status: "published" as const,
    icsSequence: 3,
    updatedAt: NOW,
  };

  it("reads back exactly across a DST change in a non-UTC zone", async () => {
    const parsed = parse(
      await renderEventIcs({
        event,
        method: "PUBLISH",
        url: `${APP_URL}/e`,
        joinUrl: null,
        uidDomain: "greenroom.test",
      }),
    );
    expect(parsed).toMatchObject({
      method: "PUBLISH",
      uid: `event-${event.id}@greenroom.test`,
      sequence: 3,
      summary: event.title,
      location: event.venue,
      status: "CONFIRMED",
      organizer: null,
    });
    expect(parsed.start.toISOString()).toBe("2026-10-24T23:30:00.000Z");
    expect(parsed.end.toISOString()).toBe("2026-10-25T02:30:00.000Z");
    expect(parsed.end.getTime() - parsed.start.getTime()).toBe(3 * 3600_000);
    expect(parsed.description).toContain("Bring a friend.");
  });

  it("invites with ORGANIZER and ATTENDEE (REQUEST) and cancels with the same UID and a higher SEQUENCE", async () => {
    const invite = parse(
      await renderEventIcs({
        event,
        method: "REQUEST",
        url: `${APP_URL}/e`,
        joinUrl: "https://meet.example/abc",
        organizer: { name: "Events studio", email: "events@greenroom.test" },
        attendee: { name: "Ada", email: "ada@example.test" },
        uidDomain: "greenroom.test",
      }),
    );
    expect(invite).toMatchObject({
      method: "REQUEST",
      organizer: "mailto:events@greenroom.test",
      attendee: "MAILTO:ada@example.test",
    });
    expect(invite.location).toContain("https://meet.example/abc");
    const cancel = parse(
      await renderEventIcs({
        event: { ...event, status: "canceled", icsSequence: 4 },
        method: "CANCEL",
        url: `${APP_URL}/e`,
        joinUrl: null,
        organizer: { name: "Events studio", email: "events@greenroom.test" },
        attendee: { name: "Ada", email: "ada@example.test" },
        uidDomain: "greenroom.test",
      }),
    );
    expect(cancel).toMatchObject({ method: "CANCEL", uid: invite.uid, status: "CANCELLED" });
    expect(cancel.sequence).toBeGreaterThan(invite.sequence);
  });
});

describe("event and ticket downloads", () => {
  it("gives the public event without its join link, the holder's ticket with it, and nothing across workspaces", async () => {
    const { event, types } = await insertEvent(t.db, workspaceId, { capacity: 5 });
    await t.db
      .update(events)
      .set({ kind: "hybrid", joinUrl: "https://meet.example/secret" })
      .where(eq(events.id, event.id));
    const [holder, stranger] = await insertBuyers(t.db, 2, "ics");
    const reserved = await reserveTickets({
      db: t.db,
      workspaceId,
      eventId: event.id,
      userId: holder.id,
      lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      now: NOW,
      appUrl: APP_URL,
    });
    if (reserved.status !== "issued") throw new Error("expected a free ticket");
    const ticketId = reserved.ticketIds[0];
    const base = { db: t.db, eventId: event.id, appUrl: APP_URL, now: NOW };

    const anonymous = await publicEventIcs({ ...base, workspaceId, auth: null });
    expect(parse(anonymous!)).toMatchObject({ summary: "Live taping", location: "Kulturhaus, Berlin" });
    expect(anonymous).not.toContain("meet.example/secret");
    const asStranger = await publicEventIcs({ ...base, workspaceId, auth: { user: { id: stranger.id } } });
    expect(asStranger).not.toContain("meet.example/secret");
    const asHolder = await publicEventIcs({ ...base, workspaceId, auth: { user: { id: holder.id } } });
    expect(parse(asHolder!).location).toContain("https://meet.example/secret");
    expect(await publicEventIcs({ ...base, workspaceId: otherWorkspaceId, auth: null })).toBeNull();

    const ticket = await ticketIcs({ db: t.db, workspaceId, ticketId, userId: holder.id, appUrl: APP_URL });
    expect(parse(ticket!)).toMatchObject({ method: "PUBLISH", uid: `event-${event.id}@greenroom.test` });
    expect(ticket).toContain("meet.example/secret");
    expect(await ticketIcs({ db: t.db, workspaceId, ticketId, userId: stranger.id, appUrl: APP_URL })).toBeNull();
    expect(
      await ticketIcs({ db: t.db, workspaceId: otherWorkspaceId, ticketId, userId: holder.id, appUrl: APP_URL }),
    ).toBeNull();
  });

  it("keeps members-only events and drafts out of anonymous downloads", async () => {
    const { event: members } = await insertEvent(t.db, workspaceId, { visibility: "members" });
    const { event: draft } = await insertEvent(t.db, workspaceId, { status: "draft" });
    const base = { db: t.db, workspaceId, appUrl: APP_URL, now: NOW, auth: null };
    expect(await publicEventIcs({ ...base, eventId: members.id })).toBeNull();
    expect(await publicEventIcs({ ...base, eventId: draft.id })).toBeNull();
  });
});
