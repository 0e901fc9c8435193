import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { getPublicEpisodePage } from "../../server/services/podcasts/public";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { insertPublishedEpisode, insertShow } from "../support/podcasts";
import { insertTranscript } from "../support/transcripts";
import { callerFor } from "../support/trpc";

/** Review before publishing (ADR 020), through the router as the transcript page uses it. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function seeded() {
  const team = await createTeam(t.db);
  const show = await insertShow(t.db, team.workspace.id, { title: "Garden Hour" });
  const { episode, media } = await insertPublishedEpisode(t.db, show, { title: "Spring planting" });
  const { transcript } = await insertTranscript(t.db, team.workspace.id, { mediaId: media.id });
  const editor = callerFor(t.db, team.editor).api.transcripts;
  const viewer = callerFor(t.db, team.viewer).api.transcripts;
  const page = () =>
    getPublicEpisodePage({
      db: t.db,
      showId: show.id,
      episodeId: episode.id,
      appUrl: "https://studio.example",
      viewerUserId: null,
      now: new Date(),
    });
  return { team, show, episode, transcript, editor, viewer, page, ws: { workspaceId: team.workspace.id } };
}

describe("transcript review", () => {
  it("titles the transcript by its episode and starts private", async () => {
    const { transcript, viewer, page, ws } = await seeded();
    const got = await viewer.get({ ...ws, transcriptId: transcript.id });
    expect(got.episode?.title).toBe("Spring planting");
    expect(got.show).toMatchObject({ title: "Garden Hour", autoPublishTranscripts: false });
    expect(got).toMatchObject({ transcriptPublishedAt: null, chaptersPublishedAt: null });
    expect((await page()).transcript).toBeNull();
  });

  it("publishes on approval with an audit row; new chapters need approval again", async () => {
    const { team, transcript, editor, viewer, page, ws } = await seeded();
    await expect(
      editor.setPublication({ ...ws, transcriptId: transcript.id, part: "chapters", published: true }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(
      viewer.setPublication({ ...ws, transcriptId: transcript.id, part: "transcript", published: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    await editor.setPublication({ ...ws, transcriptId: transcript.id, part: "transcript", published: true });
    expect((await page()).transcript?.segments.map((s) => s.text)).toEqual([
      "Welcome to the show.",
      "Today we talk about microphones.",
    ]);
    expect((await page()).transcript?.chapters).toEqual([]);

    await editor.summarize({ ...ws, transcriptId: transcript.id });
    await editor.setPublication({ ...ws, transcriptId: transcript.id, part: "chapters", published: true });
    expect((await page()).transcript?.chapters.length).toBeGreaterThan(0);
    // Generating again makes new machine chapters: private until approved, the approved text stays public.
    await editor.summarize({ ...ws, transcriptId: transcript.id });
    expect((await page()).transcript?.chapters).toEqual([]);
    expect((await page()).transcript?.segments).toHaveLength(2);

    const audits = await t.db
      .select({ detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, team.workspace.id), eq(auditEvents.action, "transcript.publication_set")));
    expect(audits.map((a) => a.detail)).toEqual([
      { transcriptId: transcript.id, part: "transcript", published: true },
      { transcriptId: transcript.id, part: "chapters", published: true },
    ]);
  });

  it("publishes everything of a show that auto-publishes, and withdraws it when turned off", async () => {
    const { team, show, transcript, editor, viewer, page, ws } = await seeded();
    await editor.setShowAutoPublish({ ...ws, showId: show.id, enabled: true });
    expect((await page()).transcript?.segments).toHaveLength(2);
    expect((await viewer.get({ ...ws, transcriptId: transcript.id })).show?.autoPublishTranscripts).toBe(true);
    await editor.setShowAutoPublish({ ...ws, showId: show.id, enabled: false });
    expect((await page()).transcript).toBeNull();
    const [audit] = await t.db
      .select({ detail: auditEvents.detail })
      .from(auditEvents)
      .where(
        and(eq(auditEvents.workspaceId, team.workspace.id), eq(auditEvents.action, "show.transcript_auto_publish_set")),
      );
    expect(audit.detail).toEqual({ showId: show.id, enabled: true });
  });
});
