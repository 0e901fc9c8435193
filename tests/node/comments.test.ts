import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, emails, grants, notifications, supporters } from "../../db/schema";
import type { Clock } from "../../server/lib/clock";
import {
  canRead,
  canWrite,
  DEFAULT_SETTING,
  type CommentTarget,
  type CommentViewer,
} from "../../server/services/comments/access";
import { commentPreview, notifyRepliedTo } from "../../server/services/comments/notify";
import { listThread, MAX_INDENT } from "../../server/services/comments/threads";
import { COMMENT_LIMIT } from "../../server/services/comments/write";
import { SEND_EMAIL_JOB } from "../../server/services/email/outbox";
import { audienceMember, commentsWorld, insertCommentablePost } from "../support/comments";
import { createTestDatabase, type TestDatabase } from "../support/db";
import type { TestUser } from "../support/factories";
import { insertEpisode, insertPublishedEpisode } from "../support/podcasts";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

type World = Awaited<ReturnType<typeof commentsWorld>>;
const api = (user: TestUser | null, clock?: Clock) => callerFor(t.db, user, { clock }).api;

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

function post(w: World, user: TestUser, body: string, parentId?: string) {
  return api(user).comments.create({ ...w.target, body, parentId });
}

describe("threads", () => {
  it("keeps replies to replies in order at any depth, indenting four levels and then naming whom they answer", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier, freeMember } = w.readers;
    const root = await post(w, rightTier, "First!");
    let parentId = root.id;
    const chain = [root.id];
    for (let depth = 1; depth <= 6; depth++) {
      const author = depth % 2 ? freeMember : rightTier;
      parentId = (await post(w, author, `reply at depth ${depth}`, parentId)).id;
      chain.push(parentId);
    }
    const sibling = await post(w, w.team.owner, "Thanks for listening", root.id);
    const second = await post(w, freeMember, "A newer thread");

    const page = await api(null).comments.listThread(w.target);
    // Newest thread first; inside a thread, depth-first with each comment's replies oldest first.
    expect(page.items.map((item) => item.id)).toEqual([second.id, ...chain, sibling.id]);
    const byId = new Map(page.items.map((item) => [item.id, item]));
    expect(chain.map((id) => byId.get(id)?.indent)).toEqual([0, 1, 2, 3, 3, 3, 3]);
    expect(chain.map((id) => byId.get(id)?.depth)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(byId.get(chain[3])?.replyingTo).toBeNull();
    expect(byId.get(chain[4])?.replyingTo).toBe("Fay Free");
    expect(byId.get(chain[5])?.replyingTo).toBe("Rita Righttier");
    expect(MAX_INDENT).toBe(4);
    // The team writes as the creator, with the badge.
    expect(byId.get(sibling.id)?.author).toEqual({ name: "Olive Owner", creator: true });
    expect(page.write).toEqual({ allowed: false, reason: "sign_in", message: "Sign in to join the conversation." });
  });

  it("pages through threads newest first, each page carrying all of its replies", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier } = w.readers;
    const roots = [];
    for (let i = 0; i < 3; i++) {
      const root = await post(w, rightTier, `thread ${i}`);
      await post(w, rightTier, `reply ${i}`, root.id);
      roots.push(root.id);
    }
    const base = { db: t.db, target: { kind: "episode" as const, id: w.episode.id }, userId: null, now: new Date() };
    const first = await listThread({ ...base, limit: 2 });
    expect(first.items.filter((i) => i.depth === 0).map((i) => i.id)).toEqual([roots[2], roots[1]]);
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).not.toBeNull();
    const second = await listThread({ ...base, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((i) => i.body)).toEqual(["thread 0", "reply 0"]);
    expect(second.nextCursor).toBeNull();
  });

  it("soft delete keeps a deleted comment with replies as [deleted] and drops a deleted leaf", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier, freeMember } = w.readers;
    const root = await post(w, rightTier, "Root words");
    const reply = await post(w, freeMember, "Reply words", root.id);
    const leaf = await post(w, freeMember, "Leaf words", root.id);
    await api(rightTier).comments.delete({ workspaceId: w.workspaceId, commentId: root.id });
    await api(freeMember).comments.delete({ workspaceId: w.workspaceId, commentId: leaf.id });

    const items = (await api(freeMember).comments.listThread(w.target)).items;
    expect(items.map((i) => [i.id, i.status, i.body, i.author?.name ?? null])).toEqual([
      [root.id, "deleted", null, null],
      [reply.id, "visible", "Reply words", "Fay Free"],
    ]);
    // Deleting someone else's comment, or one's own twice, finds nothing.
    await expect(
      errorOf(api(freeMember).comments.delete({ workspaceId: w.workspaceId, commentId: root.id })),
    ).resolves.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      errorOf(api(rightTier).comments.delete({ workspaceId: w.workspaceId, commentId: reply.id })),
    ).resolves.toMatchObject({ code: "NOT_FOUND" });
  });

  it("edits only the author's own comment and marks it edited", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier, freeMember } = w.readers;
    const root = await post(w, rightTier, "Tpyo");
    const edited = await api(rightTier).comments.edit({ workspaceId: w.workspaceId, commentId: root.id, body: "Typo" });
    expect(edited.editedAt).toBeInstanceOf(Date);
    const [item] = (await api(null).comments.listThread(w.target)).items;
    expect(item).toMatchObject({ body: "Typo", editedAt: edited.editedAt });
    await expect(
      errorOf(api(freeMember).comments.edit({ workspaceId: w.workspaceId, commentId: root.id, body: "Mine now" })),
    ).resolves.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      errorOf(api(rightTier).comments.edit({ workspaceId: w.workspaceId, commentId: root.id, body: "   " })),
    ).resolves.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("stores the text as typed: markup is text, never HTML", async () => {
    const w = await commentsWorld(t.db);
    const body = `<img src=x onerror=alert(1)> see https://example.test/a?b=1`;
    await post(w, w.readers.rightTier, body);
    expect((await api(null).comments.listThread(w.target)).items[0].body).toBe(body);
  });
});

describe("who may comment", () => {
  /** Each kind of reader's write decision on the thread, and what their attempt to comment gets. */
  async function expectWriters(w: World, expected: Map<string, string | true>) {
    const readers = new Map<string, TestUser | null>([["anonymous", null], ...Object.entries(w.readers)]);
    for (const [who, user] of readers) {
      const page = await api(user).comments.listThread(w.target);
      expect([who, page.write.allowed ? true : page.write.reason]).toEqual([who, expected.get(who)]);
      if (!user) continue;
      const attempt = post(w, user, `from ${who}`);
      if (expected.get(who) === true) await expect(attempt).resolves.toMatchObject({ id: expect.any(String) });
      else await expect(errorOf(attempt)).resolves.toMatchObject({ code: "FORBIDDEN" });
    }
  }

  it("members by default: every audience member with a tier grant, nobody else", async () => {
    const w = await commentsWorld(t.db);
    const expected = new Map<string, string | true>([
      ["anonymous", "sign_in"],
      ["signedIn", "join"],
      ["freeMember", true],
      ["wrongTier", true],
      ["rightTier", true],
      ["blocked", "blocked"],
    ]);
    await expectWriters(w, expected);
  });

  it("chosen tiers: only the right tier (and the team) may write; everyone who may read still reads", async () => {
    const w = await commentsWorld(t.db);
    await api(w.team.owner).comments.updateSettings({
      workspaceId: w.workspaceId,
      openTo: "tiers",
      tierIds: [w.tiers.gold.id],
    });
    const expected = new Map<string, string | true>([
      ["anonymous", "sign_in"],
      ["signedIn", "join"],
      ["freeMember", "upgrade"],
      ["wrongTier", "upgrade"],
      ["rightTier", true],
      ["blocked", "blocked"],
    ]);
    await expectWriters(w, expected);
    await expect(post(w, w.team.editor, "From the team")).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("an episode's override wins over the workspace default; off closes it to all but the team", async () => {
    const w = await commentsWorld(t.db);
    const owner = api(w.team.owner);
    await owner.comments.updateSettings({
      workspaceId: w.workspaceId,
      targetKind: "episode",
      targetId: w.episode.id,
      openTo: "off",
    });
    expect(await owner.comments.getSettings({ workspaceId: w.workspaceId, targetId: w.episode.id })).toMatchObject({
      setting: { openTo: "off", overridden: true },
    });
    await expect(errorOf(post(w, w.readers.rightTier, "hello"))).resolves.toMatchObject({
      code: "FORBIDDEN",
      message: "Comments are closed.",
    });
    await expect(post(w, w.team.owner, "Still answering")).resolves.toMatchObject({ id: expect.any(String) });
    await owner.comments.updateSettings({
      workspaceId: w.workspaceId,
      targetKind: "episode",
      targetId: w.episode.id,
      openTo: "inherit",
    });
    await expect(post(w, w.readers.rightTier, "hello again")).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("the gate decides reading and writing on a paywalled target: allow and deny for every kind of reader", () => {
    const now = new Date();
    const target: CommentTarget = {
      kind: "episode",
      id: "00000000-0000-4000-8000-000000000001",
      workspaceId: "00000000-0000-4000-8000-000000000002",
      title: "Gold-only episode",
      gated: { visibility: "tiers", visibilityTierIds: ["gold"] },
      path: "/p/x/y",
    };
    const grant = (tierId: string, tierIsPaid: boolean) => ({
      kind: "tier" as const,
      status: "active" as const,
      startsAt: new Date(0),
      endsAt: null,
      tierId,
      tierIsPaid,
    });
    const as = (viewer: CommentViewer["viewer"]): CommentViewer => ({
      userId: "u",
      name: "N",
      viewer,
      supporterId: viewer.kind === "supporter" ? "s" : null,
    });
    const readers: Record<string, CommentViewer> = {
      anonymous: { userId: null, name: null, viewer: { kind: "anonymous" }, supporterId: null },
      signedIn: as({ kind: "signed_in" }),
      freeMember: as({ kind: "supporter", status: "active", grants: [grant("free", false)] }),
      wrongTier: as({ kind: "supporter", status: "active", grants: [grant("silver", true)] }),
      rightTier: as({ kind: "supporter", status: "active", grants: [grant("gold", true)] }),
      blocked: as({ kind: "supporter", status: "blocked", grants: [grant("gold", true)] }),
      team: as({ kind: "team" }),
    };
    const decisions = Object.fromEntries(
      Object.entries(readers).map(([who, viewer]) => {
        const read = canRead(target, viewer, now);
        const write = canWrite(target, DEFAULT_SETTING, viewer, now);
        return [who, [read.allowed ? "read" : read.reason, write.allowed ? "write" : write.reason]];
      }),
    );
    expect(decisions).toEqual({
      anonymous: ["sign_in", "sign_in"],
      signedIn: ["join", "join"],
      freeMember: ["upgrade", "upgrade"],
      wrongTier: ["upgrade", "upgrade"],
      rightTier: ["read", "write"],
      blocked: ["blocked", "blocked"],
      team: ["read", "write"],
    });
  });
});

describe("moderation", () => {
  it("hides and shows a comment: readers lose it, its author and the team still see it marked", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier, freeMember } = w.readers;
    const root = await post(w, rightTier, "Spicy take");
    const owner = api(w.team.owner);
    await owner.comments.setHidden({ workspaceId: w.workspaceId, commentId: root.id, hidden: true });
    expect((await api(freeMember).comments.listThread(w.target)).items).toEqual([]);
    expect((await api(rightTier).comments.listThread(w.target)).items[0]).toMatchObject({
      status: "hidden",
      body: "Spicy take",
    });
    expect((await owner.comments.listThread(w.target)).items[0]).toMatchObject({ status: "hidden" });
    const hidden = await owner.comments.listForModeration({ workspaceId: w.workspaceId, filter: "hidden" });
    expect(hidden.items.map((i) => i.id)).toEqual([root.id]);
    await owner.comments.setHidden({ workspaceId: w.workspaceId, commentId: root.id, hidden: false });
    expect((await api(freeMember).comments.listThread(w.target)).items[0]).toMatchObject({ body: "Spicy take" });
  });

  it("a moderator deletes anyone's comment softly", async () => {
    const w = await commentsWorld(t.db);
    const root = await post(w, w.readers.rightTier, "Rude");
    await post(w, w.readers.freeMember, "Reply", root.id);
    await api(w.team.editor).comments.moderatorDelete({ workspaceId: w.workspaceId, commentId: root.id });
    const items = (await api(null).comments.listThread(w.target)).items;
    expect(items.map((i) => [i.status, i.body])).toEqual([
      ["deleted", null],
      ["visible", "Reply"],
    ]);
    // A viewer of the team may read the moderation list but not act.
    await expect(
      errorOf(api(w.team.viewer).comments.moderatorDelete({ workspaceId: w.workspaceId, commentId: root.id })),
    ).resolves.toMatchObject({ code: "FORBIDDEN" });
  });

  it("blocking the author stops their comments and hides what they wrote", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier } = w.readers;
    const root = await post(w, rightTier, "Spam spam");
    await expect(
      errorOf(api(w.team.editor).comments.blockAuthor({ workspaceId: w.workspaceId, commentId: root.id })),
    ).resolves.toMatchObject({ code: "FORBIDDEN" });
    const blocked = await api(w.team.admin).comments.blockAuthor({
      workspaceId: w.workspaceId,
      commentId: root.id,
      reason: "spam",
    });
    expect(blocked.supporterId).toBe(rightTier.supporterId);
    const [row] = await t.db.select().from(supporters).where(eq(supporters.id, rightTier.supporterId));
    expect(row).toMatchObject({ status: "blocked", blockedReason: "spam" });
    // The block is the audience's own (members.ts), with its audit row, beside the comment's.
    const audits = await t.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.workspaceId, w.workspaceId));
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(["supporter.blocked", "comment.author_blocked"]),
    );
    await expect(errorOf(post(w, rightTier, "more spam"))).resolves.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      errorOf(api(rightTier).comments.edit({ workspaceId: w.workspaceId, commentId: root.id, body: "edited" })),
    ).resolves.toMatchObject({ code: "FORBIDDEN" });
    expect((await api(null).comments.listThread(w.target)).items).toEqual([]);
    // A team member's comment has no audience relationship to block.
    const teamComment = await post(w, w.team.owner, "Creator here");
    await expect(
      errorOf(api(w.team.owner).comments.blockAuthor({ workspaceId: w.workspaceId, commentId: teamComment.id })),
    ).resolves.toMatchObject({ code: "CONFLICT" });
  });

  it("reports: once per reader, listed for the creator, resolved or dismissed", async () => {
    const w = await commentsWorld(t.db);
    const root = await post(w, w.readers.rightTier, "Questionable");
    const reporter = api(w.readers.freeMember);
    const report = { workspaceId: w.workspaceId, commentId: root.id, reason: "abuse" as const, note: "Not nice" };
    expect(await reporter.comments.report(report)).toEqual({ reported: true, alreadyReported: false });
    expect(await reporter.comments.report(report)).toEqual({ reported: true, alreadyReported: true });
    // Signed-in non-members of a public episode may report too; anonymous readers must sign in.
    await api(w.readers.signedIn).comments.report({ ...report, reason: "spam", note: "" });
    await expect(errorOf(api(null).comments.report(report))).resolves.toMatchObject({ code: "UNAUTHORIZED" });

    const owner = api(w.team.owner);
    const reported = await owner.comments.listForModeration({ workspaceId: w.workspaceId, filter: "reported" });
    expect(reported.items).toHaveLength(1);
    expect(reported.items[0].reports.map((r) => r.reason).sort()).toEqual(["abuse", "spam"]);
    expect(reported.items[0]).toMatchObject({ body: "Questionable", target: { title: "Episode one" } });
    for (const { id } of reported.items[0].reports)
      await owner.comments.resolveReport({ workspaceId: w.workspaceId, reportId: id, outcome: "dismissed" });
    expect((await owner.comments.listForModeration({ workspaceId: w.workspaceId, filter: "reported" })).items).toEqual(
      [],
    );
  });

  it("paginates the moderation list and filters it by target", async () => {
    const w = await commentsWorld(t.db);
    const other = (await insertPublishedEpisode(t.db, w.show, { title: "Episode two" })).episode;
    for (let i = 0; i < 3; i++) await post(w, w.readers.rightTier, `one ${i}`);
    await api(w.readers.rightTier).comments.create({ ...w.target, targetId: other.id, body: "two" });
    const owner = api(w.team.owner);
    const first = await owner.comments.listForModeration({ workspaceId: w.workspaceId, limit: 3 });
    expect(first.items.map((i) => i.body)).toEqual(["two", "one 2", "one 1"]);
    const second = await owner.comments.listForModeration({
      workspaceId: w.workspaceId,
      limit: 3,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second).toMatchObject({ items: [{ body: "one 0" }], nextCursor: null });
    const byTarget = await owner.comments.listForModeration({ workspaceId: w.workspaceId, targetId: other.id });
    expect(byTarget.items.map((i) => i.body)).toEqual(["two"]);
  });
});

describe("rate limit", () => {
  it("allows 10 comments in 5 minutes per person per workspace, then says when to retry", async () => {
    const w = await commentsWorld(t.db);
    let now = new Date("2026-12-06T10:00:00Z");
    const clock = () => now;
    const caller = callerFor(t.db, w.readers.rightTier, { clock });
    for (let i = 0; i < COMMENT_LIMIT.limit; i++) await caller.api.comments.create({ ...w.target, body: `c${i}` });
    now = new Date("2026-12-06T10:02:00Z");
    const refused = await errorOf(caller.api.comments.create({ ...w.target, body: "one too many" }));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toBe("You are commenting faster than this page allows. Try again in 3 minutes.");
    expect(Number(caller.ctx.responseHeaders.get("retry-after"))).toBe(180);
    // Another person is not held back.
    await api(w.readers.freeMember, clock).comments.create({ ...w.target, body: "me too" });
    now = new Date("2026-12-06T10:05:00Z");
    await expect(caller.api.comments.create({ ...w.target, body: "back" })).resolves.toMatchObject({
      id: expect.any(String),
    });
  });
});

describe("notifications", () => {
  it("tells the creator of each new comment and the replied-to supporter in the app and by email", async () => {
    const w = await commentsWorld(t.db);
    const { rightTier, freeMember } = w.readers;
    const root = await post(w, rightTier, "Loved this");
    const replying = callerFor(t.db, freeMember);
    const reply = await replying.api.comments.create({ ...w.target, body: "Me too, the ending!", parentId: root.id });

    const creators = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, w.team.owner.id), eq(notifications.kind, "comments.new")));
    expect(creators.map((n) => [n.title, n.body])).toEqual([
      ["Rita Righttier commented on “Episode one”", "Loved this"],
      ["Fay Free commented on “Episode one”", "Me too, the ending!"],
    ]);
    const [toRita] = await t.db.select().from(notifications).where(eq(notifications.userId, rightTier.id));
    expect(toRita).toMatchObject({
      kind: "comments.reply",
      title: "Fay Free replied to you on “Episode one”",
      body: "Me too, the ending!",
      link: `/p/${w.show.id}/${w.episode.id}#comment-${reply.id}`,
      emailed: true,
    });
    const [mail] = await t.db.select().from(emails).where(eq(emails.to, rightTier.email));
    expect(mail.subject).toBe("Fay Free replied to you on “Episode one”");
    expect(replying.emails.jobs(SEND_EMAIL_JOB)).toEqual([{ emailId: mail.id }]);
    // The replier is not told about their own words; no creator email for comments.
    expect(await t.db.select().from(notifications).where(eq(notifications.userId, freeMember.id))).toEqual([]);
    expect(await t.db.select().from(emails).where(eq(emails.to, w.team.owner.email))).toEqual([]);
  });

  it("sends no reply email to a supporter who turned reply emails off", async () => {
    const w = await commentsWorld(t.db);
    const quiet = await audienceMember(t.db, w.workspaceId, w.tiers.gold, { name: "Quinn Quiet" });
    await t.db.update(supporters).set({ emailNotifications: false }).where(eq(supporters.id, quiet.supporterId));
    const root = await post(w, quiet, "Hello");
    await post(w, w.readers.rightTier, "Hi Quinn", root.id);
    const [inApp] = await t.db.select().from(notifications).where(eq(notifications.userId, quiet.id));
    expect(inApp).toMatchObject({ kind: "comments.reply", emailed: false });
    expect(await t.db.select().from(emails).where(eq(emails.to, quiet.email))).toEqual([]);
  });

  it("quotes neither the comment nor the paywalled target's title to someone the target's gate refuses", async () => {
    const w = await commentsWorld(t.db);
    const now = new Date();
    const paywalled: CommentTarget = {
      kind: "episode",
      id: w.episode.id,
      workspaceId: w.workspaceId,
      title: "Secret gold episode",
      gated: { visibility: "tiers", visibilityTierIds: [w.tiers.gold.id] },
      path: `/p/${w.show.id}/${w.episode.id}`,
    };
    const notify = (recipient: TestUser, commentId: string) =>
      t.db.transaction((tx) =>
        notifyRepliedTo({
          db: tx,
          target: paywalled,
          recipientUserId: recipient.id,
          commentId,
          authorName: "Rita",
          body: "The twist at minute 40 is that the butler did it",
          appUrl: "http://localhost:8787",
          now,
        }),
      );
    // Allowed: the right tier reads the words and the title.
    await notify(w.readers.rightTier, "00000000-0000-4000-8000-00000000000a");
    // Refused: the wrong tier gets a line that names neither.
    await notify(w.readers.wrongTier, "00000000-0000-4000-8000-00000000000b");
    const [allowed] = await t.db.select().from(notifications).where(eq(notifications.userId, w.readers.rightTier.id));
    const [denied] = await t.db.select().from(notifications).where(eq(notifications.userId, w.readers.wrongTier.id));
    expect(allowed.title).toContain("Secret gold episode");
    expect(allowed.body).toContain("butler");
    expect(denied).toMatchObject({
      title: "New reply to your comment",
      body: "Someone replied to your comment. Sign in to read it.",
    });
    const [deniedMail] = await t.db.select().from(emails).where(eq(emails.to, w.readers.wrongTier.email));
    expect(`${deniedMail.subject} ${deniedMail.text} ${deniedMail.html}`).not.toMatch(/Secret gold|butler/);
    const [allowedMail] = await t.db.select().from(emails).where(eq(emails.to, w.readers.rightTier.email));
    expect(allowedMail.text).toContain("butler");

    // The creator's preview always passes the gate.
    const team: CommentViewer = { userId: null, name: null, viewer: { kind: "team" }, supporterId: null };
    expect(
      commentPreview({ target: paywalled, recipient: team, authorName: "Rita", body: "x", kind: "new", now }).title,
    ).toBe("Rita commented on “Secret gold episode”");
  });
});

describe("your comments", () => {
  it("lists the supporter's own comments in one workspace, newest first, without deleted ones", async () => {
    const w = await commentsWorld(t.db);
    const me = w.readers.rightTier;
    const first = await post(w, me, "First");
    const second = await post(w, me, "Second", first.id);
    const gone = await post(w, me, "Gone");
    await api(me).comments.delete({ workspaceId: w.workspaceId, commentId: gone.id });
    await post(w, w.readers.freeMember, "Not mine");
    const mine = await api(me).comments.listMine({ workspaceId: w.workspaceId });
    expect(mine.items.map((i) => [i.id, i.reply, i.target?.title])).toEqual([
      [second.id, true, "Episode one"],
      [first.id, false, "Episode one"],
    ]);
  });
});

describe("tenancy", () => {
  it("refuses another workspace's target, and a parent from another target or workspace", async () => {
    const w = await commentsWorld(t.db);
    const otherWorld = await commentsWorld(t.db);
    const foreignRoot = await post(otherWorld, otherWorld.readers.rightTier, "Elsewhere");
    const me = api(w.readers.rightTier);
    // B's episode addressed through A's workspace.
    await expect(
      errorOf(me.comments.create({ ...w.target, targetId: otherWorld.episode.id, body: "x" })),
    ).resolves.toMatchObject({ code: "NOT_FOUND" });
    // B's comment as the parent of a comment on A's episode.
    await expect(errorOf(post(w, w.readers.rightTier, "x", foreignRoot.id))).resolves.toMatchObject({
      code: "NOT_FOUND",
    });
    // A parent on another episode of the same workspace.
    const other = (await insertPublishedEpisode(t.db, w.show, { title: "Other" })).episode;
    const rootElsewhere = await me.comments.create({ ...w.target, targetId: other.id, body: "there" });
    await expect(errorOf(post(w, w.readers.rightTier, "x", rootElsewhere.id))).resolves.toMatchObject({
      code: "NOT_FOUND",
    });
    // A thread listed with the wrong workspace id is not there.
    await expect(
      errorOf(api(null).comments.listThread({ ...w.target, workspaceId: otherWorld.workspaceId })),
    ).resolves.toMatchObject({ code: "NOT_FOUND" });
    // A draft episode has no thread, and nobody outside may write under it.
    const draft = await insertEpisode(t.db, w.show, { title: "Draft" });
    await expect(errorOf(api(null).comments.listThread({ ...w.target, targetId: draft.id }))).resolves.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("comments on a paywalled post", () => {
  async function goldPost(w: World) {
    const post = await insertCommentablePost(t.db, w.workspaceId, {
      title: "Gold-only post",
      visibility: "tiers",
      visibilityTierIds: [w.tiers.gold.id],
    });
    return { ...w.target, targetKind: "post" as const, targetId: post.id };
  }

  it("reading and writing follow the post's gate: allow and deny for every kind of reader", async () => {
    const w = await commentsWorld(t.db);
    const target = await goldPost(w);
    await api(w.readers.rightTier).comments.create({ ...target, body: "Worth it" });
    const readers = new Map<string, TestUser | null>([["anonymous", null], ...Object.entries(w.readers)]);
    const outcomes = new Map<string, [string, string]>();
    for (const [who, user] of readers) {
      const read = await api(user)
        .comments.listThread(target)
        .then((page) => page.items.map((i) => i.body).join(","))
        .catch((e: TRPCError) => e.code);
      const write = await api(user)
        .comments.create({ ...target, body: `from ${who}` })
        .then(() => "written")
        .catch((e: TRPCError) => e.code);
      outcomes.set(who, [read, write]);
    }
    expect(Object.fromEntries(outcomes)).toEqual({
      anonymous: ["NOT_FOUND", "UNAUTHORIZED"],
      signedIn: ["NOT_FOUND", "NOT_FOUND"],
      freeMember: ["NOT_FOUND", "NOT_FOUND"],
      wrongTier: ["NOT_FOUND", "NOT_FOUND"],
      rightTier: ["Worth it", "written"],
      blocked: ["NOT_FOUND", "NOT_FOUND"],
    });
    // The team reads everything and answers as the creator.
    const team = await api(w.team.viewer).comments.listThread(target);
    expect(team.items.map((i) => i.body)).toEqual(["from rightTier", "Worth it"]);
  });

  it("a reply notification quotes the post only to a recipient who may still read it", async () => {
    const w = await commentsWorld(t.db);
    const target = await goldPost(w);
    const lapsed = await audienceMember(t.db, w.workspaceId, w.tiers.gold, { name: "Lee Lapsed" });
    const kept = w.readers.rightTier;
    const lapsedRoot = await api(lapsed).comments.create({ ...target, body: "Great twist" });
    const keptRoot = await api(kept).comments.create({ ...target, body: "Loved it" });
    // Lee's gold membership ends; then a gold member answers both.
    await t.db.update(grants).set({ status: "canceled" }).where(eq(grants.userId, lapsed.id));
    const replier = await audienceMember(t.db, w.workspaceId, w.tiers.gold, { name: "Gil Gold" });
    await api(replier).comments.create({ ...target, parentId: lapsedRoot.id, body: "The butler, right?" });
    await api(replier).comments.create({ ...target, parentId: keptRoot.id, body: "The butler, right?" });

    const [toLapsed] = await t.db.select().from(notifications).where(eq(notifications.userId, lapsed.id));
    expect(toLapsed).toMatchObject({ title: "New reply to your comment", body: expect.not.stringContaining("butler") });
    const [lapsedMail] = await t.db.select().from(emails).where(eq(emails.to, lapsed.email));
    expect(`${lapsedMail.subject}\n${lapsedMail.text}\n${lapsedMail.html}`).not.toMatch(/butler|Gold-only/);
    const [toKept] = await t.db.select().from(notifications).where(eq(notifications.userId, kept.id));
    expect(toKept).toMatchObject({ title: "Gil Gold replied to you on “Gold-only post”", body: "The butler, right?" });
    // The lapsed supporter's portal keeps their words but no longer names the post.
    const mine = await api(lapsed).comments.listMine({ workspaceId: w.workspaceId });
    expect(mine.items).toMatchObject([{ body: "Great twist", target: null }]);
    // The creator's moderation list quotes everything (creators pass every gate) but never the post's body.
    const moderation = await api(w.team.owner).comments.listForModeration({ workspaceId: w.workspaceId });
    expect(moderation.items.map((i) => i.target.title)).toContain("Gold-only post");
    expect(JSON.stringify(moderation)).not.toContain("butler did it");
  });
});
