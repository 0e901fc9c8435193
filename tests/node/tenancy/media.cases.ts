import { afterAll, expect } from "vitest";
import type { TestUser } from "../../support/factories";
import { sendParts } from "../../support/media";
import { createLocalR2 } from "../../support/r2";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** One local R2 for all media cases, started on first use. */
let r2: ReturnType<typeof createLocalR2> | undefined;
afterAll(async () => (await r2)?.dispose());
const bucket = async () => (await (r2 ??= createLocalR2())).bucket;

async function mediaApi(x: Tenants, user: TestUser) {
  return x.api(user, { env: { MEDIA: await bucket() } }).media;
}

const WAV = { filename: "episode.wav", contentType: "audio/wav", size: 4096 };

/** An upload in tenant A, its bytes sent; `finish` also completes it. */
async function uploadInA(x: Tenants, finish: boolean) {
  const api = await mediaApi(x, x.a.editor);
  const session = await api.createUpload({ workspaceId: x.a.workspace.id, ...WAV });
  await sendParts({ db: x.db, bucket: await bucket(), session });
  if (finish) await api.completeUpload({ workspaceId: x.a.workspace.id, mediaId: session.mediaId });
  return session.mediaId;
}

async function statusInA(x: Tenants, mediaId: string) {
  const page = await (await mediaApi(x, x.a.viewer)).list({ workspaceId: x.a.workspace.id });
  return page.items.find((item) => item.id === mediaId)?.status;
}

export const cases: Record<string, TenancyCase> = {
  "media.createUpload": {
    async allow(x) {
      const session = await (await mediaApi(x, x.a.editor)).createUpload({ workspaceId: x.a.workspace.id, ...WAV });
      expect(session).toMatchObject({ status: "uploading", partCount: 1, multipart: false, uploadedParts: [] });
      expect(session.token).toMatch(new RegExp(`^${x.a.workspace.id}\\.`));
    },
    foreign: async (x) =>
      expectNotFound((await mediaApi(x, x.outsider)).createUpload({ workspaceId: x.a.workspace.id, ...WAV })),
  },
  "media.getUpload": {
    async allow(x) {
      const mediaId = await uploadInA(x, false);
      expect(await (await mediaApi(x, x.a.admin)).getUpload({ workspaceId: x.a.workspace.id, mediaId })).toMatchObject({
        mediaId,
        uploadedParts: [1],
      });
    },
    async foreign(x) {
      const mediaId = await uploadInA(x, false);
      const api = await mediaApi(x, x.outsider);
      await expectNotFound(api.getUpload({ workspaceId: x.a.workspace.id, mediaId }));
      await expectNotFound(api.getUpload({ workspaceId: x.b.id, mediaId }));
    },
  },
  "media.completeUpload": {
    async allow(x) {
      const mediaId = await uploadInA(x, false);
      const item = await (await mediaApi(x, x.a.editor)).completeUpload({ workspaceId: x.a.workspace.id, mediaId });
      expect(item).toMatchObject({ id: mediaId, status: "ready", size: WAV.size });
    },
    async foreign(x) {
      const mediaId = await uploadInA(x, false);
      const api = await mediaApi(x, x.outsider);
      await expectNotFound(api.completeUpload({ workspaceId: x.a.workspace.id, mediaId }));
      await expectNotFound(api.completeUpload({ workspaceId: x.b.id, mediaId }));
      expect(await statusInA(x, mediaId)).toBe("uploading");
    },
  },
  "media.abortUpload": {
    async allow(x) {
      const mediaId = await uploadInA(x, false);
      expect(await (await mediaApi(x, x.a.editor)).abortUpload({ workspaceId: x.a.workspace.id, mediaId })).toEqual({
        id: mediaId,
      });
      expect(await statusInA(x, mediaId)).toBeUndefined();
    },
    async foreign(x) {
      const mediaId = await uploadInA(x, false);
      const api = await mediaApi(x, x.outsider);
      await expectNotFound(api.abortUpload({ workspaceId: x.a.workspace.id, mediaId }));
      await expectNotFound(api.abortUpload({ workspaceId: x.b.id, mediaId }));
      expect(await statusInA(x, mediaId)).toBe("uploading");
    },
  },
  "media.list": {
    async allow(x) {
      const mediaId = await uploadInA(x, true);
      const page = await (await mediaApi(x, x.a.viewer)).list({ workspaceId: x.a.workspace.id });
      expect(page.items.map((item) => item.id)).toEqual([mediaId]);
    },
    async foreign(x) {
      await uploadInA(x, true);
      const api = await mediaApi(x, x.outsider);
      await expectNotFound(api.list({ workspaceId: x.a.workspace.id }));
      expect((await api.list({ workspaceId: x.b.id })).items).toEqual([]);
    },
  },
  "media.delete": {
    async allow(x) {
      const mediaId = await uploadInA(x, true);
      expect(await (await mediaApi(x, x.a.editor)).delete({ workspaceId: x.a.workspace.id, mediaId })).toEqual({
        id: mediaId,
      });
      expect(await statusInA(x, mediaId)).toBeUndefined();
    },
    async foreign(x) {
      const mediaId = await uploadInA(x, true);
      const api = await mediaApi(x, x.outsider);
      await expectNotFound(api.delete({ workspaceId: x.a.workspace.id, mediaId }));
      await expectNotFound(api.delete({ workspaceId: x.b.id, mediaId }));
      expect(await statusInA(x, mediaId)).toBe("ready");
    },
  },
  "media.getStorageUsage": {
    async allow(x) {
      await uploadInA(x, true);
      expect(await (await mediaApi(x, x.a.viewer)).getStorageUsage({ workspaceId: x.a.workspace.id })).toMatchObject({
        usedBytes: WAV.size,
        fileCount: 1,
      });
    },
    async foreign(x) {
      await uploadInA(x, true);
      const api = await mediaApi(x, x.outsider);
      await expectNotFound(api.getStorageUsage({ workspaceId: x.a.workspace.id }));
      expect(await api.getStorageUsage({ workspaceId: x.b.id })).toMatchObject({ usedBytes: 0, fileCount: 0 });
    },
  },
};
