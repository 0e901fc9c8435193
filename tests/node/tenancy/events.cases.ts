import { expect } from "vitest";
import { insertMedia, insertShow } from "../../support/podcasts";
import { insertTier } from "../../support/posts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

const TIMES = { timeZone: "Europe/Berlin", startsAt: "2030-03-12T19:00", endsAt: "2030-03-12T21:00" };

/** Tenant A's event (with its cover, tier, ticket type and promo code) and the outsider's own event in B. */
async function content({ db, a, b, outsider, api }: Tenants) {
  const cover = await insertMedia(db, a.workspace.id, { kind: "image", status: "ready" });
  const tier = await insertTier(db, a.workspace.id, { name: "A's tier" });
  const { event } = await api(a.editor).events.create({
    workspaceId: a.workspace.id,
    title: "A's event",
    kind: "in_person",
    ...TIMES,
    venue: "Hall",
    joinUrl: null,
    coverMediaId: cover.id,
    capacity: 100,
    visibility: "tiers",
    visibilityTierIds: [tier.id],
  });
  const type = await api(a.editor).events.createTicketType({
    workspaceId: a.workspace.id,
    eventId: event.id,
    name: "General",
    memberTierIds: [tier.id],
    memberPriceCents: 0,
  });
  const code = await api(a.editor).events.createPromoCode({
    workspaceId: a.workspace.id,
    eventId: event.id,
    code: "FRIENDS",
    kind: "percent",
    value: 10,
  });
  const { event: own } = await api(outsider).events.create({
    workspaceId: b.id,
    title: "B's event",
    kind: "online",
    ...TIMES,
    joinUrl: "https://meet.example.test/b",
    capacity: null,
  });
  return { cover, tier, event, type, code, own };
}

const fieldsOf = (title: string) => ({
  title,
  kind: "in_person" as const,
  ...TIMES,
  joinUrl: null,
  capacity: 50,
});

/** An event of A's that has ended, a show and ready audio of A's: what a recording needs (ADR 034). */
async function endedEvent({ db, a, api }: Tenants) {
  const { event } = await api(a.editor).events.create({
    workspaceId: a.workspace.id,
    title: "A's past event",
    kind: "online",
    timeZone: "UTC",
    startsAt: "2024-03-12T19:00",
    endsAt: "2024-03-12T21:00",
    joinUrl: "https://meet.example.test/a",
    capacity: null,
  });
  const show = await insertShow(db, a.workspace.id);
  const audio = await insertMedia(db, a.workspace.id, { kind: "audio", status: "ready", durationSeconds: 60 });
  return { event, show, audio };
}

export const cases: Record<string, TenancyCase> = {
  "events.publishRecording": {
    async allow(x) {
      const { event, show, audio } = await endedEvent(x);
      const recording = { kind: "episode" as const, showId: show.id, audioMediaId: audio.id, title: "Recording" };
      const made = await x
        .api(x.a.editor)
        .events.publishRecording({ workspaceId: x.a.workspace.id, eventId: event.id, recording });
      expect(made.created).toBe(true);
      expect(made.recording).toMatchObject({ kind: "episode", eventId: event.id, status: "draft" });
    },
    async foreign(x) {
      const { event, show, audio } = await endedEvent(x);
      const recording = { kind: "episode" as const, showId: show.id, audioMediaId: audio.id, title: "Recording" };
      await expectNotFound(
        x.api(x.outsider).events.publishRecording({ workspaceId: x.a.workspace.id, eventId: event.id, recording }),
      );
      await expectNotFound(
        x.api(x.outsider).events.publishRecording({ workspaceId: x.b.id, eventId: event.id, recording }),
      );
    },
  },
  "events.list": {
    async allow(x) {
      const { event } = await content(x);
      const list = await x.api(x.a.editor).events.list({ workspaceId: x.a.workspace.id });
      expect(list.map((e) => e.id)).toEqual([event.id]);
    },
    async foreign(x) {
      await content(x);
      await expectNotFound(x.api(x.outsider).events.list({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).events.list({ workspaceId: x.b.id });
      expect(own.map((e) => e.title)).toEqual(["B's event"]);
    },
  },
  "events.get": {
    async allow(x) {
      const { event, type, code } = await content(x);
      const got = await x.api(x.a.editor).events.get({ workspaceId: x.a.workspace.id, eventId: event.id });
      expect(got.event.title).toBe("A's event");
      expect(got.ticketTypes.map((t) => t.id)).toEqual([type.id]);
      expect(got.promoCodes.map((c) => c.id)).toEqual([code.id]);
    },
    async foreign(x) {
      const { event } = await content(x);
      await expectNotFound(x.api(x.outsider).events.get({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(x.api(x.outsider).events.get({ workspaceId: x.b.id, eventId: event.id }));
    },
  },
  "events.create": {
    async allow(x) {
      const { cover, tier } = await content(x);
      const { event, seriesEventIds } = await x.api(x.a.editor).events.create({
        workspaceId: x.a.workspace.id,
        ...fieldsOf("Series"),
        coverMediaId: cover.id,
        visibility: "tiers",
        visibilityTierIds: [tier.id],
        recurrence: { frequency: "weekly", interval: 1, count: 3 },
      });
      expect(event).toMatchObject({ title: "Series", coverMediaId: cover.id, visibilityTierIds: [tier.id] });
      expect(seriesEventIds).toHaveLength(3);
    },
    async foreign(x) {
      const { cover, tier } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.create({ workspaceId: x.a.workspace.id, ...fieldsOf("Hijack") }));
      // A's media and tier addressed from the outsider's own workspace.
      await expectNotFound(api.create({ workspaceId: x.b.id, ...fieldsOf("x"), coverMediaId: cover.id }));
      await expectNotFound(
        api.create({ workspaceId: x.b.id, ...fieldsOf("x"), visibility: "tiers", visibilityTierIds: [tier.id] }),
      );
    },
  },
  "events.update": {
    async allow(x) {
      const { event } = await content(x);
      const updated = await x
        .api(x.a.editor)
        .events.update({ workspaceId: x.a.workspace.id, eventId: event.id, ...fieldsOf("Renamed") });
      expect(updated).toMatchObject({ title: "Renamed", capacity: 50 });
    },
    async foreign(x) {
      const { event, own, cover, tier } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.update({ workspaceId: x.a.workspace.id, eventId: event.id, ...fieldsOf("H") }));
      await expectNotFound(api.update({ workspaceId: x.b.id, eventId: event.id, ...fieldsOf("H") }));
      await expectNotFound(
        api.update({ workspaceId: x.b.id, eventId: own.id, ...fieldsOf("H"), coverMediaId: cover.id }),
      );
      await expectNotFound(
        api.update({
          workspaceId: x.b.id,
          eventId: own.id,
          ...fieldsOf("H"),
          visibility: "tiers",
          visibilityTierIds: [tier.id],
        }),
      );
    },
  },
  "events.publish": {
    async allow(x) {
      const { event } = await content(x);
      const published = await x.api(x.a.editor).events.publish({ workspaceId: x.a.workspace.id, eventId: event.id });
      expect(published.status).toBe("published");
    },
    async foreign(x) {
      const { event } = await content(x);
      await expectNotFound(x.api(x.outsider).events.publish({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(x.api(x.outsider).events.publish({ workspaceId: x.b.id, eventId: event.id }));
    },
  },
  "events.createTicketType": {
    async allow(x) {
      const { event, tier } = await content(x);
      const type = await x.api(x.a.editor).events.createTicketType({
        workspaceId: x.a.workspace.id,
        eventId: event.id,
        name: "VIP",
        priceCents: 5000,
        earlyAccessTierIds: [tier.id],
        earlyAccessStartAt: "2030-03-01T10:00",
      });
      expect(type).toMatchObject({ name: "VIP", earlyAccessTierIds: [tier.id] });
    },
    async foreign(x) {
      const { event, own, tier } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.createTicketType({ workspaceId: x.a.workspace.id, eventId: event.id, name: "H" }));
      await expectNotFound(api.createTicketType({ workspaceId: x.b.id, eventId: event.id, name: "H" }));
      await expectNotFound(
        api.createTicketType({
          workspaceId: x.b.id,
          eventId: own.id,
          name: "H",
          memberTierIds: [tier.id],
          memberPriceCents: 0,
        }),
      );
    },
  },
  "events.updateTicketType": {
    async allow(x) {
      const { type } = await content(x);
      const updated = await x.api(x.a.editor).events.updateTicketType({
        workspaceId: x.a.workspace.id,
        ticketTypeId: type.id,
        name: "Standard",
        quantity: 20,
      });
      expect(updated).toMatchObject({ name: "Standard", quantity: 20 });
    },
    async foreign(x) {
      const { type } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.updateTicketType({ workspaceId: x.a.workspace.id, ticketTypeId: type.id, name: "H" }));
      await expectNotFound(api.updateTicketType({ workspaceId: x.b.id, ticketTypeId: type.id, name: "H" }));
    },
  },
  "events.setTicketTypeArchived": {
    async allow(x) {
      const { type } = await content(x);
      const archived = await x
        .api(x.a.editor)
        .events.setTicketTypeArchived({ workspaceId: x.a.workspace.id, ticketTypeId: type.id, archived: true });
      expect(archived.archivedAt).not.toBeNull();
    },
    async foreign(x) {
      const { type } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(
        api.setTicketTypeArchived({ workspaceId: x.a.workspace.id, ticketTypeId: type.id, archived: true }),
      );
      await expectNotFound(api.setTicketTypeArchived({ workspaceId: x.b.id, ticketTypeId: type.id, archived: true }));
    },
  },
  "events.createPromoCode": {
    async allow(x) {
      const { event, type } = await content(x);
      const code = await x.api(x.a.editor).events.createPromoCode({
        workspaceId: x.a.workspace.id,
        eventId: event.id,
        code: "Early",
        kind: "amount",
        value: 500,
        ticketTypeIds: [type.id],
      });
      expect(code).toMatchObject({ code: "early", ticketTypeIds: [type.id] });
    },
    async foreign(x) {
      const { event, own, type } = await content(x);
      const api = x.api(x.outsider).events;
      const fields = { code: "HIJACK", kind: "percent" as const, value: 50 };
      await expectNotFound(api.createPromoCode({ workspaceId: x.a.workspace.id, eventId: event.id, ...fields }));
      await expectNotFound(api.createPromoCode({ workspaceId: x.b.id, eventId: event.id, ...fields }));
      await expectNotFound(
        api.createPromoCode({ workspaceId: x.b.id, eventId: own.id, ...fields, ticketTypeIds: [type.id] }),
      );
    },
  },
  "events.deletePromoCode": {
    async allow(x) {
      const { code } = await content(x);
      expect(
        await x.api(x.a.editor).events.deletePromoCode({ workspaceId: x.a.workspace.id, promoCodeId: code.id }),
      ).toEqual({ id: code.id });
    },
    async foreign(x) {
      const { code, event } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.deletePromoCode({ workspaceId: x.a.workspace.id, promoCodeId: code.id }));
      await expectNotFound(api.deletePromoCode({ workspaceId: x.b.id, promoCodeId: code.id }));
      const still = await x.api(x.a.editor).events.get({ workspaceId: x.a.workspace.id, eventId: event.id });
      expect(still.promoCodes.map((c) => c.id)).toEqual([code.id]);
    },
  },
  "events.getDashboard": {
    async allow(x) {
      const { event } = await content(x);
      const dashboard = await x
        .api(x.a.editor)
        .events.getDashboard({ workspaceId: x.a.workspace.id, eventId: event.id });
      expect(dashboard.event.title).toBe("A's event");
      expect(dashboard.figures).toMatchObject({ sold: 0, held: 0, waitlist: 0 });
    },
    async foreign(x) {
      const { event } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.getDashboard({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(api.getDashboard({ workspaceId: x.b.id, eventId: event.id }));
    },
  },
  "events.listAttendees": {
    async allow(x) {
      const { event } = await content(x);
      const list = await x
        .api(x.a.editor)
        .events.listAttendees({ workspaceId: x.a.workspace.id, eventId: event.id, search: "" });
      expect(list).toEqual({ items: [], hasMore: false, page: 1 });
    },
    async foreign(x) {
      const { event } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.listAttendees({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(api.listAttendees({ workspaceId: x.b.id, eventId: event.id }));
    },
  },
  "events.exportAttendees": {
    async allow(x) {
      const { event } = await content(x);
      const exported = await x
        .api(x.a.editor)
        .events.exportAttendees({ workspaceId: x.a.workspace.id, eventId: event.id });
      expect(exported).toEqual({ event: { id: event.id, title: "A's event" }, rows: [] });
    },
    async foreign(x) {
      const { event } = await content(x);
      const api = x.api(x.outsider).events;
      await expectNotFound(api.exportAttendees({ workspaceId: x.a.workspace.id, eventId: event.id }));
      await expectNotFound(api.exportAttendees({ workspaceId: x.b.id, eventId: event.id }));
    },
  },
};
