import { neonConfig } from "@neondatabase/serverless";
import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { readBatch } from "../../db/batch";
import { createDb, RoundTripMeter, type Database } from "../../db/client";
import { users } from "../../db/schema";
import { startLocalDatabase, type LocalDatabase } from "../../scripts/local-db";

// Node has no global WebSocket the driver can use here; workerd does. Test-only, like scripts/db-migrate.ts.
neonConfig.webSocketConstructor = WebSocket;

// A small connection limit makes a leak visible: with 5 slots, 30 sequential pools that each left their
// connection open would exhaust the server long before the end.
const MAX_CONNECTIONS = 5;

let local: LocalDatabase;

beforeAll(async () => {
  local = await startLocalDatabase({ maxConnections: MAX_CONNECTIONS });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

/** Runs `fn` against a fresh production-path handle (Neon Pool -> WebSocket proxy -> pglite-socket) and closes it. */
async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const handle = createDb({ databaseUrl: local.databaseUrl, localProxy: local.localProxy });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** `Database` is driver-neutral, so `execute` is typed `unknown`; on the Neon driver it is a pg QueryResult. */
async function rows(db: Database, query: SQL): Promise<unknown[]> {
  const result = (await db.execute(query)) as { rows: unknown[] };
  return result.rows;
}

/** The raw Postgres StartupMessage for user/database "postgres". */
function startupMessage(): Buffer {
  const params = Buffer.from("user\0postgres\0database\0postgres\0\0");
  const message = Buffer.alloc(8 + params.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(message, 8);
  return message;
}

function pgAddress(): string {
  return new URL(local.databaseUrl).host;
}

describe("local database through the production driver path", () => {
  it("has the migrations applied and answers queries", async () => {
    const applied = await withDb((db) =>
      rows(db, sql`select count(*)::int as applied from drizzle.__drizzle_migrations`),
    );
    expect(applied).toEqual([{ applied: expect.any(Number) }]);
    expect((applied[0] as { applied: number }).applied).toBeGreaterThan(0);
  });

  it("commits and rolls back transactions", async () => {
    await withDb(async (db) => {
      await db.execute(sql`create table local_db_probe (id int primary key)`);
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into local_db_probe values (1), (2)`);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql`insert into local_db_probe values (3)`);
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await rows(db, sql`select id from local_db_probe order by id`)).toEqual([{ id: 1 }, { id: 2 }]);
    });
  });

  it("releases connections: 30 pools opened and closed in turn, then a new connection still works", async () => {
    for (let i = 0; i < 30; i++) {
      expect(await withDb((db) => rows(db, sql`select ${i}::int as i`))).toEqual([{ i }]);
    }
    expect(await withDb((db) => rows(db, sql`select 'still accepting' as status`))).toEqual([
      { status: "still accepting" },
    ]);
  }, 60_000);
});

describe("reads over Neon's HTTP protocol, served by the local proxy (ADR 016)", () => {
  it("counts reads as waves with no connection setup, and opens a WebSocket only for a transaction", async () => {
    const meter = new RoundTripMeter();
    const handle = createDb({ databaseUrl: local.databaseUrl, localProxy: local.localProxy, meter });
    try {
      const db = handle.db;
      await Promise.all([rows(db, sql`select 1 as a`), rows(db, sql`select 2 as b`)]);
      expect(meter.snapshot()).toMatchObject({ waves: 1, setups: 0 });
      await rows(db, sql`select 3 as c`);
      expect(meter.snapshot()).toMatchObject({ waves: 2, setups: 0 });
      await db.transaction(async (tx) => {
        await tx.execute(sql`select 4`);
      });
      // BEGIN, the statement and COMMIT on one new connection.
      expect(meter.snapshot()).toMatchObject({ waves: 5, setups: 1 });
    } finally {
      await handle.close();
    }
  });

  it("runs a batch as one request in one transaction, typed as drizzle maps it", async () => {
    const meter = new RoundTripMeter();
    const handle = createDb({ databaseUrl: local.databaseUrl, localProxy: local.localProxy, meter });
    try {
      const db = handle.db;
      const email = `batch-${Date.now()}@example.test`;
      await db.insert(users).values({ email, name: "Batch", passwordHash: "x" });
      const [found, count] = await readBatch(db, [
        db
          .select({ email: users.email, createdAt: users.createdAt })
          .from(users)
          .where(sql`${users.email} = ${email}`),
        db.execute(sql`select count(*)::int as n, '{"a":1}'::json as j, '\\x0102'::bytea as b from users`),
      ]);
      expect(found).toEqual([{ email, createdAt: expect.any(Date) }]);
      expect((count as unknown as { rows: unknown[] }).rows).toEqual([
        { n: expect.any(Number), j: { a: 1 }, b: expect.anything() },
      ]);
      expect(meter.snapshot()).toMatchObject({ waves: 2, setups: 0 });
    } finally {
      await handle.close();
    }
  });

  it("returns Postgres errors with their SQLSTATE, as Neon's endpoint does", async () => {
    await withDb(async (db) => {
      const email = `twice-${Date.now()}@example.test`;
      await db.insert(users).values({ email, name: "Once", passwordHash: "x" });
      const error = await db
        .insert(users)
        .values({ email, name: "Twice", passwordHash: "x" })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect((error as { cause?: { code?: string } }).cause?.code).toBe("23505");
    });
  });

  it("refuses a connection string naming another database", async () => {
    const response = await fetch(`http://${local.localProxy}/sql`, {
      method: "POST",
      headers: { "neon-connection-string": "postgres://postgres@example.com:5432/postgres" },
      body: JSON.stringify({ query: "select 1", params: [] }),
    });
    expect(response.status).toBe(403);
  });
});

describe("WebSocket proxy", () => {
  it("closes the connection itself when the client sends Terminate ('X')", async () => {
    const ws = new WebSocket(`ws://${local.localProxy}/v2?address=${pgAddress()}`);
    const closedByServer = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.on("message", (data: Buffer) => {
      // ReadyForQuery ends the startup exchange; answer with Terminate and leave the socket open on our side.
      if (data.includes(Buffer.from("Z\0\0\0\x05"))) ws.send(Buffer.from([0x58, 0, 0, 0, 4]));
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    ws.send(startupMessage());
    expect(await closedByServer).toBe(1000);
  });

  it("answers SSLRequest with 'N' and then serves the startup", async () => {
    const ws = new WebSocket(`ws://${local.localProxy}/v2?address=${pgAddress()}`);
    const received: Buffer[] = [];
    const ready = new Promise<void>((resolve) =>
      ws.on("message", (data: Buffer) => {
        received.push(data);
        if (data.includes(Buffer.from("Z\0\0\0\x05"))) resolve();
      }),
    );
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const sslRequest = Buffer.alloc(8);
    sslRequest.writeInt32BE(8, 0);
    sslRequest.writeInt32BE(80877103, 4);
    ws.send(Buffer.concat([sslRequest, startupMessage()]));
    await ready;
    expect(received[0]!.subarray(0, 1).toString()).toBe("N");
    ws.close();
  });

  it("refuses any address other than the local database", async () => {
    const ws = new WebSocket(`ws://${local.localProxy}/v2?address=example.com:5432`);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once("unexpected-response", (req, res) => {
        req.destroy();
        resolve(res.statusCode);
      });
      ws.once("open", () => resolve(undefined));
      ws.once("error", () => resolve(undefined));
    });
    expect(status).toBe(403);
  });

  it("refuses browsers (any request naming an Origin), so a web page cannot reach the local database", async () => {
    const address = new URL(local.databaseUrl).host;
    const ws = new WebSocket(`ws://${local.localProxy}/v2?address=${address}`, {
      headers: { origin: "https://attacker.example" },
    });
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once("unexpected-response", (req, res) => {
        req.destroy();
        resolve(res.statusCode);
      });
      ws.once("open", () => resolve(undefined));
      ws.once("error", () => resolve(undefined));
    });
    expect(status).toBe(403);
    const sqlOverHttp = await fetch(`http://${local.localProxy}/sql`, {
      method: "POST",
      headers: { origin: "https://attacker.example", "neon-connection-string": local.databaseUrl },
      body: JSON.stringify({ query: "select 1", params: [] }),
    });
    expect(sqlOverHttp.status).toBe(403);
  });
});
