import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertEpisode, insertMedia, insertShow, insertTranscript } from "../support/podcasts";
import { insertTier } from "../support/posts";
import { insertSocialAccount } from "../support/social-posts";
import { tableSnapshot } from "../support/snapshot";
import { expectNotFound, tenants, type Tenants } from "./tenancy/harness";

/**
 * Every id a procedure stores must resolve inside the caller's workspace (ADR 013). For each stored reference
 * field, the outsider calls into their own workspace B with tenant A's object and with an id that exists nowhere:
 * both are NOT_FOUND and no table changes.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

/** A's objects (the foreign ids) and B's own, so every other field of a call is valid. */
async function content(x: Tenants) {
  const { db, a, b } = x;
  const aAudio = await insertMedia(db, a.workspace.id, { kind: "audio" });
  const aShow = await insertShow(db, a.workspace.id);
  const foreign = {
    account: (await insertSocialAccount(db, a.workspace.id, { username: "a_account" })).id,
    image: (await insertMedia(db, a.workspace.id, { kind: "image" })).id,
    audio: aAudio.id,
    show: aShow.id,
    episode: (await insertEpisode(db, aShow)).id,
    tier: (await insertTier(db, a.workspace.id)).id,
    post: (await x.api(a.owner).posts.create({ workspaceId: a.workspace.id, title: "A's post" })).id,
    event: (
      await x.api(a.owner).events.create({
        workspaceId: a.workspace.id,
        title: "A's event",
        kind: "online",
        timeZone: "UTC",
        startsAt: "2024-03-12T19:00",
        endsAt: "2024-03-12T21:00",
        joinUrl: "https://meet.example.test/a",
        capacity: null,
      })
    ).event.id,
    transcript: (
      await insertTranscript(db, {
        workspaceId: a.workspace.id,
        mediaId: aAudio.id,
        segments: [{ startMs: 0, endMs: 1000, text: "A's words" }],
      })
    ).id,
  };
  const bShow = await insertShow(db, b.id);
  const own = {
    account: (await insertSocialAccount(db, b.id, { username: "b_account" })).id,
    image: (await insertMedia(db, b.id, { kind: "image" })).id,
    audio: (await insertMedia(db, b.id, { kind: "audio" })).id,
    show: bShow.id,
    episode: (await insertEpisode(db, bShow)).id,
  };
  const draft = await x.api(x.outsider).socialPosts.createPost({
    workspaceId: b.id,
    accountId: own.account,
    type: "image",
    caption: "B's draft",
    mediaIds: [own.image],
    timezone: "UTC",
  });
  const ownPost = await x.api(x.outsider).posts.create({ workspaceId: b.id, title: "B's post" });
  const { event: ownEvent } = await x.api(x.outsider).events.create({
    workspaceId: b.id,
    title: "B's past event",
    kind: "online",
    timeZone: "UTC",
    startsAt: "2024-03-12T19:00",
    endsAt: "2024-03-12T21:00",
    joinUrl: "https://meet.example.test/b",
    capacity: null,
  });
  const ownAudio = await insertMedia(db, b.id, { kind: "audio", status: "ready", durationSeconds: 60 });
  return { foreign, own, draft: draft.id, post: ownPost.id, event: ownEvent.id, readyAudio: ownAudio.id };
}

type Content = Awaited<ReturnType<typeof content>>;
type ForeignKind = keyof Content["foreign"];

const post = (own: Content["own"]) => ({
  accountId: own.account,
  type: "image" as const,
  caption: "Hello",
  mediaIds: [own.image],
  timezone: "UTC",
});

/** Per reference field: which of A's objects is the foreign id, and the outsider's call with `id` in that field. */
const references: Record<
  string,
  { kind: ForeignKind; call: (x: Tenants, c: Content, id: string) => Promise<unknown> }
> = {
  "socialPosts.createPost accountId": {
    kind: "account",
    call: (x, c, id) =>
      x.api(x.outsider).socialPosts.createPost({ workspaceId: x.b.id, ...post(c.own), accountId: id }),
  },
  "socialPosts.createPost mediaIds": {
    kind: "image",
    call: (x, c, id) =>
      x.api(x.outsider).socialPosts.createPost({ workspaceId: x.b.id, ...post(c.own), mediaIds: [id] }),
  },
  "socialPosts.createPost sourceId (transcript)": {
    kind: "transcript",
    call: (x, c, id) =>
      x
        .api(x.outsider)
        .socialPosts.createPost({ workspaceId: x.b.id, ...post(c.own), sourceType: "transcript", sourceId: id }),
  },
  "socialPosts.createPost sourceId (episode)": {
    kind: "episode",
    call: (x, c, id) =>
      x
        .api(x.outsider)
        .socialPosts.createPost({ workspaceId: x.b.id, ...post(c.own), sourceType: "episode", sourceId: id }),
  },
  "socialPosts.updatePost accountId": {
    kind: "account",
    call: (x, c, id) =>
      x.api(x.outsider).socialPosts.updatePost({ workspaceId: x.b.id, postId: c.draft, ...post(c.own), accountId: id }),
  },
  "socialPosts.updatePost mediaIds": {
    kind: "image",
    call: (x, c, id) =>
      x
        .api(x.outsider)
        .socialPosts.updatePost({ workspaceId: x.b.id, postId: c.draft, ...post(c.own), mediaIds: [id] }),
  },
  "socialPosts.updatePost sourceId (transcript)": {
    kind: "transcript",
    call: (x, c, id) =>
      x.api(x.outsider).socialPosts.updatePost({
        workspaceId: x.b.id,
        postId: c.draft,
        ...post(c.own),
        sourceType: "transcript",
        sourceId: id,
      }),
  },
  "socialPosts.updatePost sourceId (episode)": {
    kind: "episode",
    call: (x, c, id) =>
      x.api(x.outsider).socialPosts.updatePost({
        workspaceId: x.b.id,
        postId: c.draft,
        ...post(c.own),
        sourceType: "episode",
        sourceId: id,
      }),
  },
  "podcasts.createShow artworkMediaId": {
    kind: "image",
    call: (x, _c, id) =>
      x.api(x.outsider).podcasts.createShow({
        workspaceId: x.b.id,
        title: "B's show",
        category: "Technology",
        language: "en",
        artworkMediaId: id,
      }),
  },
  "podcasts.updateShow artworkMediaId": {
    kind: "image",
    call: (x, c, id) =>
      x.api(x.outsider).podcasts.updateShow({ workspaceId: x.b.id, showId: c.own.show, artworkMediaId: id }),
  },
  "podcasts.createEpisode showId": {
    kind: "show",
    call: (x, _c, id) => x.api(x.outsider).podcasts.createEpisode({ workspaceId: x.b.id, showId: id, title: "Pilot" }),
  },
  "podcasts.createEpisode audioMediaId": {
    kind: "audio",
    call: (x, c, id) =>
      x
        .api(x.outsider)
        .podcasts.createEpisode({ workspaceId: x.b.id, showId: c.own.show, title: "Pilot", audioMediaId: id }),
  },
  "podcasts.updateEpisode audioMediaId": {
    kind: "audio",
    call: (x, c, id) =>
      x.api(x.outsider).podcasts.updateEpisode({ workspaceId: x.b.id, episodeId: c.own.episode, audioMediaId: id }),
  },
  // Private feeds open an episode by these tiers (ADR 028).
  "podcasts.updateEpisode visibilityTierIds": {
    kind: "tier",
    call: (x, c, id) =>
      x.api(x.outsider).podcasts.updateEpisode({
        workspaceId: x.b.id,
        episodeId: c.own.episode,
        visibility: "tiers",
        visibilityTierIds: [id],
      }),
  },
  // An event's recording is for that event's ticket holders (ADR 034).
  "posts.create visibilityEventId": {
    kind: "event",
    call: (x, _c, id) =>
      x.api(x.outsider).posts.create({
        workspaceId: x.b.id,
        title: "B",
        visibility: "ticket_holders",
        visibilityEventId: id,
      }),
  },
  "posts.update visibilityEventId": {
    kind: "event",
    call: (x, c, id) =>
      x.api(x.outsider).posts.update({
        workspaceId: x.b.id,
        postId: c.post,
        visibility: "ticket_holders",
        visibilityEventId: id,
      }),
  },
  "podcasts.createEpisode visibilityEventId": {
    kind: "event",
    call: (x, c, id) =>
      x.api(x.outsider).podcasts.createEpisode({
        workspaceId: x.b.id,
        showId: c.own.show,
        title: "Pilot",
        visibility: "ticket_holders",
        visibilityEventId: id,
      }),
  },
  "podcasts.updateEpisode visibilityEventId": {
    kind: "event",
    call: (x, c, id) =>
      x.api(x.outsider).podcasts.updateEpisode({
        workspaceId: x.b.id,
        episodeId: c.own.episode,
        visibility: "ticket_holders",
        visibilityEventId: id,
      }),
  },
  "events.publishRecording eventId": {
    kind: "event",
    call: (x, c, id) =>
      x.api(x.outsider).events.publishRecording({
        workspaceId: x.b.id,
        eventId: id,
        recording: { kind: "post", url: "https://video.example.test/r", title: "R" },
      }),
  },
  "events.publishRecording showId": {
    kind: "show",
    call: (x, c, id) =>
      x.api(x.outsider).events.publishRecording({
        workspaceId: x.b.id,
        eventId: c.event,
        recording: { kind: "episode", showId: id, audioMediaId: c.readyAudio, title: "R" },
      }),
  },
  "events.publishRecording audioMediaId": {
    kind: "audio",
    call: (x, c, id) =>
      x.api(x.outsider).events.publishRecording({
        workspaceId: x.b.id,
        eventId: c.event,
        recording: { kind: "episode", showId: c.own.show, audioMediaId: id, title: "R" },
      }),
  },
  "posts.create visibilityTierIds": {
    kind: "tier",
    call: (x, _c, id) =>
      x.api(x.outsider).posts.create({ workspaceId: x.b.id, title: "B", visibility: "tiers", visibilityTierIds: [id] }),
  },
  "posts.update visibilityTierIds": {
    kind: "tier",
    call: (x, c, id) =>
      x
        .api(x.outsider)
        .posts.update({ workspaceId: x.b.id, postId: c.post, visibility: "tiers", visibilityTierIds: [id] }),
  },
  "posts.create bodyHtml data-media-id": {
    kind: "image",
    call: (x, _c, id) =>
      x.api(x.outsider).posts.create({ workspaceId: x.b.id, title: "B", bodyHtml: `<img data-media-id="${id}">` }),
  },
  "posts.update bodyHtml data-media-id (audio)": {
    kind: "audio",
    call: (x, c, id) =>
      x
        .api(x.outsider)
        .posts.update({ workspaceId: x.b.id, postId: c.post, bodyHtml: `<audio data-media-id="${id}"></audio>` }),
  },
  "posts.update bodyHtml data-episode-id": {
    kind: "episode",
    call: (x, c, id) =>
      x.api(x.outsider).posts.update({
        workspaceId: x.b.id,
        postId: c.post,
        bodyHtml: `<figure data-episode-id="${id}"></figure>`,
      }),
  },
  "posts.update postId": {
    kind: "post",
    call: (x, _c, id) => x.api(x.outsider).posts.update({ workspaceId: x.b.id, postId: id, title: "Taken" }),
  },
  "comments.updateSettings tierIds": {
    kind: "tier",
    call: (x, _c, id) =>
      x.api(x.outsider).comments.updateSettings({ workspaceId: x.b.id, openTo: "tiers", tierIds: [id] }),
  },
  "comments.updateSettings targetId (episode)": {
    kind: "episode",
    call: (x, _c, id) =>
      x
        .api(x.outsider)
        .comments.updateSettings({ workspaceId: x.b.id, targetKind: "episode", targetId: id, openTo: "off" }),
  },
  "comments.updateSettings targetId (post)": {
    kind: "post",
    call: (x, _c, id) =>
      x
        .api(x.outsider)
        .comments.updateSettings({ workspaceId: x.b.id, targetKind: "post", targetId: id, openTo: "off" }),
  },
  "audience.grantMembership tierId": {
    kind: "tier",
    call: (x, _c, id) =>
      x.api(x.outsider).audience.grantMembership({
        workspaceId: x.b.id,
        email: "gift@example.com",
        tierId: id,
        source: "complimentary",
        endsAt: null,
      }),
  },
};

describe("stored references resolve in the caller's workspace", () => {
  for (const [field, reference] of Object.entries(references)) {
    it(`${field}: another workspace's id and a nonexistent id are NOT_FOUND and store nothing`, async () => {
      const x = await tenants(t.db);
      const c = await content(x);
      for (const id of [c.foreign[reference.kind], randomUUID()]) {
        const before = await tableSnapshot(t.pglite);
        await expectNotFound(reference.call(x, c, id));
        expect(await tableSnapshot(t.pglite)).toEqual(before);
      }
    });
  }
});
