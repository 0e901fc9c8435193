import { expect } from "vitest";
import { addSteward, eventWithTicket, scanOf } from "../../support/checkin";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/**
 * Check-in procedures: a steward of tenant A is allowed; the outsider (tenant B's owner) gets NOT_FOUND for A's
 * workspace, and for A's event and tickets addressed through B's own workspace. A's editor also gets NOT_FOUND for a
 * ticket of another event of A, or of B, named inside A's event.
 */
async function setUp(x: Tenants) {
  const a = await eventWithTicket(x.db, x.a.workspace.id);
  const otherEventOfA = await eventWithTicket(x.db, x.a.workspace.id, "Otto Other");
  const b = await eventWithTicket(x.db, x.b.id, "Bea B-holder");
  const steward = await addSteward(x.db, x.a.workspace.id);
  return { a, otherEventOfA, b, steward };
}

const device = { deviceId: "device-0123456789abcdef", deviceLabel: "North gate" };

export const cases: Record<string, TenancyCase> = {
  "checkin.getOfflineList": {
    async allow(x) {
      const { a, steward } = await setUp(x);
      const list = await x.api(steward).checkin.getOfflineList({ workspaceId: x.a.workspace.id, eventId: a.event.id });
      expect(list.tickets.map((t) => t.id)).toEqual([a.ticketId]);
      expect(list.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    },
    async foreign(x) {
      const { a, b } = await setUp(x);
      const api = x.api(x.outsider).checkin;
      await expectNotFound(api.getOfflineList({ workspaceId: x.a.workspace.id, eventId: a.event.id }));
      await expectNotFound(api.getOfflineList({ workspaceId: x.b.id, eventId: a.event.id }));
      await expectNotFound(
        x.api(x.a.editor).checkin.getOfflineList({ workspaceId: x.a.workspace.id, eventId: b.event.id }),
      );
    },
  },
  "checkin.syncScans": {
    async allow(x) {
      const { a, steward } = await setUp(x);
      const [result] = await x.api(steward).checkin.syncScans({
        workspaceId: x.a.workspace.id,
        eventId: a.event.id,
        ...device,
        scans: [scanOf(a.ticketId)],
      });
      expect(result).toMatchObject({ outcome: "admitted", ticketId: a.ticketId });
    },
    async foreign(x) {
      const { a, otherEventOfA, b } = await setUp(x);
      const api = x.api(x.outsider).checkin;
      await expectNotFound(
        api.syncScans({ workspaceId: x.a.workspace.id, eventId: a.event.id, ...device, scans: [scanOf(a.ticketId)] }),
      );
      await expectNotFound(
        api.syncScans({ workspaceId: x.b.id, eventId: a.event.id, ...device, scans: [scanOf(a.ticketId)] }),
      );
      await expectNotFound(
        api.syncScans({ workspaceId: x.b.id, eventId: b.event.id, ...device, scans: [scanOf(a.ticketId)] }),
      );
      const editor = x.api(x.a.editor).checkin;
      for (const ticketId of [b.ticketId, otherEventOfA.ticketId]) {
        await expectNotFound(
          editor.syncScans({
            workspaceId: x.a.workspace.id,
            eventId: a.event.id,
            ...device,
            scans: [scanOf(a.ticketId), scanOf(ticketId)],
          }),
        );
      }
      // Nothing of a refused batch was admitted.
      const counts = await editor.getCounts({ workspaceId: x.a.workspace.id, eventId: a.event.id });
      expect(counts.lists).toEqual([]);
    },
  },
  "checkin.undo": {
    async allow(x) {
      const { a, steward } = await setUp(x);
      const api = x.api(steward).checkin;
      const [scan] = await api.syncScans({
        workspaceId: x.a.workspace.id,
        eventId: a.event.id,
        ...device,
        scans: [scanOf(a.ticketId)],
      });
      if (scan.outcome !== "admitted") throw new Error("expected the scan to admit");
      expect(
        await api.undo({ workspaceId: x.a.workspace.id, eventId: a.event.id, checkInId: scan.checkIn.id, reason: "" }),
      ).toEqual({ ok: true });
    },
    async foreign(x) {
      const { a, b, steward } = await setUp(x);
      const [scan] = await x.api(steward).checkin.syncScans({
        workspaceId: x.a.workspace.id,
        eventId: a.event.id,
        ...device,
        scans: [scanOf(a.ticketId)],
      });
      if (scan.outcome !== "admitted") throw new Error("expected the scan to admit");
      const checkInId = scan.checkIn.id;
      const api = x.api(x.outsider).checkin;
      await expectNotFound(api.undo({ workspaceId: x.a.workspace.id, eventId: a.event.id, checkInId }));
      await expectNotFound(api.undo({ workspaceId: x.b.id, eventId: a.event.id, checkInId }));
      await expectNotFound(api.undo({ workspaceId: x.b.id, eventId: b.event.id, checkInId }));
      // A's own check-in named under another of A's events is not found either.
      await expectNotFound(
        x.api(x.a.editor).checkin.undo({ workspaceId: x.a.workspace.id, eventId: b.event.id, checkInId }),
      );
    },
  },
  "checkin.searchTickets": {
    async allow(x) {
      const { a, steward } = await setUp(x);
      const rows = await x
        .api(steward)
        .checkin.searchTickets({ workspaceId: x.a.workspace.id, eventId: a.event.id, query: "hana" });
      expect(rows).toEqual([expect.objectContaining({ id: a.ticketId, holderName: "Hana Holder", checkIn: null })]);
    },
    async foreign(x) {
      const { a, b } = await setUp(x);
      const api = x.api(x.outsider).checkin;
      await expectNotFound(api.searchTickets({ workspaceId: x.a.workspace.id, eventId: a.event.id, query: "hana" }));
      await expectNotFound(api.searchTickets({ workspaceId: x.b.id, eventId: a.event.id, query: "hana" }));
      await expectNotFound(
        x.api(x.a.editor).checkin.searchTickets({ workspaceId: x.a.workspace.id, eventId: b.event.id, query: "bea" }),
      );
    },
  },
  "checkin.getCounts": {
    async allow(x) {
      const { a, steward } = await setUp(x);
      const counts = await x.api(steward).checkin.getCounts({ workspaceId: x.a.workspace.id, eventId: a.event.id });
      expect(counts).toMatchObject({ validTickets: 1, lists: [] });
    },
    async foreign(x) {
      const { a, b } = await setUp(x);
      const api = x.api(x.outsider).checkin;
      await expectNotFound(api.getCounts({ workspaceId: x.a.workspace.id, eventId: a.event.id }));
      await expectNotFound(api.getCounts({ workspaceId: x.b.id, eventId: a.event.id }));
      await expectNotFound(x.api(x.a.editor).checkin.getCounts({ workspaceId: x.a.workspace.id, eventId: b.event.id }));
    },
  },
};
