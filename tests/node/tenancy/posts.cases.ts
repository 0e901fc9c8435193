import { expect } from "vitest";
import { insertEpisode, insertMedia, insertShow } from "../../support/podcasts";
import { insertTier } from "../../support/posts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Tenant A's post (with its media, episode and tier) and the outsider's own post, media, episode and tier in B. */
async function content({ db, a, b, outsider, api }: Tenants) {
  const image = await insertMedia(db, a.workspace.id, { kind: "image" });
  const show = await insertShow(db, a.workspace.id);
  const episode = await insertEpisode(db, show, { title: "A's episode" });
  const tier = await insertTier(db, a.workspace.id, { name: "A's tier" });
  const post = await api(a.editor).posts.create({
    workspaceId: a.workspace.id,
    title: "A's secret post",
    bodyHtml: `<img data-media-id="${image.id}" alt=""><figure data-episode-id="${episode.id}"></figure>`,
    visibility: "tiers",
    visibilityTierIds: [tier.id],
  });
  const ownPost = await api(outsider).posts.create({ workspaceId: b.id, title: "B's post" });
  return { image, episode, tier, post, ownPost };
}

export const cases: Record<string, TenancyCase> = {
  "posts.list": {
    async allow(x) {
      const { post } = await content(x);
      const page = await x.api(x.a.viewer).posts.list({ workspaceId: x.a.workspace.id });
      expect(page.items.map((p) => p.id)).toEqual([post.id]);
    },
    async foreign(x) {
      await content(x);
      await expectNotFound(x.api(x.outsider).posts.list({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).posts.list({ workspaceId: x.b.id });
      expect(own.items.map((p) => p.title)).toEqual(["B's post"]);
    },
  },
  "posts.get": {
    async allow(x) {
      const { post } = await content(x);
      expect(await x.api(x.a.viewer).posts.get({ workspaceId: x.a.workspace.id, postId: post.id })).toMatchObject({
        title: "A's secret post",
      });
    },
    async foreign(x) {
      const { post } = await content(x);
      await expectNotFound(x.api(x.outsider).posts.get({ workspaceId: x.a.workspace.id, postId: post.id }));
      await expectNotFound(x.api(x.outsider).posts.get({ workspaceId: x.b.id, postId: post.id }));
    },
  },
  "posts.create": {
    async allow(x) {
      const { image, tier } = await content(x);
      const created = await x.api(x.a.editor).posts.create({
        workspaceId: x.a.workspace.id,
        title: "New",
        bodyHtml: `<img data-media-id="${image.id}">`,
        visibility: "tiers",
        visibilityTierIds: [tier.id],
      });
      expect(created).toMatchObject({ title: "New", status: "draft", visibilityTierIds: [tier.id] });
    },
    async foreign(x) {
      const { image, episode, tier } = await content(x);
      const api = x.api(x.outsider).posts;
      await expectNotFound(api.create({ workspaceId: x.a.workspace.id, title: "Hijack" }));
      // A's media, episode and tier addressed from the outsider's own workspace.
      await expectNotFound(
        api.create({ workspaceId: x.b.id, title: "x", bodyHtml: `<img data-media-id="${image.id}">` }),
      );
      await expectNotFound(
        api.create({ workspaceId: x.b.id, title: "x", bodyHtml: `<figure data-episode-id="${episode.id}"></figure>` }),
      );
      await expectNotFound(
        api.create({ workspaceId: x.b.id, title: "x", visibility: "tiers", visibilityTierIds: [tier.id] }),
      );
    },
  },
  "posts.update": {
    async allow(x) {
      const { post } = await content(x);
      expect(
        await x.api(x.a.editor).posts.update({ workspaceId: x.a.workspace.id, postId: post.id, title: "Renamed" }),
      ).toMatchObject({ title: "Renamed" });
    },
    async foreign(x) {
      const { post, image, tier, ownPost } = await content(x);
      const api = x.api(x.outsider).posts;
      await expectNotFound(api.update({ workspaceId: x.a.workspace.id, postId: post.id, title: "Hijacked" }));
      await expectNotFound(api.update({ workspaceId: x.b.id, postId: post.id, title: "Hijacked" }));
      await expectNotFound(
        api.update({
          workspaceId: x.b.id,
          postId: ownPost.id,
          bodyHtml: `<audio data-media-id="${image.id}"></audio>`,
        }),
      );
      await expectNotFound(
        api.update({ workspaceId: x.b.id, postId: ownPost.id, visibility: "tiers", visibilityTierIds: [tier.id] }),
      );
    },
  },
  "posts.delete": {
    async allow(x) {
      const { post } = await content(x);
      expect(await x.api(x.a.editor).posts.delete({ workspaceId: x.a.workspace.id, postId: post.id })).toEqual({
        id: post.id,
      });
    },
    async foreign(x) {
      const { post } = await content(x);
      await expectNotFound(x.api(x.outsider).posts.delete({ workspaceId: x.a.workspace.id, postId: post.id }));
      await expectNotFound(x.api(x.outsider).posts.delete({ workspaceId: x.b.id, postId: post.id }));
      expect(await x.api(x.a.viewer).posts.get({ workspaceId: x.a.workspace.id, postId: post.id })).toMatchObject({
        id: post.id,
      });
    },
  },
  "posts.listEmbedChoices": {
    async allow(x) {
      const { image, episode } = await content(x);
      const choices = await x.api(x.a.viewer).posts.listEmbedChoices({ workspaceId: x.a.workspace.id });
      expect(choices.images.map((m) => m.id)).toEqual([image.id]);
      expect(choices.episodes.map((e) => e.id)).toEqual([episode.id]);
      expect(choices.tiers.map((tier) => tier.name)).toEqual(["A's tier"]);
    },
    async foreign(x) {
      await content(x);
      await expectNotFound(x.api(x.outsider).posts.listEmbedChoices({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).posts.listEmbedChoices({ workspaceId: x.b.id });
      expect(own).toEqual({ images: [], audio: [], episodes: [], tiers: [] });
    },
  },
};
