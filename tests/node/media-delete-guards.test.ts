import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { episodes, mediaObjects, socialPostMedia, socialPosts } from "../../db/schema";
import { deleteMedia } from "../../server/services/media/library";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createUser, createWorkspace } from "../support/factories";
import { insertEpisode, insertMedia, insertShow } from "../support/podcasts";
import { createLocalR2 } from "../support/r2";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

async function setup() {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const remove = (mediaId: string) =>
    deleteMedia({
      db: t.db,
      bucket: r2.bucket,
      workspaceId: workspace.id,
      mediaId,
      actorUserId: owner.id,
      meta: { ip: null, userAgent: null },
      now: new Date(),
    });
  const exists = async (mediaId: string) =>
    (await t.db.select().from(mediaObjects).where(eq(mediaObjects.id, mediaId))).length === 1;
  return { owner, workspace, remove, exists };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code?: string; message: string },
  );
  if (!error) throw new Error("expected the delete to be refused");
  return error;
}

describe("deleting a media file something depends on", () => {
  it("refuses the audio of a published or scheduled episode, naming it, and allows it once only a draft uses it", async () => {
    const { workspace, remove, exists } = await setup();
    const audio = await insertMedia(t.db, workspace.id, { filename: "final-cut.mp3" });
    const show = await insertShow(t.db, workspace.id);
    const episode = await insertEpisode(t.db, show, {
      title: "Pilot",
      status: "published",
      audioMediaId: audio.id,
      publishedAt: new Date(),
    });

    const error = await refusal(remove(audio.id));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("“final-cut.mp3” is the audio of “Pilot”");
    expect(await exists(audio.id)).toBe(true);

    await t.db.update(episodes).set({ status: "draft", publishedAt: null }).where(eq(episodes.id, episode.id));
    expect(await remove(audio.id)).toEqual({ id: audio.id });
    expect(await exists(audio.id)).toBe(false);
  });

  it("refuses an image a social post still has to publish, and lets a published post's image go", async () => {
    const { owner, workspace, remove, exists } = await setup();
    const image = await insertMedia(t.db, workspace.id, { kind: "image", filename: "cover.png" });
    const [post] = await t.db
      .insert(socialPosts)
      .values({ workspaceId: workspace.id, caption: "Out now", status: "scheduled", createdBy: owner.id })
      .returning();
    await t.db.insert(socialPostMedia).values({ postId: post.id, position: 0, mediaId: image.id });

    const error = await refusal(remove(image.id));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("used by a social post that has not been published yet");

    await t.db.update(socialPosts).set({ status: "published" }).where(eq(socialPosts.id, post.id));
    expect(await remove(image.id)).toEqual({ id: image.id });
    expect(await exists(image.id)).toBe(false);
    const [kept] = await t.db.select().from(socialPosts).where(eq(socialPosts.id, post.id));
    expect(kept).toMatchObject({ status: "published", caption: "Out now" });
  });
});
