import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transcripts } from "../../db/schema";
import { getPublishedEpisode } from "../../server/services/podcasts/public";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { insertEpisode, insertMedia, insertShow, insertTranscript } from "../support/podcasts";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("an episode's public transcript follows its audio", () => {
  it("never publishes the transcript of audio the episode used before", async () => {
    const { workspace, editor } = await createTeam(t.db);
    const show = await insertShow(t.db, workspace.id);
    const rawCut = await insertMedia(t.db, workspace.id, { filename: "raw.mp3" });
    const finalCut = await insertMedia(t.db, workspace.id, { filename: "final.mp3" });
    const episode = await insertEpisode(t.db, show, { audioMediaId: rawCut.id });
    const raw = await insertTranscript(t.db, {
      workspaceId: workspace.id,
      mediaId: rawCut.id,
      episodeId: episode.id,
      segments: [{ startMs: 0, endMs: 1000, text: "CONFIDENTIAL off-the-record remark" }],
    });
    const final = await insertTranscript(t.db, {
      workspaceId: workspace.id,
      mediaId: finalCut.id,
      segments: [{ startMs: 0, endMs: 1000, text: "The edited interview." }],
    });

    const api = callerFor(t.db, editor).api.podcasts;
    await api.updateEpisode({ workspaceId: workspace.id, episodeId: episode.id, audioMediaId: finalCut.id });
    await api.updateEpisode({ workspaceId: workspace.id, episodeId: episode.id, status: "published" });

    const published = await getPublishedEpisode({
      db: t.db,
      showId: show.id,
      episodeId: episode.id,
      withTranscript: true,
    });
    expect(published.transcript?.id).toBe(final.id);
    expect(JSON.stringify(published)).not.toContain("CONFIDENTIAL");
    const links = await t.db
      .select({ id: transcripts.id, episodeId: transcripts.episodeId })
      .from(transcripts)
      .where(eq(transcripts.workspaceId, workspace.id));
    expect(Object.fromEntries(links.map((l) => [l.id, l.episodeId]))).toEqual({
      [raw.id]: null,
      [final.id]: episode.id,
    });

    // Even a stale link (left by older data or a race) cannot put the old audio's transcript in public.
    await t.db.update(transcripts).set({ episodeId: episode.id }).where(eq(transcripts.id, raw.id));
    const again = await getPublishedEpisode({ db: t.db, showId: show.id, episodeId: episode.id, withTranscript: true });
    expect(again.transcript?.id).toBe(final.id);
  });
});
