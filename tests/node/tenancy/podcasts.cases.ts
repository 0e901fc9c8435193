import { expect } from "vitest";
import { insertEpisode, insertMedia, insertShow } from "../../support/podcasts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

const showInput = { title: "Night Shift", category: "Technology", language: "en" };

/** Tenant A's show (with one draft episode and ready audio) and the outsider's own show in workspace B. */
async function content({ db, a, b }: Tenants) {
  const show = await insertShow(db, a.workspace.id, { title: "A's secret show" });
  const audio = await insertMedia(db, a.workspace.id, { kind: "audio" });
  const image = await insertMedia(db, a.workspace.id, { kind: "image" });
  const episode = await insertEpisode(db, show, { title: "A's secret episode", audioMediaId: audio.id });
  const ownShow = await insertShow(db, b.id, { title: "B's show" });
  const ownEpisode = await insertEpisode(db, ownShow, { title: "B's episode" });
  return { show, audio, image, episode, ownShow, ownEpisode };
}

export const cases: Record<string, TenancyCase> = {
  "podcasts.listShows": {
    async allow(x) {
      const { show } = await content(x);
      const page = await x.api(x.a.viewer).podcasts.listShows({ workspaceId: x.a.workspace.id });
      expect(page.items.map((s) => s.id)).toEqual([show.id]);
      expect(page.items[0].episodeCount).toBe(1);
    },
    async foreign(x) {
      await content(x);
      await expectNotFound(x.api(x.outsider).podcasts.listShows({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).podcasts.listShows({ workspaceId: x.b.id });
      expect(own.items.map((s) => s.title)).toEqual(["B's show"]);
    },
  },
  "podcasts.getShow": {
    async allow(x) {
      const { show } = await content(x);
      expect(
        await x.api(x.a.viewer).podcasts.getShow({ workspaceId: x.a.workspace.id, showId: show.id }),
      ).toMatchObject({ id: show.id, title: "A's secret show" });
    },
    async foreign(x) {
      const { show } = await content(x);
      await expectNotFound(x.api(x.outsider).podcasts.getShow({ workspaceId: x.a.workspace.id, showId: show.id }));
      await expectNotFound(x.api(x.outsider).podcasts.getShow({ workspaceId: x.b.id, showId: show.id }));
    },
  },
  "podcasts.createShow": {
    async allow(x) {
      const { image } = await content(x);
      const created = await x
        .api(x.a.editor)
        .podcasts.createShow({ workspaceId: x.a.workspace.id, ...showInput, artworkMediaId: image.id });
      expect(created).toMatchObject({ title: "Night Shift", artworkMediaId: image.id });
    },
    async foreign(x) {
      const { image } = await content(x);
      await expectNotFound(x.api(x.outsider).podcasts.createShow({ workspaceId: x.a.workspace.id, ...showInput }));
      await expectNotFound(
        x.api(x.outsider).podcasts.createShow({ workspaceId: x.b.id, ...showInput, artworkMediaId: image.id }),
      );
    },
  },
  "podcasts.updateShow": {
    async allow(x) {
      const { show } = await content(x);
      expect(
        await x
          .api(x.a.editor)
          .podcasts.updateShow({ workspaceId: x.a.workspace.id, showId: show.id, title: "Renamed" }),
      ).toMatchObject({ title: "Renamed" });
    },
    async foreign(x) {
      const { show, image, ownShow } = await content(x);
      await expectNotFound(
        x.api(x.outsider).podcasts.updateShow({ workspaceId: x.a.workspace.id, showId: show.id, title: "Hijacked" }),
      );
      await expectNotFound(
        x.api(x.outsider).podcasts.updateShow({ workspaceId: x.b.id, showId: show.id, title: "Hijacked" }),
      );
      await expectNotFound(
        x.api(x.outsider).podcasts.updateShow({ workspaceId: x.b.id, showId: ownShow.id, artworkMediaId: image.id }),
      );
      expect((await x.api(x.a.viewer).podcasts.getShow({ workspaceId: x.a.workspace.id, showId: show.id })).title).toBe(
        "A's secret show",
      );
    },
  },
  "podcasts.deleteShow": {
    async allow(x) {
      const { show } = await content(x);
      expect(await x.api(x.a.editor).podcasts.deleteShow({ workspaceId: x.a.workspace.id, showId: show.id })).toEqual({
        id: show.id,
      });
    },
    async foreign(x) {
      const { show } = await content(x);
      await expectNotFound(x.api(x.outsider).podcasts.deleteShow({ workspaceId: x.a.workspace.id, showId: show.id }));
      await expectNotFound(x.api(x.outsider).podcasts.deleteShow({ workspaceId: x.b.id, showId: show.id }));
      expect((await x.api(x.a.viewer).podcasts.getShow({ workspaceId: x.a.workspace.id, showId: show.id })).id).toBe(
        show.id,
      );
    },
  },
  "podcasts.listEpisodes": {
    async allow(x) {
      const { show, episode } = await content(x);
      const page = await x.api(x.a.viewer).podcasts.listEpisodes({ workspaceId: x.a.workspace.id, showId: show.id });
      expect(page.items.map((e) => e.id)).toEqual([episode.id]);
    },
    async foreign(x) {
      const { show } = await content(x);
      await expectNotFound(x.api(x.outsider).podcasts.listEpisodes({ workspaceId: x.a.workspace.id, showId: show.id }));
      await expectNotFound(x.api(x.outsider).podcasts.listEpisodes({ workspaceId: x.b.id, showId: show.id }));
    },
  },
  "podcasts.getEpisode": {
    async allow(x) {
      const { episode, audio } = await content(x);
      const got = await x.api(x.a.viewer).podcasts.getEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id });
      expect(got).toMatchObject({ id: episode.id, showTitle: "A's secret show", audio: { id: audio.id } });
    },
    async foreign(x) {
      const { episode } = await content(x);
      await expectNotFound(
        x.api(x.outsider).podcasts.getEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id }),
      );
      await expectNotFound(x.api(x.outsider).podcasts.getEpisode({ workspaceId: x.b.id, episodeId: episode.id }));
    },
  },
  "podcasts.createEpisode": {
    async allow(x) {
      const { show, audio } = await content(x);
      const created = await x.api(x.a.editor).podcasts.createEpisode({
        workspaceId: x.a.workspace.id,
        showId: show.id,
        title: "Pilot",
        audioMediaId: audio.id,
      });
      expect(created).toMatchObject({ title: "Pilot", status: "draft", audioMediaId: audio.id });
    },
    async foreign(x) {
      const { show, audio, ownShow } = await content(x);
      await expectNotFound(
        x.api(x.outsider).podcasts.createEpisode({ workspaceId: x.a.workspace.id, showId: show.id, title: "Intruder" }),
      );
      // Another tenant's show, and another tenant's audio under one's own show.
      await expectNotFound(
        x.api(x.outsider).podcasts.createEpisode({ workspaceId: x.b.id, showId: show.id, title: "Intruder" }),
      );
      await expectNotFound(
        x.api(x.outsider).podcasts.createEpisode({
          workspaceId: x.b.id,
          showId: ownShow.id,
          title: "Borrowed",
          audioMediaId: audio.id,
        }),
      );
    },
  },
  "podcasts.updateEpisode": {
    async allow(x) {
      const { episode } = await content(x);
      const updated = await x
        .api(x.a.editor)
        .podcasts.updateEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id, status: "published" });
      expect(updated).toMatchObject({ status: "published" });
      expect(updated.publishedAt).toBeInstanceOf(Date);
    },
    async foreign(x) {
      const { episode, audio, ownEpisode } = await content(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .podcasts.updateEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id, title: "Hijacked" }),
      );
      await expectNotFound(
        x.api(x.outsider).podcasts.updateEpisode({ workspaceId: x.b.id, episodeId: episode.id, title: "Hijacked" }),
      );
      await expectNotFound(
        x
          .api(x.outsider)
          .podcasts.updateEpisode({ workspaceId: x.b.id, episodeId: ownEpisode.id, audioMediaId: audio.id }),
      );
    },
  },
  "podcasts.deleteEpisode": {
    async allow(x) {
      const { episode, show } = await content(x);
      expect(
        await x.api(x.a.editor).podcasts.deleteEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id }),
      ).toEqual({ id: episode.id, showId: show.id });
    },
    async foreign(x) {
      const { episode } = await content(x);
      await expectNotFound(
        x.api(x.outsider).podcasts.deleteEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id }),
      );
      await expectNotFound(x.api(x.outsider).podcasts.deleteEpisode({ workspaceId: x.b.id, episodeId: episode.id }));
      expect(
        (await x.api(x.a.viewer).podcasts.getEpisode({ workspaceId: x.a.workspace.id, episodeId: episode.id })).id,
      ).toBe(episode.id);
    },
  },
  "podcasts.listMediaChoices": {
    async allow(x) {
      const { audio } = await content(x);
      expect(
        (await x.api(x.a.viewer).podcasts.listMediaChoices({ workspaceId: x.a.workspace.id, kind: "audio" })).map(
          (m) => m.id,
        ),
      ).toEqual([audio.id]);
    },
    async foreign(x) {
      await content(x);
      await expectNotFound(
        x.api(x.outsider).podcasts.listMediaChoices({ workspaceId: x.a.workspace.id, kind: "audio" }),
      );
      expect(await x.api(x.outsider).podcasts.listMediaChoices({ workspaceId: x.b.id, kind: "audio" })).toEqual([]);
    },
  },
};
