import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import jsQR from "jsqr";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, tickets } from "../../db/schema";
import { importTicketPublicKey, verifyTicketCode } from "../../server/services/checkin/ticket-code";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { addSteward, eventWithTicket, scanOf } from "../support/checkin";
import { EVENT_START } from "../support/events";
import { createTeam, createUser, type TestUser } from "../support/factories";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let steward: TestUser;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await createTeam(t.db, "Door studio");
  steward = await addSteward(t.db, team.workspace.id);
});
afterAll(() => t.close());

const device = { deviceId: "device-0123456789abcdef", deviceLabel: "North gate" };

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

/** Rasterises the SVG (sharp's librsvg) and reads it back with jsQR: a decoder that shares no code with uqr. */
async function decodeSvg(svg: string) {
  const { data, info } = await sharp(Buffer.from(svg))
    .resize(480)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data ?? null;
}

describe("the holder's ticket", () => {
  it("carries a QR code whose text an independent decoder reads and the offline key verifies", async () => {
    const { event, holder, ticketId } = await eventWithTicket(t.db, team.workspace.id);
    const pass = await callerFor(t.db, holder).api.checkin.getTicketPass({ workspaceId: team.workspace.id, ticketId });
    expect(pass).toMatchObject({ ticket: { id: ticketId, status: "valid", holderName: "Hana Holder" } });
    expect(pass.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const decoded = await decodeSvg(pass.qrSvg!);
    expect(decoded).toBe(pass.code);

    const list = await callerFor(t.db, steward).api.checkin.getOfflineList({
      workspaceId: team.workspace.id,
      eventId: event.id,
    });
    const publicKey = await importTicketPublicKey(list.publicKey);
    const verify = (code: string, eventId = event.id, workspaceId = team.workspace.id) =>
      verifyTicketCode({ publicKey, workspaceId, eventId, code });
    expect(await verify(decoded!)).toEqual({ ticketId, secretVersion: 1 });
    // Moved to another event, another workspace, or altered in any character: refused.
    expect(await verify(decoded!, crypto.randomUUID())).toBeNull();
    expect(await verify(decoded!, event.id, crypto.randomUUID())).toBeNull();
    const tampered = decoded!.replace(".1.", ".2.");
    expect(await verify(tampered)).toBeNull();
    const flipped = decoded!.slice(0, -3) + (decoded!.at(-3) === "A" ? "B" : "A") + decoded!.slice(-2);
    expect(await verify(flipped)).toBeNull();
  });

  it("is the holder's alone: anyone else, or another workspace's id, gets NOT_FOUND", async () => {
    const { ticketId } = await eventWithTicket(t.db, team.workspace.id);
    const stranger = await createUser(t.db);
    const other = await createTeam(t.db, "Other studio");
    expect(
      await codeOf(callerFor(t.db, stranger).api.checkin.getTicketPass({ workspaceId: team.workspace.id, ticketId })),
    ).toBe("NOT_FOUND");
    // The creator's own team does not read a supporter's pass either (they have the attendee list).
    expect(
      await codeOf(callerFor(t.db, team.owner).api.checkin.getTicketPass({ workspaceId: team.workspace.id, ticketId })),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        callerFor(t.db, other.owner).api.checkin.getTicketPass({ workspaceId: other.workspace.id, ticketId }),
      ),
    ).toBe("NOT_FOUND");
  });

  it("shows no code once the ticket is no longer valid, and a new version's code replaces the old", async () => {
    const { event, holder, ticketId } = await eventWithTicket(t.db, team.workspace.id);
    const api = callerFor(t.db, holder).api.checkin;
    const before = await api.getTicketPass({ workspaceId: team.workspace.id, ticketId });
    await t.db
      .update(tickets)
      .set({ secretVersion: 2 })
      .where(and(eq(tickets.id, ticketId), eq(tickets.workspaceId, team.workspace.id)));
    const after = await api.getTicketPass({ workspaceId: team.workspace.id, ticketId });
    expect(after.code).not.toBe(before.code);
    const list = await callerFor(t.db, steward).api.checkin.getOfflineList({
      workspaceId: team.workspace.id,
      eventId: event.id,
    });
    // Both signatures are genuine; the device refuses the old one because its list says version 2 is current.
    expect(list.tickets.find((row) => row.id === ticketId)?.secretVersion).toBe(2);
    const publicKey = await importTicketPublicKey(list.publicKey);
    const verified = await verifyTicketCode({
      publicKey,
      workspaceId: team.workspace.id,
      eventId: event.id,
      code: before.code!,
    });
    expect(verified?.secretVersion).toBe(1);

    await t.db
      .update(tickets)
      .set({ status: "canceled" })
      .where(and(eq(tickets.id, ticketId), eq(tickets.workspaceId, team.workspace.id)));
    expect(await api.getTicketPass({ workspaceId: team.workspace.id, ticketId })).toMatchObject({
      ticket: { status: "canceled" },
      code: null,
      qrSvg: null,
    });
  });

  it("offers the buyer a cancellation only under the creator's policy, and the cancellation ends the ticket", async () => {
    const { event, holder, ticketId } = await eventWithTicket(t.db, team.workspace.id, "Carla Canceller");
    const api = callerFor(t.db, holder).api;
    const workspaceId = team.workspace.id;
    expect((await api.checkin.getTicketPass({ workspaceId, ticketId })).cancellation).toBeNull();

    await callerFor(t.db, team.owner).api.events.setRefundPolicy({
      workspaceId,
      eventId: event.id,
      refundWindowHours: 24,
    });
    const pass = await api.checkin.getTicketPass({ workspaceId, ticketId });
    expect(pass.cancellation).toMatchObject({
      refundCents: 0,
      until: new Date(EVENT_START.getTime() - 24 * 3600_000),
    });

    await api.events.cancelMyOrder({ workspaceId, orderId: pass.cancellation!.orderId });
    expect(await api.checkin.getTicketPass({ workspaceId, ticketId })).toMatchObject({
      ticket: { status: "canceled" },
      cancellation: null,
      code: null,
    });
  });
});

describe("check-in", () => {
  it("admits once, answers a re-upload with its own admission and a second scan with who and when", async () => {
    const { event, ticketId } = await eventWithTicket(t.db, team.workspace.id);
    const api = callerFor(t.db, steward).api.checkin;
    const first = scanOf(ticketId, { scannedAt: new Date("2027-03-01T18:05:00.000Z") });
    const input = { workspaceId: team.workspace.id, eventId: event.id, ...device };
    const [admitted] = await api.syncScans({ ...input, scans: [first] });
    expect(admitted).toMatchObject({ outcome: "admitted", checkIn: { stewardName: "Stella Steward" } });
    const [again] = await api.syncScans({ ...input, scans: [first] });
    expect(again).toEqual(admitted);

    const editor = callerFor(t.db, team.editor).api.checkin;
    const [second] = await editor.syncScans({ ...input, deviceLabel: "South gate", scans: [scanOf(ticketId)] });
    expect(second).toMatchObject({
      outcome: "already_checked_in",
      checkIn: { scannedAt: first.scannedAt, stewardName: "Stella Steward", deviceLabel: "North gate" },
    });
    // Another list (a second day, another gate's own list) admits the same ticket separately.
    const [dayTwo] = await editor.syncScans({ ...input, scans: [scanOf(ticketId, { list: "day-2" })] });
    expect(dayTwo).toMatchObject({ outcome: "admitted", checkIn: { list: "day-2" } });

    const counts = await api.getCounts({ workspaceId: team.workspace.id, eventId: event.id });
    expect(counts.validTickets).toBe(1);
    expect(counts.lists.map(({ list, checkedIn }) => ({ list, checkedIn }))).toEqual([
      { list: "day-2", checkedIn: 1 },
      { list: "main", checkedIn: 1 },
    ]);
  });

  it("undoes a mistaken admission with an audit row, after which the ticket can be admitted again", async () => {
    const { event, ticketId } = await eventWithTicket(t.db, team.workspace.id);
    const api = callerFor(t.db, steward).api.checkin;
    const input = { workspaceId: team.workspace.id, eventId: event.id, ...device };
    const [scan] = await api.syncScans({ ...input, scans: [scanOf(ticketId)] });
    if (scan.outcome !== "admitted") throw new Error("expected an admission");
    await api.undo({
      workspaceId: team.workspace.id,
      eventId: event.id,
      checkInId: scan.checkIn.id,
      reason: "wrong person",
    });
    expect(
      await codeOf(api.undo({ workspaceId: team.workspace.id, eventId: event.id, checkInId: scan.checkIn.id })),
    ).toBe("CONFLICT");
    const audit = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, team.workspace.id), eq(auditEvents.action, "checkin.undone")));
    expect(audit.map((row) => row.detail)).toContainEqual(
      expect.objectContaining({ checkInId: scan.checkIn.id, ticketId, reason: "wrong person" }),
    );
    // The undone scan, uploaded again, stays undone; a new scan admits.
    const [replay] = await api.syncScans({ ...input, scans: [{ ...scanOf(ticketId), nonce: scan.nonce }] });
    expect(replay.outcome).toBe("undone");
    const [rescan] = await api.syncScans({ ...input, scans: [scanOf(ticketId)] });
    expect(rescan.outcome).toBe("admitted");
  });

  it("refuses cancelled tickets by name and finds holders by name or email, wildcards taken literally", async () => {
    const { event, ticketId } = await eventWithTicket(t.db, team.workspace.id, "Percy 100% Holder");
    await t.db
      .update(tickets)
      .set({ status: "refunded" })
      .where(and(eq(tickets.id, ticketId), eq(tickets.workspaceId, team.workspace.id)));
    const api = callerFor(t.db, steward).api.checkin;
    const [refused] = await api.syncScans({
      workspaceId: team.workspace.id,
      eventId: event.id,
      ...device,
      scans: [scanOf(ticketId)],
    });
    expect(refused).toMatchObject({ outcome: "refused", reason: "This ticket was refunded." });
    const search = (query: string) => api.searchTickets({ workspaceId: team.workspace.id, eventId: event.id, query });
    expect((await search("100%")).map((row) => row.id)).toEqual([ticketId]);
    expect(await search("_%")).toEqual([]);
    expect((await search("PERCY")).map((row) => row.status)).toEqual(["refunded"]);
  });

  it("lets stewards check in and nothing else; viewers may not read the ticket list", async () => {
    const { event } = await eventWithTicket(t.db, team.workspace.id);
    const asSteward = callerFor(t.db, steward).api;
    expect(await codeOf(asSteward.workspaces.getOverview({ workspaceId: team.workspace.id }))).toBe("FORBIDDEN");
    expect(await codeOf(asSteward.workspaces.listMembers({ workspaceId: team.workspace.id }))).toBe("FORBIDDEN");
    const asViewer = callerFor(t.db, team.viewer).api.checkin;
    expect(await codeOf(asViewer.getOfflineList({ workspaceId: team.workspace.id, eventId: event.id }))).toBe(
      "FORBIDDEN",
    );
  });
});
