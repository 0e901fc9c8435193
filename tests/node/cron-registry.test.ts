import { eq } from "drizzle-orm";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, userTokens } from "../../db/schema";
import { deleteExpiredAuthRecords } from "../../server/services/auth/cleanup";
import { cronJobs } from "../../workers/cron/registry";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser } from "../support/factories";
import { repoRoot } from "../support/snapshot";

const wranglerCrons = () => {
  const toml = readFileSync(join(repoRoot, "wrangler.toml"), "utf8");
  const list = /crons\s*=\s*\[([^\]]*)\]/.exec(toml)?.[1] ?? "";
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
};

describe("cron registry", () => {
  it("serves every schedule in wrangler.toml and declares no schedule wrangler would never fire", () => {
    const declared = new Set(wranglerCrons());
    const served = new Set(cronJobs.map((job) => job.schedule));
    expect([...declared].sort()).toEqual([...served].sort());
    expect(new Set(cronJobs.map((job) => job.id)).size).toBe(cronJobs.length);
  });
});

describe("auth cleanup", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it("deletes idle and over-age sessions and keeps live ones", async () => {
    const live = await createUser(t.db);
    const idle = await createUser(t.db);
    const old = await createUser(t.db);
    const now = new Date();
    await t.db
      .update(sessions)
      .set({ lastSeenAt: new Date(now.getTime() - 31 * 86400_000) })
      .where(eq(sessions.id, idle.session.sessionId));
    await t.db
      .update(sessions)
      .set({ createdAt: new Date(now.getTime() - 91 * 86400_000) })
      .where(eq(sessions.id, old.session.sessionId));
    await t.db.insert(userTokens).values({
      userId: live.id,
      purpose: "verify_email",
      tokenHash: "expired-hash",
      expiresAt: new Date(now.getTime() - 2 * 86400_000),
    });
    const result = await deleteExpiredAuthRecords({ db: t.db, now });
    expect(result).toMatchObject({ sessions: 2, tokens: 1 });
    expect((await t.db.select().from(sessions)).map((s) => s.id)).toEqual([live.session.sessionId]);
  });
});
