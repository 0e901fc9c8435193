import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client";
import { checkIns, tickets } from "../../db/schema";
import { syncScans, type ScanOutcome } from "../../server/services/checkin/check-ins";
import { reserveTickets } from "../../server/services/events/reserve";
import { transferTicket } from "../../server/services/events/transfer";
import { addSteward, scanOf } from "../support/checkin";
import { insertBuyers, insertEvent } from "../support/events";
import { createUser, createWorkspace } from "../support/factories";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";

/**
 * Two gates on a real Postgres server (PGlite runs one connection at a time and cannot show the race): each gate is
 * its own pool of connections, scans every ticket, and uploads its batch twice at once, as a flaky network would.
 * Every ticket must be admitted exactly once, the other gate must be told by whom, and a re-upload must find its
 * own row.
 */
const TICKETS = 40;
let pg: PostgresServer;
let gates: DbHandle[];
let workspaceId: string;

beforeAll(async () => {
  pg = await startPostgresServer();
  const owner = await createUser(pg.db, { name: "Olive Owner" });
  workspaceId = (await createWorkspace(pg.db, owner, "Door studio")).id;
  gates = [pg.connect(), pg.connect()];
}, 60_000);

afterAll(async () => {
  await Promise.all((gates ?? []).map((gate) => gate.close()));
  await pg?.stop();
});

describe("check-in sync on a real Postgres server", () => {
  it("admits each ticket once when two gates upload the same tickets concurrently, each batch twice", async () => {
    const { event, types } = await insertEvent(pg.db, workspaceId, { capacity: TICKETS });
    const buyers = await insertBuyers(pg.db, TICKETS, `door-${Date.now()}`);
    const ticketIds: string[] = [];
    for (const buyer of buyers) {
      const result = await reserveTickets({
        db: pg.db,
        workspaceId,
        eventId: event.id,
        userId: buyer.id,
        lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
        now: new Date(),
        appUrl: "http://greenroom.test",
      });
      if (result.status !== "issued") throw new Error("free RSVP not issued");
      ticketIds.push(...result.ticketIds);
    }
    const stewards = [
      await addSteward(pg.db, workspaceId, "North Steward"),
      await addSteward(pg.db, workspaceId, "South Steward"),
    ];
    const batches = stewards.map(() => ticketIds.map((ticketId) => scanOf(ticketId)));
    const upload = (gate: number, scans: ReturnType<typeof scanOf>[]) =>
      syncScans({
        db: gates[gate].sessionDb(),
        workspaceId,
        eventId: event.id,
        userId: stewards[gate].id,
        deviceId: `device-${gate}-0123456789abcdef`,
        deviceLabel: gate === 0 ? "North gate" : "South gate",
        scans,
        meta: { ip: null, userAgent: "gate" },
        now: new Date(),
      });
    // Each gate's batch goes up twice at once, and the tickets are split into small batches so that the two gates'
    // statements interleave instead of one gate's single insert taking every ticket first.
    const chunks = (scans: ReturnType<typeof scanOf>[]) =>
      Array.from({ length: scans.length / 5 }, (_, i) => scans.slice(i * 5, i * 5 + 5));
    const uploads = [0, 1].flatMap((gate) =>
      chunks(batches[gate]).flatMap((chunk) => [upload(gate, chunk), upload(gate, [...chunk].reverse())]),
    );
    const outcomes: ScanOutcome[] = (await Promise.all(uploads)).flat();

    const live = await pg.db
      .select({ ticketId: checkIns.ticketId, nonce: checkIns.nonce, deviceLabel: checkIns.deviceLabel })
      .from(checkIns)
      .where(and(eq(checkIns.eventId, event.id), isNull(checkIns.undoneAt)));
    expect(live).toHaveLength(TICKETS);
    expect(new Set(live.map((row) => row.ticketId)).size).toBe(TICKETS);
    const [{ rows }] = await pg.db
      .select({ rows: sql<number>`count(*)::int` })
      .from(checkIns)
      .where(eq(checkIns.eventId, event.id));
    expect(rows).toBe(TICKETS);

    for (const ticketId of ticketIds) {
      const winner = live.find((row) => row.ticketId === ticketId)!;
      const forTicket = outcomes.filter((outcome) => outcome.ticketId === ticketId);
      expect(forTicket).toHaveLength(4);
      for (const outcome of forTicket) {
        if (outcome.nonce === winner.nonce) {
          expect(outcome.outcome).toBe("admitted");
        } else {
          expect(outcome).toMatchObject({
            outcome: "already_checked_in",
            checkIn: { deviceLabel: winner.deviceLabel, stewardName: expect.stringMatching(/Steward$/) },
          });
        }
      }
    }
  }, 120_000);

  it("decides a transfer racing a check-in of the old code by commit order: one wins, never both", async () => {
    const RACES = 24;
    const { event, types } = await insertEvent(pg.db, workspaceId, { capacity: RACES });
    const holders = await insertBuyers(pg.db, RACES, `handover-${Date.now()}`);
    const ticketIds: string[] = [];
    for (const holder of holders) {
      const result = await reserveTickets({
        db: pg.db,
        workspaceId,
        eventId: event.id,
        userId: holder.id,
        lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
        now: new Date(),
        appUrl: "http://greenroom.test",
      });
      if (result.status !== "issued") throw new Error("free RSVP not issued");
      ticketIds.push(...result.ticketIds);
    }
    const steward = await addSteward(pg.db, workspaceId, "Door Steward");
    // Each ticket: its holder hands it on (gate pool 0) while a steward uploads a scan of the code the holder still
    // shows (version 1, pool 1). Half start with the transfer, half with the upload.
    const races = ticketIds.map((ticketId, i) => {
      const transfer = () =>
        transferTicket({
          db: gates[0].sessionDb(),
          workspaceId,
          ticketId,
          fromUserId: holders[i].id,
          fromName: "Holder",
          toEmail: `handover-friend-${i}-${Date.now()}@example.test`,
          toName: `Friend ${i}`,
          appUrl: "http://greenroom.test",
          now: new Date(),
          meta: { ip: null, userAgent: null },
        });
      const scan = () =>
        syncScans({
          db: gates[1].sessionDb(),
          workspaceId,
          eventId: event.id,
          userId: steward.id,
          deviceId: "device-handover-0123456789",
          deviceLabel: "Main door",
          scans: [scanOf(ticketId, { secretVersion: 1 })],
          meta: { ip: null, userAgent: "gate" },
          now: new Date(),
        });
      let transferred: ReturnType<typeof transfer>;
      let uploaded: ReturnType<typeof scan>;
      if (i % 2 === 0) {
        transferred = transfer();
        uploaded = scan();
      } else {
        uploaded = scan();
        transferred = transfer();
      }
      return Promise.all([
        transferred.then(
          (value) => ({ ok: true as const, value }),
          (reason: unknown) => ({ ok: false as const, reason }),
        ),
        uploaded,
      ]);
    });
    const results = await Promise.all(races);

    const tally = { transferred: 0, admitted: 0 };
    for (const [i, [transfer, upload]] of results.entries()) {
      const outcome = upload[0]!;
      const [ticket] = await pg.db.select().from(tickets).where(eq(tickets.id, ticketIds[i]!));
      const live = await pg.db
        .select({ id: checkIns.id })
        .from(checkIns)
        .where(and(eq(checkIns.ticketId, ticketIds[i]!), isNull(checkIns.undoneAt)));
      if (transfer.ok) {
        // The transfer won: the old code was refused and nobody came in on it; the new holder's code is version 2.
        tally.transferred++;
        expect(outcome).toMatchObject({ outcome: "refused", reason: expect.stringMatching(/^This code was replaced/) });
        expect(live).toHaveLength(0);
        expect(ticket).toMatchObject({ secretVersion: 2, holderUserId: transfer.value.holderUserId });
      } else {
        // The admission won: the transfer was refused and the ticket stayed with its holder, code unchanged.
        tally.admitted++;
        expect(transfer.reason).toMatchObject({
          code: "CONFLICT",
          message: "This ticket was already used to get in, so it can no longer be transferred.",
        });
        expect(outcome.outcome).toBe("admitted");
        expect(live).toHaveLength(1);
        expect(ticket).toMatchObject({ secretVersion: 1, holderUserId: holders[i].id });
      }
    }
    expect(tally.transferred + tally.admitted).toBe(RACES);
    console.info(`transfer vs check-in: ${tally.transferred} transfers won, ${tally.admitted} admissions won`);
  }, 120_000);
});
