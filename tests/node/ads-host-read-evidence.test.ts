import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adHostReadEvidence, auditEvents, campaignCreatives, transcriptSegments } from "../../db/schema";
import { recordHostReadEvidence } from "../../server/services/ads/host-read-evidence";
import { requestTranscription } from "../../server/services/transcription/request";
import { runTranscriptionJob } from "../../server/services/transcription/run";
import type { TranscriptionProvider } from "../../server/services/transcription/providers";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createTeam } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { insertEpisode, insertShow, insertTranscript } from "../support/podcasts";
import { createLocalR2 } from "../support/r2";
import { insertAudio, markedWav } from "../support/transcripts";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([r2.dispose(), t.close()]);
});

/** What the host said: the promo code and URL spelled out as ASR writes them, one talking point, not the other. */
const READ = [
  { startMs: 0, endMs: 4_000, text: "Welcome back to the show." },
  { startMs: 61_000, endMs: 65_000, text: "This episode is brought to you by Acme Coffee, fair trade beans" },
  { startMs: 65_000, endMs: 70_000, text: "from farmers they know. Go to acme dot test slash spring" },
  { startMs: 70_000, endMs: 74_000, text: "and use the code spring at checkout." },
];

async function scene() {
  const x = await createTeam(t.db, `Network ${crypto.randomUUID().slice(0, 6)}`);
  const workspaceId = x.workspace.id;
  const show = await insertShow(t.db, workspaceId, { title: "Daily" });
  const media = await insertAudio(t.db, workspaceId, { bytes: markedWav(1), bucket: r2.bucket });
  const episode = await insertEpisode(t.db, show, {
    title: "Ep 7",
    status: "published",
    publishedAt: new Date("2026-01-15T08:00:00Z"),
    audioMediaId: media.id,
  });
  const { campaign, flight } = await createCampaign(t.db, workspaceId, { showId: show.id });
  const creative = await createCreative(t.db, campaign);
  return { x, workspaceId, show, media, episode, campaign, flight, creative };
}

const evidenceOf = (flightId: string) =>
  t.db
    .select()
    .from(adHostReadEvidence)
    .where(eq(adHostReadEvidence.flightId, flightId))
    .orderBy(asc(adHostReadEvidence.kind), asc(adHostReadEvidence.target));

describe("host-read evidence", () => {
  it("stores the passage and time of each mention, flags what was not said, and a re-run changes nothing", async () => {
    const s = await scene();
    await insertTranscript(t.db, { workspaceId: s.workspaceId, mediaId: s.media.id, segments: READ });
    const now = new Date("2026-01-16T00:00:00Z");
    const first = await recordHostReadEvidence({ db: t.db, workspaceId: s.workspaceId, episodeId: s.episode.id, now });
    expect(first).toEqual({ checked: 4, missing: 1 });
    const rows = await evidenceOf(s.flight.id);
    expect(rows.map((r) => [r.kind, r.target, r.found, r.startMs])).toEqual([
      ["promo_code", "SPRING", true, 65_000],
      ["talking_point", "Fair trade beans", true, 61_000],
      ["talking_point", "Roasted weekly", false, null],
      ["url", "https://acme.test/spring", true, 65_000],
    ]);
    expect(rows[0].passage).toContain("slash spring");

    // Idempotent: the same rows, not twice as many; an edited creative drops the point it no longer has.
    await recordHostReadEvidence({ db: t.db, workspaceId: s.workspaceId, episodeId: s.episode.id, now });
    expect(await evidenceOf(s.flight.id)).toHaveLength(4);
    await t.db
      .update(campaignCreatives)
      .set({ talkingPoints: ["Fair trade beans"] })
      .where(eq(campaignCreatives.id, s.creative.id));
    expect(
      await recordHostReadEvidence({ db: t.db, workspaceId: s.workspaceId, episodeId: s.episode.id, now }),
    ).toEqual({ checked: 3, missing: 0 });
    expect((await evidenceOf(s.flight.id)).map((r) => r.target)).toEqual([
      "SPRING",
      "Fair trade beans",
      "https://acme.test/spring",
    ]);
  });

  it("searches only episodes a running flight covers: drafts and episodes published outside its dates are left", async () => {
    const s = await scene();
    await insertTranscript(t.db, { workspaceId: s.workspaceId, mediaId: s.media.id, segments: READ });
    const old = await insertAudio(t.db, s.workspaceId, { bytes: markedWav(1), bucket: r2.bucket });
    const before = await insertEpisode(t.db, s.show, {
      title: "Old",
      status: "published",
      publishedAt: new Date("2025-12-01T08:00:00Z"),
      audioMediaId: old.id,
    });
    await insertTranscript(t.db, { workspaceId: s.workspaceId, mediaId: old.id, segments: READ });
    const draft = await createCampaign(t.db, s.workspaceId, { showId: s.show.id, flight: { status: "draft" } });
    await createCreative(t.db, draft.campaign);
    const now = new Date();
    expect(await recordHostReadEvidence({ db: t.db, workspaceId: s.workspaceId, episodeId: before.id, now })).toEqual({
      checked: 0,
      missing: 0,
    });
    await recordHostReadEvidence({ db: t.db, workspaceId: s.workspaceId, episodeId: s.episode.id, now });
    expect(await evidenceOf(draft.flight.id)).toEqual([]);
    // Another workspace's episode id finds nothing here.
    const other = await scene();
    expect(
      await recordHostReadEvidence({ db: t.db, workspaceId: s.workspaceId, episodeId: other.episode.id, now }),
    ).toEqual({ checked: 0, missing: 0 });
  });

  it("runs when a transcription finishes; the campaign page flags the miss and a report link needs confirming", async () => {
    const s = await scene();
    const queue = memoryQueue();
    const job = await requestTranscription({
      db: t.db,
      queue: queue.queue,
      workspaceId: s.workspaceId,
      mediaId: s.media.id,
      providersConfigured: true,
      now: new Date(),
    });
    const provider: TranscriptionProvider = {
      id: "openai",
      maxBytes: 25_000_000,
      transcribe: () => Promise.resolve({ language: "en", segments: READ }),
    };
    const { outcome } = await runTranscriptionJob({
      db: t.db,
      bucket: r2.bucket,
      providers: [provider],
      jobId: job.id,
      finalAttempt: false,
      clock: () => new Date(),
    });
    expect(outcome).toBe("done");
    const rows = await t.db
      .select()
      .from(adHostReadEvidence)
      .where(and(eq(adHostReadEvidence.episodeId, s.episode.id), eq(adHostReadEvidence.found, false)));
    expect(rows.map((r) => r.target)).toEqual(["Roasted weekly"]);

    const api = callerFor(t.db, s.x.editor).api;
    const page = await api.campaigns.getCampaign({ workspaceId: s.workspaceId, campaignId: s.campaign.id });
    expect(page.missingMentions.map((m) => [m.kind, m.target, m.episodeTitle])).toEqual([
      ["talking_point", "Roasted weekly", "Ep 7"],
    ]);
    const report = await api.campaigns.getReport({ workspaceId: s.workspaceId, campaignId: s.campaign.id });
    expect(report.missingMentions).toBe(1);
    expect(report.hostReads.map((r) => [r.id, r.proof, r.evidence.length])).toEqual([[s.creative.id, "missing", 4]]);
    expect(report.hostReads[0].evidence.find((e) => e.kind === "promo_code")).toMatchObject({
      found: true,
      atSeconds: 65,
      episodeTitle: "Ep 7",
    });

    const share = { workspaceId: s.workspaceId, campaignId: s.campaign.id, purpose: "report" as const };
    await expect(api.campaigns.createShareLink(share)).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("1 host-read mention was not found") as string,
    });
    const link = await api.campaigns.createShareLink({ ...share, shareDespiteMissingMentions: true });
    expect(link.url).toContain("/campaign-report/");
    // Approval links are not held back by proof of delivery.
    await api.campaigns.createShareLink({ ...share, purpose: "approval" });
  });

  it("re-checks a flight on demand: after a transcript edit the miss is gone, a second press changes nothing", async () => {
    const s = await scene();
    const api = callerFor(t.db, s.x.editor).api;
    const recheck = () => api.campaigns.recheckHostReads({ workspaceId: s.workspaceId, flightId: s.flight.id });
    // Nothing transcribed yet: the episode is covered, but there is nothing to search.
    expect(await recheck()).toMatchObject({ episodes: 1, transcripts: 0, checked: 0, missing: 0 });

    const transcript = await insertTranscript(t.db, {
      workspaceId: s.workspaceId,
      mediaId: s.media.id,
      segments: READ,
    });
    expect(await recheck()).toMatchObject({ episodes: 1, transcripts: 1, checked: 4, missing: 1 });

    // The creator corrects the transcript where the host did say the second point; the button finds it now.
    await t.db
      .update(transcriptSegments)
      .set({ text: "and use the code spring at checkout. Roasted weekly, always." })
      .where(and(eq(transcriptSegments.transcriptId, transcript.id), eq(transcriptSegments.position, 3)));
    const after = await recheck();
    expect(after).toMatchObject({ episodes: 1, transcripts: 1, checked: 4, missing: 0 });
    const again = await recheck();
    expect(again).toMatchObject({ checked: 4, missing: 0 });
    expect(await evidenceOf(s.flight.id)).toHaveLength(4);
    const page = await api.campaigns.getCampaign({ workspaceId: s.workspaceId, campaignId: s.campaign.id });
    expect(page.missingMentions).toEqual([]);
    expect(page.flights[0].hostReadsCheckedAt).toEqual(again.checkedAt);

    const audits = await t.db
      .select({ detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, s.workspaceId), eq(auditEvents.action, "campaign.host_reads_rechecked")))
      .orderBy(asc(auditEvents.createdAt));
    expect(audits).toHaveLength(4);
    expect(audits.at(-1)?.detail).toMatchObject({ flightId: s.flight.id, checked: 4, missing: 0 });

    await expect(
      callerFor(t.db, s.x.viewer).api.campaigns.recheckHostReads({ workspaceId: s.workspaceId, flightId: s.flight.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const draft = await createCampaign(t.db, s.workspaceId, { showId: s.show.id, flight: { status: "draft" } });
    await expect(
      api.campaigns.recheckHostReads({ workspaceId: s.workspaceId, flightId: draft.flight.id }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});
