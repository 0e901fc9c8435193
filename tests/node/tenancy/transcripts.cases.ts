import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { transcriptionJobs } from "../../../db/schema";
import type { Env } from "../../../server/env";
import type { TestUser } from "../../support/factories";
import { insertEpisode, insertShow } from "../../support/podcasts";
import { insertTranscript } from "../../support/transcripts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** A provider "configured" so that retries queue; nothing is ever sent to it in these cases. */
const env: Partial<Env> = {
  TRANSCRIPTION_PROVIDERS: "openai",
  OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
  OPENAI_API_KEY: "sk-unused",
};
const api = (x: Tenants, user: TestUser) => x.api(user, { env }).transcripts;

/** A finished transcript in tenant A. */
const transcriptInA = (x: Tenants) => insertTranscript(x.db, x.a.workspace.id);

async function failedJobInA(x: Tenants) {
  const seeded = await transcriptInA(x);
  await x.db
    .update(transcriptionJobs)
    .set({ status: "failed", lastError: "provider down" })
    .where(eq(transcriptionJobs.id, seeded.job.id));
  return seeded;
}

export const cases: Record<string, TenancyCase> = {
  "transcripts.getJobForMedia": {
    async allow(x) {
      const { mediaId, transcript, job } = await transcriptInA(x);
      const result = await api(x, x.a.viewer).getJobForMedia({ workspaceId: x.a.workspace.id, mediaId });
      expect(result).toMatchObject({
        job: { id: job.id, status: "done" },
        transcriptId: transcript.id,
        providersConfigured: true,
      });
    },
    async foreign(x) {
      const { mediaId } = await transcriptInA(x);
      await expectNotFound(api(x, x.outsider).getJobForMedia({ workspaceId: x.a.workspace.id, mediaId }));
      await expectNotFound(api(x, x.outsider).getJobForMedia({ workspaceId: x.b.id, mediaId }));
    },
  },
  "transcripts.get": {
    async allow(x) {
      const { transcript, mediaId } = await transcriptInA(x);
      const byId = await api(x, x.a.viewer).get({ workspaceId: x.a.workspace.id, transcriptId: transcript.id });
      expect(byId.segments.map((s) => s.text)).toEqual(["Welcome to the show.", "Today we talk about microphones."]);
      expect((await api(x, x.a.viewer).get({ workspaceId: x.a.workspace.id, mediaId })).id).toBe(transcript.id);
    },
    async foreign(x) {
      const { transcript, mediaId } = await transcriptInA(x);
      await expectNotFound(api(x, x.outsider).get({ workspaceId: x.a.workspace.id, transcriptId: transcript.id }));
      await expectNotFound(api(x, x.outsider).get({ workspaceId: x.b.id, transcriptId: transcript.id }));
      await expectNotFound(api(x, x.outsider).get({ workspaceId: x.b.id, mediaId }));
    },
  },
  "transcripts.updateSegment": {
    async allow(x) {
      const { segments } = await transcriptInA(x);
      const updated = await api(x, x.a.editor).updateSegment({
        workspaceId: x.a.workspace.id,
        segmentId: segments[1].id,
        text: "Today we talk about mics.",
      });
      expect(updated).toMatchObject({ text: "Today we talk about mics.", startMs: 4000, endMs: 9000 });
    },
    async foreign(x) {
      const { transcript, segments } = await transcriptInA(x);
      await expectNotFound(
        api(x, x.outsider).updateSegment({
          workspaceId: x.a.workspace.id,
          segmentId: segments[0].id,
          text: "Hijacked",
        }),
      );
      await expectNotFound(
        api(x, x.outsider).updateSegment({ workspaceId: x.b.id, segmentId: segments[0].id, text: "Hijacked" }),
      );
      const after = await api(x, x.a.viewer).get({ workspaceId: x.a.workspace.id, transcriptId: transcript.id });
      expect(after.segments[0].text).toBe("Welcome to the show.");
    },
  },
  "transcripts.setLanguage": {
    async allow(x) {
      const { mediaId } = await transcriptInA(x);
      const result = await api(x, x.a.editor).setLanguage({ workspaceId: x.a.workspace.id, mediaId, language: "de" });
      expect(result.job).toMatchObject({ language: "de", status: "done" });
    },
    async foreign(x) {
      const { mediaId, job } = await transcriptInA(x);
      await expectNotFound(
        api(x, x.outsider).setLanguage({ workspaceId: x.a.workspace.id, mediaId, language: "fr", retranscribe: true }),
      );
      await expectNotFound(
        api(x, x.outsider).setLanguage({ workspaceId: x.b.id, mediaId, language: "fr", retranscribe: true }),
      );
      const [row] = await x.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, job.id));
      expect(row).toMatchObject({ status: "done", language: null });
    },
  },
  "transcripts.retryJob": {
    async allow(x) {
      const { job } = await failedJobInA(x);
      expect(await api(x, x.a.editor).retryJob({ workspaceId: x.a.workspace.id, jobId: job.id })).toMatchObject({
        status: "queued",
        lastError: null,
      });
    },
    async foreign(x) {
      const { job } = await failedJobInA(x);
      await expectNotFound(api(x, x.outsider).retryJob({ workspaceId: x.a.workspace.id, jobId: job.id }));
      await expectNotFound(api(x, x.outsider).retryJob({ workspaceId: x.b.id, jobId: job.id }));
      const [row] = await x.db.select().from(transcriptionJobs).where(eq(transcriptionJobs.id, job.id));
      expect(row.status).toBe("failed");
    },
  },
  "transcripts.summarize": {
    async allow(x) {
      const { transcript } = await transcriptInA(x);
      const result = await api(x, x.a.editor).summarize({ workspaceId: x.a.workspace.id, transcriptId: transcript.id });
      expect(result).toMatchObject({ summaryKind: "extractive", chapters: [{ startMs: 0 }] });
    },
    async foreign(x) {
      const { transcript } = await transcriptInA(x);
      await expectNotFound(
        api(x, x.outsider).summarize({ workspaceId: x.a.workspace.id, transcriptId: transcript.id }),
      );
      await expectNotFound(api(x, x.outsider).summarize({ workspaceId: x.b.id, transcriptId: transcript.id }));
      expect(
        (await api(x, x.a.viewer).get({ workspaceId: x.a.workspace.id, transcriptId: transcript.id })).summary,
      ).toBeNull();
    },
  },
  "transcripts.setPublication": {
    async allow(x) {
      const { transcript } = await transcriptInA(x);
      const result = await api(x, x.a.editor).setPublication({
        workspaceId: x.a.workspace.id,
        transcriptId: transcript.id,
        part: "transcript",
        published: true,
      });
      expect(result.transcriptPublishedAt).toBeInstanceOf(Date);
      expect(result.chaptersPublishedAt).toBeNull();
    },
    async foreign(x) {
      const { transcript } = await transcriptInA(x);
      const input = { transcriptId: transcript.id, part: "transcript" as const, published: true };
      await expectNotFound(api(x, x.outsider).setPublication({ workspaceId: x.a.workspace.id, ...input }));
      await expectNotFound(api(x, x.outsider).setPublication({ workspaceId: x.b.id, ...input }));
      expect(
        (await api(x, x.a.viewer).get({ workspaceId: x.a.workspace.id, transcriptId: transcript.id }))
          .transcriptPublishedAt,
      ).toBeNull();
    },
  },
  "transcripts.setShowAutoPublish": {
    async allow(x) {
      const show = await insertShow(x.db, x.a.workspace.id);
      await insertEpisode(x.db, show);
      const result = await api(x, x.a.editor).setShowAutoPublish({
        workspaceId: x.a.workspace.id,
        showId: show.id,
        enabled: true,
      });
      expect(result).toEqual({ showId: show.id, autoPublishTranscripts: true });
    },
    async foreign(x) {
      const show = await insertShow(x.db, x.a.workspace.id);
      const input = { showId: show.id, enabled: true };
      await expectNotFound(api(x, x.outsider).setShowAutoPublish({ workspaceId: x.a.workspace.id, ...input }));
      await expectNotFound(api(x, x.outsider).setShowAutoPublish({ workspaceId: x.b.id, ...input }));
      expect((await x.api(x.a.viewer).podcasts.getShow({ workspaceId: x.a.workspace.id, showId: show.id })).title).toBe(
        show.title,
      );
    },
  },
};
