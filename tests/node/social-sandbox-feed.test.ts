import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaObjects, sandboxMedia, socialPosts } from "../../db/schema";
import { AppError } from "../../server/lib/errors";
import { listSandboxAccountsAndFeed } from "../../server/services/social/sandbox-feed";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { createReadyMedia, createSandboxAccount } from "../support/social-pipeline";

/** The sandbox feed is one batch (ADR 016): its checks, files and posts come from subqueries and sibling reads. */
describe("sandbox feed", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it("pages newest first with each item's library files in order and its post, and checks account and cursor", async () => {
    const team = await createTeam(t.db);
    const other = await createTeam(t.db, "Other studio");
    const workspaceId = team.workspace.id;
    const account = await createSandboxAccount(t.db, workspaceId, { username: "feed.a" });
    const second = await createSandboxAccount(t.db, workspaceId, { username: "feed.b" });
    const foreign = await createSandboxAccount(t.db, other.workspace.id, { username: "feed.other" });
    const image = await createReadyMedia(t.db, workspaceId, "image");
    const video = await createReadyMedia(t.db, workspaceId, "video");
    const deleted = await createReadyMedia(t.db, workspaceId, "image");
    const theirs = await createReadyMedia(t.db, other.workspace.id, "image");
    const item = (id: string, accountId: string, at: string, mediaIds: string[]) => ({
      id,
      accountId,
      containerId: `sbc_${id}`,
      mediaType: mediaIds.length > 1 ? "CAROUSEL_ALBUM" : "IMAGE",
      caption: id,
      mediaIds,
      publishedAt: new Date(at),
    });
    await t.db
      .insert(sandboxMedia)
      .values([
        item("sbm_oldest", account.id, "2026-06-01T09:00:00Z", [image.id]),
        item("sbm_middle", second.id, "2026-06-02T09:00:00Z", [image.id]),
        item("sbm_newest", account.id, "2026-06-03T09:00:00Z", [video.id, deleted.id, theirs.id, image.id]),
        item("sbm_foreign", foreign.id, "2026-06-04T09:00:00Z", [theirs.id]),
      ]);
    await t.db.delete(mediaObjects).where(eq(mediaObjects.id, deleted.id));
    const [post] = await t.db
      .insert(socialPosts)
      .values({ workspaceId, accountId: account.id, caption: "newest", remoteMediaId: "sbm_newest" })
      .returning();

    const first = await listSandboxAccountsAndFeed({ db: t.db, workspaceId, limit: 2 });
    expect(first.accounts.map((a) => [a.username, a.behaviour])).toEqual([
      ["feed.a", {}],
      ["feed.b", {}],
    ]);
    // Files deleted since, and another workspace's, are left out; the rest keep the post's order.
    expect(first.items.map((i) => [i.id, i.media, i.postId])).toEqual([
      [
        "sbm_newest",
        [
          { id: video.id, kind: "video" },
          { id: image.id, kind: "image" },
        ],
        post.id,
      ],
      ["sbm_middle", [{ id: image.id, kind: "image" }], null],
    ]);
    expect(first.nextCursor).toBe("sbm_middle");

    const rest = await listSandboxAccountsAndFeed({ db: t.db, workspaceId, limit: 2, cursor: "sbm_middle" });
    expect(rest.items.map((i) => i.id)).toEqual(["sbm_oldest"]);
    expect(rest.nextCursor).toBeNull();

    const one = await listSandboxAccountsAndFeed({ db: t.db, workspaceId, accountId: account.id, limit: 10 });
    expect(one.items.map((i) => i.id)).toEqual(["sbm_newest", "sbm_oldest"]);

    // Another workspace's account is not found; a cursor from outside the listed feed is a stale page.
    await expect(
      listSandboxAccountsAndFeed({ db: t.db, workspaceId, accountId: foreign.id, limit: 10 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const stale = listSandboxAccountsAndFeed({
      db: t.db,
      workspaceId,
      accountId: account.id,
      cursor: "sbm_middle",
      limit: 10,
    });
    await expect(stale).rejects.toBeInstanceOf(AppError);
    await expect(stale).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      listSandboxAccountsAndFeed({ db: t.db, workspaceId, cursor: "sbm_foreign", limit: 10 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
