import { expect } from "vitest";
import { audienceMember, insertTier } from "../../support/comments";
import { insertPublishedEpisode, insertShow } from "../../support/podcasts";
import { callerFor } from "../../support/trpc";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** A published episode in each workspace, a supporter's comment under A's (reported once), and one under B's. */
async function content({ db, a, b }: Tenants) {
  const showA = await insertShow(db, a.workspace.id);
  const { episode } = await insertPublishedEpisode(db, showA, { title: "A's episode" });
  const showB = await insertShow(db, b.id);
  const { episode: episodeB } = await insertPublishedEpisode(db, showB, { title: "B's episode" });
  const tier = await insertTier(db, a.workspace.id, "Free", "free");
  const tierB = await insertTier(db, b.id, "Free", "free");
  const supporter = await audienceMember(db, a.workspace.id, tier, { name: "Sue Supporter" });
  const supporterB = await audienceMember(db, b.id, tierB, { name: "Bea Supporter" });
  const target = { workspaceId: a.workspace.id, targetKind: "episode" as const, targetId: episode.id };
  const comment = await callerFor(db, supporter).api.comments.create({ ...target, body: "A comment in A" });
  const commentB = await callerFor(db, supporterB).api.comments.create({
    workspaceId: b.id,
    targetKind: "episode",
    targetId: episodeB.id,
    body: "A comment in B",
  });
  const reporter = await audienceMember(db, a.workspace.id, tier, { name: "Rae Reporter" });
  await callerFor(db, reporter).api.comments.report({
    workspaceId: a.workspace.id,
    commentId: comment.id,
    reason: "spam",
    note: "",
  });
  const reports = await callerFor(db, a.owner).api.comments.listForModeration({
    workspaceId: a.workspace.id,
    filter: "reported",
  });
  const reportId = reports.items[0].reports[0].id;
  return { episode, episodeB, tier, comment, commentB, reportId, supporter, supporterB };
}

export const cases: Record<string, TenancyCase> = {
  "comments.listForModeration": {
    async allow(x) {
      const { comment } = await content(x);
      const list = await x.api(x.a.viewer).comments.listForModeration({ workspaceId: x.a.workspace.id });
      expect(list.items.map((i) => i.id)).toEqual([comment.id]);
    },
    async foreign(x) {
      const { episode, commentB } = await content(x);
      await expectNotFound(x.api(x.outsider).comments.listForModeration({ workspaceId: x.a.workspace.id }));
      // A's episode as the filter through B's workspace lists nothing of A's.
      const own = await x.api(x.outsider).comments.listForModeration({ workspaceId: x.b.id, targetId: episode.id });
      expect(own.items).toEqual([]);
      const all = await x.api(x.outsider).comments.listForModeration({ workspaceId: x.b.id });
      expect(all.items.map((i) => i.id)).toEqual([commentB.id]);
    },
  },
  "comments.setHidden": {
    async allow(x) {
      const { comment } = await content(x);
      const hidden = await x
        .api(x.a.editor)
        .comments.setHidden({ workspaceId: x.a.workspace.id, commentId: comment.id, hidden: true });
      expect(hidden).toEqual({ id: comment.id, status: "hidden" });
    },
    async foreign(x) {
      const { comment } = await content(x);
      await expectNotFound(
        x.api(x.outsider).comments.setHidden({ workspaceId: x.a.workspace.id, commentId: comment.id, hidden: true }),
      );
      await expectNotFound(
        x.api(x.outsider).comments.setHidden({ workspaceId: x.b.id, commentId: comment.id, hidden: true }),
      );
    },
  },
  "comments.moderatorDelete": {
    async allow(x) {
      const { comment } = await content(x);
      expect(
        await x.api(x.a.editor).comments.moderatorDelete({ workspaceId: x.a.workspace.id, commentId: comment.id }),
      ).toEqual({ id: comment.id });
    },
    async foreign(x) {
      const { comment } = await content(x);
      await expectNotFound(
        x.api(x.outsider).comments.moderatorDelete({ workspaceId: x.a.workspace.id, commentId: comment.id }),
      );
      await expectNotFound(x.api(x.outsider).comments.moderatorDelete({ workspaceId: x.b.id, commentId: comment.id }));
      const list = await x.api(x.a.owner).comments.listForModeration({ workspaceId: x.a.workspace.id });
      expect(list.items[0]).toMatchObject({ status: "visible", body: "A comment in A" });
    },
  },
  "comments.blockAuthor": {
    async allow(x) {
      const { comment, supporter } = await content(x);
      expect(
        await x.api(x.a.admin).comments.blockAuthor({ workspaceId: x.a.workspace.id, commentId: comment.id }),
      ).toEqual({ supporterId: supporter.supporterId });
    },
    async foreign(x) {
      const { comment } = await content(x);
      await expectNotFound(
        x.api(x.outsider).comments.blockAuthor({ workspaceId: x.a.workspace.id, commentId: comment.id }),
      );
      await expectNotFound(x.api(x.outsider).comments.blockAuthor({ workspaceId: x.b.id, commentId: comment.id }));
    },
  },
  "comments.resolveReport": {
    async allow(x) {
      const { reportId } = await content(x);
      expect(
        await x
          .api(x.a.editor)
          .comments.resolveReport({ workspaceId: x.a.workspace.id, reportId, outcome: "dismissed" }),
      ).toEqual({ id: reportId, status: "dismissed" });
    },
    async foreign(x) {
      const { reportId } = await content(x);
      await expectNotFound(
        x.api(x.outsider).comments.resolveReport({ workspaceId: x.a.workspace.id, reportId, outcome: "resolved" }),
      );
      await expectNotFound(
        x.api(x.outsider).comments.resolveReport({ workspaceId: x.b.id, reportId, outcome: "resolved" }),
      );
    },
  },
  "comments.getSettings": {
    async allow(x) {
      const { episode, tier } = await content(x);
      const got = await x
        .api(x.a.viewer)
        .comments.getSettings({ workspaceId: x.a.workspace.id, targetKind: "episode", targetId: episode.id });
      expect(got).toEqual({
        setting: { openTo: "members", tierIds: [], overridden: false },
        tiers: [{ id: tier.id, name: "Free" }],
      });
    },
    async foreign(x) {
      const { episode, tier } = await content(x);
      await expectNotFound(x.api(x.outsider).comments.getSettings({ workspaceId: x.a.workspace.id }));
      // A's episode through B's workspace is not there; B's settings list B's tiers only.
      await expectNotFound(
        x.api(x.outsider).comments.getSettings({ workspaceId: x.b.id, targetKind: "episode", targetId: episode.id }),
      );
      const own = await x.api(x.outsider).comments.getSettings({ workspaceId: x.b.id });
      expect(own.tiers.map((t) => t.id)).not.toContain(tier.id);
      expect(own.tiers).toHaveLength(1);
    },
  },
  "comments.updateSettings": {
    async allow(x) {
      const { episode, tier } = await content(x);
      const set = await x.api(x.a.editor).comments.updateSettings({
        workspaceId: x.a.workspace.id,
        targetKind: "episode",
        targetId: episode.id,
        openTo: "tiers",
        tierIds: [tier.id],
      });
      expect(set).toEqual({ openTo: "tiers", tierIds: [tier.id], overridden: true });
    },
    async foreign(x) {
      const { episode, tier } = await content(x);
      await expectNotFound(x.api(x.outsider).comments.updateSettings({ workspaceId: x.a.workspace.id, openTo: "off" }));
      // A's episode, or A's tier, through B's workspace.
      await expectNotFound(
        x.api(x.outsider).comments.updateSettings({
          workspaceId: x.b.id,
          targetKind: "episode",
          targetId: episode.id,
          openTo: "off",
        }),
      );
      await expectNotFound(
        x.api(x.outsider).comments.updateSettings({ workspaceId: x.b.id, openTo: "tiers", tierIds: [tier.id] }),
      );
    },
  },
  "comments.listMine": {
    async allow(x) {
      const { comment, supporter } = await content(x);
      const mine = await callerFor(x.db, supporter).api.comments.listMine({ workspaceId: x.a.workspace.id });
      expect(mine.items.map((i) => i.id)).toEqual([comment.id]);
    },
    async foreign(x) {
      const { commentB, supporterB } = await content(x);
      const api = callerFor(x.db, supporterB).api;
      // B's supporter is nobody in A's audience: refused, told to join, shown nothing of A's.
      await expect(api.comments.listMine({ workspaceId: x.a.workspace.id })).rejects.toMatchObject({
        code: "PRECONDITION_FAILED",
      });
      await expectNotFound(api.comments.listMine({ workspaceId: "00000000-0000-4000-8000-000000000000" }));
      expect((await api.comments.listMine({ workspaceId: x.b.id })).items.map((i) => i.id)).toEqual([commentB.id]);
    },
  },
};
