import { expect } from "vitest";
import { insertMedia } from "../../support/podcasts";
import { insertSocialAccount } from "../../support/social-posts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

const FUTURE = "2099-06-01T09:30";

/** Tenant A's account, image and one draft; the outsider's own account and image in workspace B. */
async function content(x: Tenants) {
  const { db, a, b } = x;
  const account = await insertSocialAccount(db, a.workspace.id, { username: "a_secret" });
  const image = await insertMedia(db, a.workspace.id, { kind: "image" });
  const draft = await x.api(a.editor).socialPosts.createPost({
    workspaceId: a.workspace.id,
    accountId: account.id,
    type: "image",
    caption: "A's secret caption",
    mediaIds: [image.id],
    timezone: "UTC",
  });
  const ownAccount = await insertSocialAccount(db, b.id, { username: "b_account" });
  const ownImage = await insertMedia(db, b.id, { kind: "image" });
  return { account, image, draft, ownAccount, ownImage };
}

const post = (accountId: string, mediaId: string) => ({
  accountId,
  type: "image" as const,
  caption: "Hello",
  mediaIds: [mediaId],
  timezone: "UTC",
});

export const cases: Record<string, TenancyCase> = {
  "socialPosts.createPost": {
    async allow(x) {
      const { account, image } = await content(x);
      const created = await x.api(x.a.editor).socialPosts.createPost({
        workspaceId: x.a.workspace.id,
        ...post(account.id, image.id),
        scheduledLocal: FUTURE,
        schedule: true,
      });
      expect(created).toMatchObject({ status: "scheduled", account: { id: account.id } });
    },
    async foreign(x) {
      const { account, image, ownAccount, ownImage } = await content(x);
      await expectNotFound(
        x.api(x.outsider).socialPosts.createPost({ workspaceId: x.a.workspace.id, ...post(account.id, image.id) }),
      );
      // A's account or A's image used from the outsider's own workspace.
      await expectNotFound(
        x.api(x.outsider).socialPosts.createPost({ workspaceId: x.b.id, ...post(account.id, ownImage.id) }),
      );
      await expectNotFound(
        x.api(x.outsider).socialPosts.createPost({ workspaceId: x.b.id, ...post(ownAccount.id, image.id) }),
      );
    },
  },
  "socialPosts.updatePost": {
    async allow(x) {
      const { account, image, draft } = await content(x);
      const updated = await x.api(x.a.editor).socialPosts.updatePost({
        workspaceId: x.a.workspace.id,
        postId: draft.id,
        ...post(account.id, image.id),
        caption: "Edited",
      });
      expect(updated).toMatchObject({ id: draft.id, caption: "Edited", status: "draft" });
    },
    async foreign(x) {
      const { draft, ownAccount, ownImage } = await content(x);
      await expectNotFound(
        x.api(x.outsider).socialPosts.updatePost({
          workspaceId: x.a.workspace.id,
          postId: draft.id,
          ...post(ownAccount.id, ownImage.id),
        }),
      );
      await expectNotFound(
        x
          .api(x.outsider)
          .socialPosts.updatePost({ workspaceId: x.b.id, postId: draft.id, ...post(ownAccount.id, ownImage.id) }),
      );
      expect(
        (await x.api(x.a.viewer).socialPosts.getPost({ workspaceId: x.a.workspace.id, postId: draft.id })).caption,
      ).toBe("A's secret caption");
    },
  },
  "socialPosts.reschedulePost": {
    async allow(x) {
      const { draft } = await content(x);
      const scheduled = await x.api(x.a.editor).socialPosts.reschedulePost({
        workspaceId: x.a.workspace.id,
        postId: draft.id,
        scheduledLocal: FUTURE,
        timezone: "Europe/Paris",
      });
      expect(scheduled).toMatchObject({ status: "scheduled", scheduledLocal: FUTURE, timezone: "Europe/Paris" });
    },
    async foreign(x) {
      const { draft } = await content(x);
      const move = { postId: draft.id, scheduledLocal: FUTURE, timezone: "UTC" };
      await expectNotFound(x.api(x.outsider).socialPosts.reschedulePost({ workspaceId: x.a.workspace.id, ...move }));
      await expectNotFound(x.api(x.outsider).socialPosts.reschedulePost({ workspaceId: x.b.id, ...move }));
      expect(
        (await x.api(x.a.viewer).socialPosts.getPost({ workspaceId: x.a.workspace.id, postId: draft.id })).status,
      ).toBe("draft");
    },
  },
  "socialPosts.cancelPost": {
    async allow(x) {
      const { draft } = await content(x);
      expect(
        await x.api(x.a.editor).socialPosts.cancelPost({ workspaceId: x.a.workspace.id, postId: draft.id }),
      ).toMatchObject({ status: "canceled" });
    },
    async foreign(x) {
      const { draft } = await content(x);
      await expectNotFound(
        x.api(x.outsider).socialPosts.cancelPost({ workspaceId: x.a.workspace.id, postId: draft.id }),
      );
      await expectNotFound(x.api(x.outsider).socialPosts.cancelPost({ workspaceId: x.b.id, postId: draft.id }));
      expect(
        (await x.api(x.a.viewer).socialPosts.getPost({ workspaceId: x.a.workspace.id, postId: draft.id })).status,
      ).toBe("draft");
    },
  },
  "socialPosts.getPost": {
    async allow(x) {
      const { draft, image } = await content(x);
      const got = await x.api(x.a.viewer).socialPosts.getPost({ workspaceId: x.a.workspace.id, postId: draft.id });
      expect(got).toMatchObject({ id: draft.id, media: [{ id: image.id }] });
    },
    async foreign(x) {
      const { draft } = await content(x);
      await expectNotFound(x.api(x.outsider).socialPosts.getPost({ workspaceId: x.a.workspace.id, postId: draft.id }));
      await expectNotFound(x.api(x.outsider).socialPosts.getPost({ workspaceId: x.b.id, postId: draft.id }));
    },
  },
  "socialPosts.listPosts": {
    async allow(x) {
      const { draft } = await content(x);
      const page = await x.api(x.a.viewer).socialPosts.listPosts({ workspaceId: x.a.workspace.id, filter: "drafts" });
      expect(page.items.map((p) => p.id)).toEqual([draft.id]);
    },
    async foreign(x) {
      await content(x);
      await expectNotFound(
        x.api(x.outsider).socialPosts.listPosts({ workspaceId: x.a.workspace.id, filter: "drafts" }),
      );
      expect((await x.api(x.outsider).socialPosts.listPosts({ workspaceId: x.b.id, filter: "drafts" })).items).toEqual(
        [],
      );
    },
  },
  "socialPosts.listCalendar": {
    async allow(x) {
      const { account, image } = await content(x);
      const created = await x.api(x.a.editor).socialPosts.createPost({
        workspaceId: x.a.workspace.id,
        ...post(account.id, image.id),
        scheduledLocal: FUTURE,
        schedule: true,
      });
      const month = await x.api(x.a.viewer).socialPosts.listCalendar({
        workspaceId: x.a.workspace.id,
        from: "2099-06-01",
        to: "2099-06-07",
        timezone: "UTC",
      });
      expect(month.items.map((p) => p.id)).toEqual([created.id]);
    },
    async foreign(x) {
      const { account, image } = await content(x);
      await x.api(x.a.editor).socialPosts.createPost({
        workspaceId: x.a.workspace.id,
        ...post(account.id, image.id),
        scheduledLocal: FUTURE,
        schedule: true,
      });
      const range = { from: "2099-06-01", to: "2099-06-07", timezone: "UTC" };
      await expectNotFound(x.api(x.outsider).socialPosts.listCalendar({ workspaceId: x.a.workspace.id, ...range }));
      expect((await x.api(x.outsider).socialPosts.listCalendar({ workspaceId: x.b.id, ...range })).items).toEqual([]);
    },
  },
  "socialPosts.listMediaChoices": {
    async allow(x) {
      const { image } = await content(x);
      expect(
        (await x.api(x.a.viewer).socialPosts.listMediaChoices({ workspaceId: x.a.workspace.id })).items.map(
          (m) => m.id,
        ),
      ).toEqual([image.id]);
    },
    async foreign(x) {
      const { ownImage } = await content(x);
      await expectNotFound(x.api(x.outsider).socialPosts.listMediaChoices({ workspaceId: x.a.workspace.id }));
      expect(
        (await x.api(x.outsider).socialPosts.listMediaChoices({ workspaceId: x.b.id })).items.map((m) => m.id),
      ).toEqual([ownImage.id]);
    },
  },
  "socialPosts.listAccountChoices": {
    async allow(x) {
      const { account } = await content(x);
      expect(
        (await x.api(x.a.viewer).socialPosts.listAccountChoices({ workspaceId: x.a.workspace.id })).map((a) => a.id),
      ).toEqual([account.id]);
    },
    async foreign(x) {
      const { ownAccount } = await content(x);
      await expectNotFound(x.api(x.outsider).socialPosts.listAccountChoices({ workspaceId: x.a.workspace.id }));
      expect(
        (await x.api(x.outsider).socialPosts.listAccountChoices({ workspaceId: x.b.id })).map((a) => a.id),
      ).toEqual([ownAccount.id]);
    },
  },
};
