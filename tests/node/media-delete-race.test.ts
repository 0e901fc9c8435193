/**
 * Deleting a file while another member saves a post with it, on the real Postgres server (PGlite runs one
 * connection at a time, so the two could not overlap there).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaObjects, socialPostMedia, socialPosts } from "../../db/schema";
import { deleteMedia } from "../../server/services/media/library";
import { createPost } from "../../server/services/social/posts";
import { createUser, createWorkspace } from "../support/factories";
import { insertMedia } from "../support/podcasts";
import { startPostgresServer, type PostgresServer } from "../support/postgres-server";
import { createLocalR2 } from "../support/r2";
import { insertSocialAccount } from "../support/social-posts";

let pg: PostgresServer;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [pg, r2] = await Promise.all([startPostgresServer(), createLocalR2()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), r2?.dispose()]);
});

describe("deleting a file while a post is saved with it", () => {
  it("either refuses the delete or refuses the post; a post never loses its file and a row never loses its object", async () => {
    const owner = await createUser(pg.db);
    const workspace = await createWorkspace(pg.db, owner);
    const account = await insertSocialAccount(pg.db, workspace.id);
    const image = await insertMedia(pg.db, workspace.id, { kind: "image", filename: "cover.png" });
    await r2.bucket.put(image.r2Key, new Uint8Array([1, 2, 3]));

    // The delete pauses inside its storage call until the post's save has started and is waiting on the file.
    let releaseDelete!: () => void;
    const deleteMayFinish = new Promise<void>((resolve) => (releaseDelete = resolve));
    let deleteReachedStorage!: () => void;
    const reachedStorage = new Promise<void>((resolve) => (deleteReachedStorage = resolve));
    const slowBucket = {
      ...r2.bucket,
      delete: async (key: string) => {
        deleteReachedStorage();
        await deleteMayFinish;
        return r2.bucket.delete(key);
      },
    } as unknown as R2Bucket;

    const deleter = pg.connect();
    const saver = pg.connect();
    try {
      const deleting = deleteMedia({
        db: deleter.db,
        bucket: slowBucket,
        workspaceId: workspace.id,
        mediaId: image.id,
        actorUserId: owner.id,
        meta: { ip: null, userAgent: null },
        now: new Date(),
      });
      await reachedStorage;
      const saving = createPost({
        db: saver.db,
        workspaceId: workspace.id,
        actorUserId: owner.id,
        meta: { ip: null, userAgent: "vitest" },
        now: new Date(),
        schedule: false,
        content: {
          accountId: account.id,
          type: "image",
          caption: "Racing the delete",
          mediaIds: [image.id],
          scheduledLocal: null,
          timezone: "UTC",
        },
      });
      // Give the save time to reach the file's lock, then let the delete finish.
      await new Promise((resolve) => setTimeout(resolve, 300));
      releaseDelete();
      await deleting;
      const refusal = await saving.then(
        () => null,
        (error: { code?: string; message: string }) => error,
      );
      expect(refusal).toMatchObject({ code: "BAD_REQUEST" });
      expect(JSON.stringify(refusal)).toContain("deleted meanwhile");
    } finally {
      await Promise.all([deleter.close(), saver.close()]);
    }
    expect(await pg.db.select().from(mediaObjects).where(eq(mediaObjects.id, image.id))).toEqual([]);
    expect(await pg.db.select().from(socialPostMedia).where(eq(socialPostMedia.mediaId, image.id))).toEqual([]);
    expect(await pg.db.select().from(socialPosts).where(eq(socialPosts.workspaceId, workspace.id))).toEqual([]);
  });
});
