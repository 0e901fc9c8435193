import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaObjects, newsletterDeliveries, posts, supporters } from "../../db/schema";
import type { EmailProvider, OutgoingEmail } from "../../server/services/email/providers";
import {
  NEWSLETTER_PREPARE_JOB,
  NEWSLETTER_SEND_JOB,
  newsletterRecipients,
  prepareNewsletter,
  sendNewsletterBatch,
} from "../../server/services/posts/newsletter";
import { publishDuePosts } from "../../server/services/posts/posts";
import { getPostMediaForReader } from "../../server/services/posts/public";
import { supporterOfToken, unsubscribeToken } from "../../server/services/posts/unsubscribe";
import { createTeam, createUser, createWorkspace, type TestUser } from "../support/factories";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { memoryQueue } from "../support/memory-queue";
import { insertEpisode, insertMedia, insertShow } from "../support/podcasts";
import { insertSupporter, insertTier } from "../support/posts";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const SECRET = "test-upload-signing-secret";
const PAID_WORDS = "zanzibar quokka marmalade";

/** A creator with a free and two paid tiers, and one reader of each kind the gate tells apart. */
async function audience() {
  const team = await createTeam(t.db, "Creator studio");
  const ws = team.workspace.id;
  const free = await insertTier(t.db, ws, { name: "Free", kind: "free" });
  const gold = await insertTier(t.db, ws, { name: "Gold" });
  const silver = await insertTier(t.db, ws, { name: "Silver" });
  const stranger = await createUser(t.db, { name: "Stella Stranger" });
  const freeMember = await insertSupporter(t.db, ws, { tierId: free.id, name: "Fred Free" });
  const wrongTier = await insertSupporter(t.db, ws, { tierId: silver.id, name: "Sil Silver" });
  const rightTier = await insertSupporter(t.db, ws, { tierId: gold.id, name: "Goldie Gold" });
  const api = (user: TestUser | null) => callerFor(t.db, user ? user.session : null).api;
  const create = async (visibility: "public" | "members" | "paid" | "tiers", tierIds: string[] = []) => {
    const post = await api(team.editor).posts.create({
      workspaceId: ws,
      title: `A ${visibility} post`,
      bodyHtml: `<p>The paid part: ${PAID_WORDS}.</p>`,
      excerpt: visibility === "public" ? "" : "Teaser everyone may read.",
      visibility,
      visibilityTierIds: tierIds,
    });
    await api(team.editor).posts.update({ workspaceId: ws, postId: post.id, status: "published" });
    return post;
  };
  return { team, ws, free, gold, silver, stranger, freeMember, wrongTier, rightTier, api, create };
}

describe("the gate on every post surface", () => {
  it("tRPC getPublic, search and the latest list: allow and deny for each reader", async () => {
    const x = await audience();
    const post = await x.create("tiers", [x.gold.id]);
    const readers = [
      ["anonymous", null, false, "sign_in"],
      ["signed-in non-member", x.stranger, false, "join"],
      ["free member", x.freeMember.user, false, "upgrade"],
      ["wrong tier", x.wrongTier.user, false, "upgrade"],
      ["right tier", x.rightTier.user, true, "granted"],
      ["team", x.team.viewer, true, "team"],
    ] as const;
    for (const [who, user, allowed, reason] of readers) {
      const page = await x.api(user).posts.getPublic({ workspaceId: x.ws, postId: post.id });
      expect(page.access, who).toMatchObject({ allowed, reason });
      expect(JSON.stringify(page).includes(PAID_WORDS), who).toBe(allowed);
      expect(page.post.excerpt).toBe("Teaser everyone may read.");

      const byBody = await x.api(user).posts.searchPublic({ workspaceId: x.ws, q: "quokka" });
      expect(
        byBody.items.map((hit) => hit.id),
        who,
      ).toEqual(allowed ? [post.id] : []);
      if (allowed) expect(byBody.items[0].snippet.some((part) => part.highlight && part.text === "quokka")).toBe(true);
      const byTeaser = await x.api(user).posts.searchPublic({ workspaceId: x.ws, q: "teaser" });
      expect(
        byTeaser.items.map((hit) => [hit.id, hit.locked]),
        who,
      ).toEqual([[post.id, !allowed]]);
      expect(JSON.stringify(byTeaser).includes(allowed ? "" : "quokka"), who).toBe(allowed);

      const latest = await x.api(user).posts.listPublic({ workspaceId: x.ws });
      expect(JSON.stringify(latest).includes(PAID_WORDS), who).toBe(false);
    }
  });

  it("members, paid and public visibility", async () => {
    const x = await audience();
    const members = await x.create("members");
    const paid = await x.create("paid");
    const open = await x.create("public");
    const read = async (user: TestUser | null, postId: string) =>
      (await x.api(user).posts.getPublic({ workspaceId: x.ws, postId })).access.allowed;
    expect(await read(null, members.id)).toBe(false);
    expect(await read(x.stranger, members.id)).toBe(false);
    expect(await read(x.freeMember.user, members.id)).toBe(true);
    expect(await read(x.freeMember.user, paid.id)).toBe(false);
    expect(await read(x.wrongTier.user, paid.id)).toBe(true);
    expect(await read(null, open.id)).toBe(true);
    // A public post's teaser comes from its body; a gated post's never does.
    expect((await x.api(null).posts.getPublic({ workspaceId: x.ws, postId: open.id })).post.excerpt).toContain(
      "The paid part",
    );
  });

  it("a blocked supporter and an ended grant are denied", async () => {
    const x = await audience();
    const post = await x.create("tiers", [x.gold.id]);
    const blocked = await insertSupporter(t.db, x.ws, { tierId: x.gold.id, status: "blocked" });
    const lapsed = await insertSupporter(t.db, x.ws, { tierId: x.gold.id, grantStatus: "canceled" });
    const blockedPage = await x.api(blocked.user).posts.getPublic({ workspaceId: x.ws, postId: post.id });
    expect(blockedPage.access).toMatchObject({ allowed: false, reason: "blocked" });
    expect(blockedPage.post.bodyHtml).toBeNull();
    const lapsedPage = await x.api(lapsed.user).posts.getPublic({ workspaceId: x.ws, postId: post.id });
    expect(lapsedPage.access).toMatchObject({ allowed: false, reason: "upgrade" });
  });

  it("drafts and other creators' posts are not found", async () => {
    const x = await audience();
    const draft = await x.api(x.team.editor).posts.create({ workspaceId: x.ws, title: "Draft" });
    const other = await createWorkspace(t.db, x.stranger, "Other");
    for (const input of [
      { workspaceId: x.ws, postId: draft.id },
      { workspaceId: other.id, postId: draft.id },
    ]) {
      const error = await x
        .api(null)
        .posts.getPublic(input)
        .catch((e: unknown) => e);
      expect((error as TRPCError).code).toBe("NOT_FOUND");
    }
  });

  it("newsletter recipients are exactly the readers the gate admits, with newsletters on", async () => {
    const x = await audience();
    const post = await x.create("tiers", [x.gold.id]);
    const optedOut = await insertSupporter(t.db, x.ws, { tierId: x.gold.id, newsletters: false });
    const unverified = await insertSupporter(t.db, x.ws, {
      tierId: x.gold.id,
      user: await createUser(t.db, { verified: false }),
    });
    const [row] = await t.db.select().from(posts).where(eq(posts.id, post.id));
    const recipients = await newsletterRecipients({ db: t.db, post: row, now: new Date() });
    expect(recipients.map((r) => r.userId)).toEqual([x.rightTier.user.id]);
    expect(recipients.map((r) => r.userId)).not.toContain(optedOut.user.id);
    expect(recipients.map((r) => r.userId)).not.toContain(unverified.user.id);

    const members = await x.create("members");
    const [membersRow] = await t.db.select().from(posts).where(eq(posts.id, members.id));
    const all = await newsletterRecipients({ db: t.db, post: membersRow, now: new Date() });
    expect(all.map((r) => r.userId).sort()).toEqual(
      [x.freeMember.user.id, x.wrongTier.user.id, x.rightTier.user.id].sort(),
    );
  });
});

describe("bodies and references", () => {
  it("sanitises on save and refuses another workspace's media, episodes and tiers", async () => {
    const x = await audience();
    const image = await insertMedia(t.db, x.ws, { kind: "image" });
    const show = await insertShow(t.db, x.ws);
    const episode = await insertEpisode(t.db, show, { title: "Our episode" });
    const created = await x.api(x.team.editor).posts.create({
      workspaceId: x.ws,
      title: "With media",
      bodyHtml: `<p onclick="x()">Hi<script>alert(1)</script></p><img data-media-id="${image.id}" alt="cover"><figure data-episode-id="${episode.id}"></figure>`,
    });
    expect(created.bodyHtml).toBe(
      `<p>Hi</p><img src="/media/posts/${created.id}/${image.id}" data-media-id="${image.id}" alt="cover" loading="lazy">` +
        `<figure data-episode-id="${episode.id}" class="post-episode"><figcaption>Our episode</figcaption></figure>`,
    );

    const other = await createWorkspace(t.db, x.stranger, "Other");
    const foreignImage = await insertMedia(t.db, other.id, { kind: "image" });
    const foreignShow = await insertShow(t.db, other.id);
    const foreignEpisode = await insertEpisode(t.db, foreignShow);
    const foreignTier = await insertTier(t.db, other.id);
    const api = x.api(x.team.editor).posts;
    for (const attempt of [
      api.create({ workspaceId: x.ws, title: "x", bodyHtml: `<img data-media-id="${foreignImage.id}">` }),
      api.create({
        workspaceId: x.ws,
        title: "x",
        bodyHtml: `<figure data-episode-id="${foreignEpisode.id}"></figure>`,
      }),
      api.create({ workspaceId: x.ws, title: "x", visibility: "tiers", visibilityTierIds: [foreignTier.id] }),
      api.update({
        workspaceId: x.ws,
        postId: created.id,
        bodyHtml: `<audio data-media-id="${foreignImage.id}"></audio>`,
      }),
    ]) {
      const error = await attempt.catch((e: unknown) => e);
      expect((error as TRPCError).code).toBe("NOT_FOUND");
    }
  });
});

describe("post media", () => {
  it("is served only for a post that lists it, to readers the post's gate admits", async () => {
    const x = await audience();
    const image = await insertMedia(t.db, x.ws, { kind: "image" });
    const other = await insertMedia(t.db, x.ws, { kind: "image" });
    const api = x.api(x.team.editor).posts;
    const post = await api.create({
      workspaceId: x.ws,
      title: "Gold pictures",
      bodyHtml: `<img data-media-id="${image.id}">`,
      visibility: "tiers",
      visibilityTierIds: [x.gold.id],
    });
    const read = (user: TestUser | null, mediaId = image.id) =>
      getPostMediaForReader({ db: t.db, postId: post.id, mediaId, auth: user ? user.session : null, now: new Date() });
    // A draft: the team only.
    await expect(read(x.rightTier.user)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await read(x.team.viewer)).shareable).toBe(false);
    await api.update({ workspaceId: x.ws, postId: post.id, status: "published" });
    expect((await read(x.rightTier.user)).object.r2Key).toBe(image.r2Key);
    for (const denied of [null, x.stranger, x.freeMember.user, x.wrongTier.user])
      await expect(read(denied)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(read(x.rightTier.user, other.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await api.update({ workspaceId: x.ws, postId: post.id, visibility: "public" });
    expect((await read(null)).shareable).toBe(true);
  });
});

describe("scheduled publishing (frozen clock)", () => {
  it("goes live once at its time; a broken post goes back to draft with the reason", async () => {
    const x = await audience();
    const at = new Date("2030-01-01T10:00:00Z");
    const clock = () => new Date("2030-01-01T09:00:00Z");
    const api = callerFor(t.db, x.team.editor.session, { clock }).api.posts;
    const post = await api.create({ workspaceId: x.ws, title: "Scheduled" });
    await api.update({ workspaceId: x.ws, postId: post.id, status: "scheduled", publishAt: at, sendNewsletter: true });
    const image = await insertMedia(t.db, x.ws, { kind: "image" });
    const broken = await api.create({
      workspaceId: x.ws,
      title: "Broken",
      bodyHtml: `<img data-media-id="${image.id}">`,
    });
    await api.update({ workspaceId: x.ws, postId: broken.id, status: "scheduled", publishAt: at });
    await t.db.update(mediaObjects).set({ status: "rejected" }).where(eq(mediaObjects.id, image.id));

    expect(await publishDuePosts({ db: t.db, now: new Date("2030-01-01T09:59:59Z") })).toMatchObject({ published: [] });
    const first = await publishDuePosts({ db: t.db, now: new Date("2030-01-01T10:00:30Z") });
    expect(first).toEqual({ published: [post.id], newsletters: [post.id], failed: [broken.id] });
    expect(await publishDuePosts({ db: t.db, now: new Date("2030-01-01T10:01:00Z") })).toEqual({
      published: [],
      newsletters: [],
      failed: [],
    });
    const live = await api.get({ workspaceId: x.ws, postId: post.id });
    expect(live).toMatchObject({ status: "published", publishedAt: at, newsletterState: "sending" });
    const back = await api.get({ workspaceId: x.ws, postId: broken.id });
    expect(back.status).toBe("draft");
    expect(back.publishError).toMatch(/deleted or is not ready/);

    const past = await api
      .update({
        workspaceId: x.ws,
        postId: broken.id,
        status: "scheduled",
        publishAt: new Date("2030-01-01T08:00:00Z"),
      })
      .catch((e: unknown) => e);
    expect((past as TRPCError).code).toBe("BAD_REQUEST");
  });
});

describe("newsletters", () => {
  function recordingProvider() {
    const sent: OutgoingEmail[] = [];
    const provider: EmailProvider = {
      name: "recording",
      async send(email) {
        sent.push(email);
        return { messageId: `m-${email.id}` };
      },
    };
    return { provider, sent };
  }

  it("mails each recipient once under duplicate queue delivery, with one-click unsubscribe headers", async () => {
    const x = await audience();
    const caller = callerFor(t.db, x.team.editor.session);
    const post = await x.create("paid");
    await caller.api.posts.update({ workspaceId: x.ws, postId: post.id, sendNewsletter: true });
    expect(caller.emails.jobs(NEWSLETTER_PREPARE_JOB)).toEqual([{ postId: post.id }]);
    // Asking again does not start a second newsletter.
    await caller.api.posts.update({ workspaceId: x.ws, postId: post.id, sendNewsletter: true });
    expect(caller.emails.jobs(NEWSLETTER_PREPARE_JOB)).toHaveLength(1);

    const queue = memoryQueue();
    await prepareNewsletter({ db: t.db, postId: post.id, queue: queue.queue, now: new Date() });
    await prepareNewsletter({ db: t.db, postId: post.id, queue: queue.queue, now: new Date() });
    const batches = queue.jobs(NEWSLETTER_SEND_JOB) as { postId: string; deliveryIds: string[] }[];
    expect(batches).toHaveLength(1);
    expect(batches[0].deliveryIds).toHaveLength(2);

    const { provider, sent } = recordingProvider();
    const send = () =>
      sendNewsletterBatch({
        db: t.db,
        postId: post.id,
        deliveryIds: batches[0].deliveryIds,
        provider,
        from: "Creator <c@example.test>",
        appUrl: "http://localhost:8787",
        secret: SECRET,
        now: new Date(),
        finalAttempt: false,
      });
    await Promise.all([send(), send()]);
    await send();
    expect(sent.map((email) => email.to).sort()).toEqual([x.wrongTier.user.email, x.rightTier.user.email].sort());
    for (const email of sent) {
      // Every recipient passed the gate, so each copy carries the full text and the web link.
      expect(email.html).toContain(PAID_WORDS);
      expect(email.text).toContain(`http://localhost:8787/c/${x.ws}/posts/${post.id}`);
      expect(email.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      const link = /^<(http:\/\/localhost:8787\/newsletter\/unsubscribe\/([A-Za-z0-9_-]+))>$/.exec(
        email.headers?.["List-Unsubscribe"] ?? "",
      );
      expect(link).not.toBeNull();
      expect(email.html).toContain(link![1]);
    }
    const progress = await caller.api.posts.get({ workspaceId: x.ws, postId: post.id });
    expect(progress.deliveries).toMatchObject({ sent: 2, queued: 0 });
    expect(progress.newsletterState).toBe("sent");
  });

  it("asks the gate again at send time and skips people who unsubscribed meanwhile", async () => {
    const x = await audience();
    const post = await x.create("tiers", [x.gold.id]);
    const second = await insertSupporter(t.db, x.ws, { tierId: x.gold.id });
    await callerFor(t.db, x.team.editor.session).api.posts.update({
      workspaceId: x.ws,
      postId: post.id,
      sendNewsletter: true,
    });
    const queue = memoryQueue();
    await prepareNewsletter({ db: t.db, postId: post.id, queue: queue.queue, now: new Date() });
    const [batch] = queue.jobs(NEWSLETTER_SEND_JOB) as { deliveryIds: string[] }[];
    // The gold grant of one recipient ends and the other unsubscribes before the batch runs.
    await t.db.execute(`update grants set status = 'refunded' where user_id = '${x.rightTier.user.id}'`);
    await callerFor(t.db, null).api.posts.unsubscribe({ token: unsubscribeToken(SECRET, second.supporter.id) });
    const { provider, sent } = recordingProvider();
    const outcome = await sendNewsletterBatch({
      db: t.db,
      postId: post.id,
      deliveryIds: batch.deliveryIds,
      provider,
      from: "c@example.test",
      appUrl: "http://localhost:8787",
      secret: SECRET,
      now: new Date(),
      finalAttempt: false,
    });
    expect(sent).toEqual([]);
    expect(outcome).toMatchObject({ sent: 0, skipped: 1 });
    const rows = await t.db.select().from(newsletterDeliveries).where(eq(newsletterDeliveries.postId, post.id));
    expect(rows.map((row) => row.status).sort()).toEqual(["failed", "unsubscribed"]);
  });

  it("unsubscribe tokens: derived per supporter, forged or altered ones refused", async () => {
    const x = await audience();
    const id = x.rightTier.supporter.id;
    const token = unsubscribeToken(SECRET, id);
    expect(supporterOfToken(SECRET, token)).toBe(id);
    expect(supporterOfToken("another-secret-of-length", token)).toBeNull();
    expect(supporterOfToken(SECRET, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
    expect(supporterOfToken(SECRET, unsubscribeToken(SECRET, x.wrongTier.supporter.id))).not.toBe(id);
    const api = callerFor(t.db, null).api.posts;
    expect(await api.describeUnsubscribe({ token })).toEqual({ workspaceName: "Creator studio", subscribed: true });
    expect(await api.unsubscribe({ token })).toEqual({ workspaceName: "Creator studio", subscribed: false });
    expect(await api.unsubscribe({ token })).toEqual({ workspaceName: "Creator studio", subscribed: false });
    const [row] = await t.db.select().from(supporters).where(eq(supporters.id, id));
    expect(row.emailNewsletters).toBe(false);
    const forged = await api.unsubscribe({ token: `v1${id}${"A".repeat(43)}` }).catch((e: unknown) => e);
    expect((forged as TRPCError).code).toBe("NOT_FOUND");
    // The token is stored nowhere: no column of the supporter holds it.
    expect(JSON.stringify(row)).not.toContain(token.slice(38));
  });
});
