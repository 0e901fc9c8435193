import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { mediaObjects, usageRecords, transcriptionJobs } from "../../db/schema";
import { setPlanLocally } from "../../server/services/billing/accounts";
import type { PlanId } from "../../server/services/billing/plans";
import {
  assertCanConnectAccount,
  assertCanSchedulePost,
  assertCanTranscribe,
  closeUsagePeriods,
  estimateDurationSeconds,
  getWorkspaceUsage,
  recordUsage,
} from "../../server/services/billing/usage";
import { createUpload } from "../../server/services/media/uploads";
import { requestTranscription } from "../../server/services/transcription/request";
import { retryTranscriptionJob, setTranscriptionLanguage } from "../../server/services/transcription/transcripts";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { createLocalR2 } from "../support/r2";
import { callerFor } from "../support/trpc";

const GIB = 1024 ** 3;
const now = new Date("2026-03-15T12:00:00Z");

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

async function workspaceOn(db: Database, plan: PlanId) {
  const owner = await createUser(db, {});
  const workspace = await createWorkspace(db, owner);
  if (plan !== "free") await setPlanLocally({ db, workspaceId: workspace.id, plan, environment: "test", now });
  return { owner, workspace };
}

/** A ready file of `size` bytes already stored in the workspace. */
async function storedFile(
  db: Database,
  workspaceId: string,
  ownerId: string,
  size: number,
  extra: Partial<typeof mediaObjects.$inferInsert> = {},
) {
  const id = crypto.randomUUID();
  await db.insert(mediaObjects).values({
    id,
    workspaceId,
    r2Key: `w/${workspaceId}/media/${id}/f.mp3`,
    filename: "f.mp3",
    contentType: "audio/mpeg",
    kind: "audio",
    declaredSize: size,
    size,
    status: "ready",
    createdBy: ownerId,
    createdAt: now,
    ...extra,
  });
  return id;
}

const upload = (db: Database, workspaceId: string, actorUserId: string, size: number) =>
  createUpload({
    db,
    bucket: r2.bucket,
    secret: "s".repeat(32),
    workspaceId,
    actorUserId,
    filename: "ep.mp3",
    contentType: "audio/mpeg",
    size,
    meta: { ip: null, userAgent: "vitest" },
    now,
  });

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("storage quota at createUpload", () => {
  it("allows an upload that exactly fills the plan and refuses one byte more, naming the limit and the upgrade", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "free");
    await storedFile(t.db, workspace.id, owner.id, 2 * GIB - 1000);
    // An upload in progress counts at its declared size, so it holds its room before any byte arrives.
    await upload(t.db, workspace.id, owner.id, 600);
    await upload(t.db, workspace.id, owner.id, 400);
    const message = await messageOf(upload(t.db, workspace.id, owner.id, 1));
    expect(message).toBe(
      "Your plan (Free) includes 2 GB of storage; this upload needs 1 byte more than is left. Delete files you no longer need, or upgrade to Creator for 50 GB on the Billing page.",
    );
    const rows = await t.db.select().from(mediaObjects).where(eq(mediaObjects.workspaceId, workspace.id));
    expect(rows).toHaveLength(3);
  });

  it("does not count rejected files", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "free");
    await storedFile(t.db, workspace.id, owner.id, 2 * GIB, { status: "rejected" });
    await expect(upload(t.db, workspace.id, owner.id, 2 * GIB)).resolves.toMatchObject({ status: "uploading" });
  });
});

describe("seat quota at inviteMember", () => {
  it("counts members plus pending invitations: the last seat is invitable, one more is refused", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "creator");
    const api = callerFor(t.db, owner).api.workspaces;
    for (const n of [1, 2, 3])
      await api.inviteMember({ workspaceId: workspace.id, email: `guest${n}@example.test`, role: "editor" });
    await api.inviteMember({ workspaceId: workspace.id, email: "four@example.test", role: "editor" });
    // Re-inviting an address replaces its link and needs no extra seat.
    await api.inviteMember({ workspaceId: workspace.id, email: "four@example.test", role: "viewer" });
    const message = await messageOf(
      api.inviteMember({ workspaceId: workspace.id, email: "five@example.test", role: "editor" }),
    );
    expect(message).toBe(
      "Your plan (Creator) includes 5 seats, and members plus pending invitations already use 5. Revoke a pending invitation or remove a member, or upgrade to Pro for 15 seats on the Billing page.",
    );
  });

  it("lets a Free workspace bring in one collaborator, and refuses a second", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "free");
    const api = callerFor(t.db, owner).api.workspaces;
    await api.inviteMember({ workspaceId: workspace.id, email: "cohost@example.test", role: "editor" });
    const message = await messageOf(
      api.inviteMember({ workspaceId: workspace.id, email: "x@example.test", role: "viewer" }),
    );
    expect(message).toContain("Your plan (Free) includes 2 seats");
    expect(message).toContain("upgrade to Creator for 5 seats on the Billing page.");
  });
});

describe("transcription minutes", () => {
  it("allows a file that uses the last minute and refuses one second more", async () => {
    const { workspace } = await workspaceOn(t.db, "free");
    await recordUsage({
      db: t.db,
      workspaceId: workspace.id,
      metric: "transcription_seconds",
      quantity: 59 * 60,
      sourceId: "earlier",
      now,
    });
    await assertCanTranscribe({ db: t.db, workspaceId: workspace.id, seconds: 60, now });
    const message = await messageOf(assertCanTranscribe({ db: t.db, workspaceId: workspace.id, seconds: 61, now }));
    expect(message).toBe(
      "Your plan (Free) includes 60 transcription minutes a month; this file needs about 2 and 1 are left. Minutes reset on the 1st (UTC). Upgrade to Creator for 600 minutes a month on the Billing page.",
    );
  });

  it("creates the job failed with the quota message when the file does not fit, so the upload still succeeds", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "free");
    const { queue, sent } = memoryQueue();
    const fits = await storedFile(t.db, workspace.id, owner.id, 1000, { durationSeconds: 50 * 60 });
    const over = await storedFile(t.db, workspace.id, owner.id, 1000, { durationSeconds: 11 * 60 });
    const first = await requestTranscription({
      db: t.db,
      queue,
      workspaceId: workspace.id,
      mediaId: fits,
      providersConfigured: true,
      now,
    });
    expect(first.status).toBe("queued");
    // The first job is not metered yet, but its estimate counts, so two files queued together cannot overshoot.
    const second = await requestTranscription({
      db: t.db,
      queue,
      workspaceId: workspace.id,
      mediaId: over,
      providersConfigured: true,
      now,
    });
    expect(second.status).toBe("failed");
    expect(second.lastError).toContain("Your plan (Free) includes 60 transcription minutes a month");
    expect(sent).toHaveLength(1);
  });

  it("refuses retrying a job refused for minutes until the plan has room", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "free");
    const { queue } = memoryQueue();
    const media = await storedFile(t.db, workspace.id, owner.id, 1000, { durationSeconds: 61 * 60 });
    const job = await requestTranscription({
      db: t.db,
      queue,
      workspaceId: workspace.id,
      mediaId: media,
      providersConfigured: true,
      now,
    });
    const retry = () =>
      retryTranscriptionJob({
        db: t.db,
        queue,
        workspaceId: workspace.id,
        jobId: job.id,
        providersConfigured: true,
        actor: { userId: owner.id, meta: { ip: null, userAgent: null } },
        now,
      });
    expect(await messageOf(retry())).toContain("Your plan (Free) includes 60 transcription minutes a month");
    await setPlanLocally({ db: t.db, workspaceId: workspace.id, plan: "creator", environment: "test", now });
    expect(await retry()).toMatchObject({ status: "queued" });
  });

  it("refuses transcribing a finished file again when its minutes no longer fit, and allows it when they do", async () => {
    const { owner, workspace } = await workspaceOn(t.db, "free");
    const { queue, sent } = memoryQueue();
    const media = await storedFile(t.db, workspace.id, owner.id, 1000, { durationSeconds: 40 * 60 });
    const job = await requestTranscription({
      db: t.db,
      queue,
      workspaceId: workspace.id,
      mediaId: media,
      providersConfigured: true,
      now,
    });
    // The first run finished and was metered: 40 of the 60 minutes are used, so another 40-minute run does not fit.
    await t.db.update(transcriptionJobs).set({ status: "done" }).where(eq(transcriptionJobs.id, job.id));
    await recordUsage({
      db: t.db,
      workspaceId: workspace.id,
      metric: "transcription_seconds",
      quantity: 40 * 60,
      sourceId: `transcription:${job.id}:first`,
      now,
    });
    const again = () =>
      setTranscriptionLanguage({
        db: t.db,
        queue,
        workspaceId: workspace.id,
        mediaId: media,
        language: "en",
        retranscribe: true,
        providersConfigured: true,
        actor: { userId: owner.id, meta: { ip: null, userAgent: null } },
        now,
      });
    expect(await messageOf(again())).toContain("Your plan (Free) includes 60 transcription minutes a month");
    const [unchanged] = await t.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, job.id));
    expect(unchanged.status).toBe("done");
    expect(sent).toHaveLength(1);

    await setPlanLocally({ db: t.db, workspaceId: workspace.id, plan: "creator", environment: "test", now });
    expect((await again()).job).toMatchObject({ status: "queued" });
    expect(sent).toHaveLength(2);
  });

  it("estimates a length from the size when the duration is unknown", () => {
    expect(estimateDurationSeconds({ durationSeconds: 93, contentType: "audio/wav", declaredSize: 1 })).toBe(93);
    expect(
      estimateDurationSeconds({ durationSeconds: null, contentType: "audio/wav", declaredSize: 176_400 * 60 }),
    ).toBe(60);
    expect(
      estimateDurationSeconds({ durationSeconds: null, contentType: "audio/mpeg", declaredSize: 16_000 * 60 }),
    ).toBe(60);
  });
});

describe("future quotas (no call site yet)", () => {
  it("scheduled posts: the 10th on Free is allowed, the 11th refused", async () => {
    const { workspace } = await workspaceOn(t.db, "free");
    for (let i = 0; i < 9; i++)
      await recordUsage({
        db: t.db,
        workspaceId: workspace.id,
        metric: "scheduled_posts",
        quantity: 1,
        sourceId: `post-${i}`,
        now,
      });
    await assertCanSchedulePost({ db: t.db, workspaceId: workspace.id, now });
    await recordUsage({
      db: t.db,
      workspaceId: workspace.id,
      metric: "scheduled_posts",
      quantity: 1,
      sourceId: "post-9",
      now,
    });
    expect(await messageOf(assertCanSchedulePost({ db: t.db, workspaceId: workspace.id, now }))).toBe(
      "Your plan (Free) includes 10 scheduled posts a month, and all are used. They reset on the 1st (UTC). Upgrade to Creator for 100 scheduled posts a month on the Billing page.",
    );
  });

  it("social accounts: the 3rd on Creator is allowed, the 4th refused", async () => {
    const { workspace } = await workspaceOn(t.db, "creator");
    await assertCanConnectAccount({ db: t.db, workspaceId: workspace.id, connectedAccounts: 2, now });
    expect(
      await messageOf(assertCanConnectAccount({ db: t.db, workspaceId: workspace.id, connectedAccounts: 3, now })),
    ).toBe(
      "Your plan (Creator) includes 3 social accounts, and 3 are connected. Disconnect one, or upgrade to Pro for 10 social accounts on the Billing page.",
    );
  });

  it("names no upgrade past the largest plan", async () => {
    const { workspace } = await workspaceOn(t.db, "pro");
    expect(
      await messageOf(assertCanConnectAccount({ db: t.db, workspaceId: workspace.id, connectedAccounts: 10, now })),
    ).toBe(
      "Your plan (Pro) includes 10 social accounts, and 10 are connected. Disconnect one. No plan includes more; contact support.",
    );
  });
});

describe("usage records", () => {
  it("records a source once however often it is completed", async () => {
    const { workspace } = await workspaceOn(t.db, "free");
    const record = () =>
      recordUsage({
        db: t.db,
        workspaceId: workspace.id,
        metric: "transcription_seconds",
        quantity: 125,
        sourceId: "transcription:job-1:a",
        now,
      });
    expect(await record()).toBe(true);
    expect(await record()).toBe(false);
    expect((await getWorkspaceUsage({ db: t.db, workspaceId: workspace.id, now })).transcriptionMinutes).toEqual({
      used: 3,
      limit: 60,
      unit: "minutes",
    });
  });

  it("resets when the UTC month rolls over", async () => {
    const { workspace } = await workspaceOn(t.db, "free");
    const lastMoment = new Date("2026-01-31T23:59:59.999Z");
    const nextMonth = new Date("2026-02-01T00:00:00Z");
    await recordUsage({
      db: t.db,
      workspaceId: workspace.id,
      metric: "transcription_seconds",
      quantity: 60 * 60,
      sourceId: "january",
      now: lastMoment,
    });
    expect(
      await messageOf(assertCanTranscribe({ db: t.db, workspaceId: workspace.id, seconds: 1, now: lastMoment })),
    ).toContain("none are left");
    await assertCanTranscribe({ db: t.db, workspaceId: workspace.id, seconds: 60 * 60, now: nextMonth });
    const usage = await getWorkspaceUsage({ db: t.db, workspaceId: workspace.id, now: nextMonth });
    expect(usage.periodStart).toBe("2026-02-01");
    expect(usage.transcriptionMinutes.used).toBe(0);
  });

  it("the monthly close deletes records past the retention window, once, under overlapping runs", async () => {
    const { workspace } = await workspaceOn(t.db, "free");
    const at = (iso: string) => new Date(iso);
    await recordUsage({
      db: t.db,
      workspaceId: workspace.id,
      metric: "scheduled_posts",
      quantity: 1,
      sourceId: "old",
      now: at("2025-01-20T00:00:00Z"),
    });
    await recordUsage({
      db: t.db,
      workspaceId: workspace.id,
      metric: "scheduled_posts",
      quantity: 1,
      sourceId: "kept",
      now: at("2025-02-01T00:00:00Z"),
    });
    const closeAt = at("2026-03-01T00:17:00Z");
    const [a, b] = await Promise.all([
      closeUsagePeriods({ db: t.db, now: closeAt }),
      closeUsagePeriods({ db: t.db, now: closeAt }),
    ]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const left = await t.db
      .select({ sourceId: usageRecords.sourceId })
      .from(usageRecords)
      .where(eq(usageRecords.workspaceId, workspace.id));
    expect(left).toEqual([{ sourceId: "kept" }]);
  });
});

describe("on a real Postgres server", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("two uploads racing for the last bytes of storage: exactly one gets them", async () => {
    const { owner, workspace } = await workspaceOn(server.db, "free");
    await storedFile(server.db, workspace.id, owner.id, 2 * GIB - 1000);
    const connections = [server.connect(), server.connect(), server.connect(), server.connect()];
    try {
      const results = await Promise.allSettled(connections.map((c) => upload(c.db, workspace.id, owner.id, 600)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(
        results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.message),
      ).toEqual(Array(3).fill(expect.stringContaining("Your plan (Free) includes 2 GB of storage")));
      const uploading = await server.db
        .select()
        .from(mediaObjects)
        .where(and(eq(mediaObjects.workspaceId, workspace.id), eq(mediaObjects.status, "uploading")));
      expect(uploading).toHaveLength(1);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  it("a duplicate completion racing on separate connections is recorded once", async () => {
    const { workspace } = await workspaceOn(server.db, "free");
    const connections = [server.connect(), server.connect()];
    try {
      const recorded = await Promise.all(
        connections.map((c) =>
          recordUsage({
            db: c.db,
            workspaceId: workspace.id,
            metric: "transcription_seconds",
            quantity: 90,
            sourceId: "transcription:same",
            now,
          }),
        ),
      );
      expect(recorded.filter(Boolean)).toHaveLength(1);
      const rows = await server.db.select().from(usageRecords).where(eq(usageRecords.workspaceId, workspace.id));
      expect(rows).toHaveLength(1);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });
});
