import { expect } from "vitest";
import { insertNotification } from "../../support/social-posts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** One notification for A's owner and one for the outsider in workspace B. */
async function content({ db, a, b, outsider }: Tenants) {
  const mine = await insertNotification(db, a.workspace.id, a.owner.id, "A's post published");
  const own = await insertNotification(db, b.id, outsider.id, "B's post published");
  return { mine, own };
}

export const cases: Record<string, TenancyCase> = {
  "notifications.list": {
    async allow(x) {
      const { mine } = await content(x);
      const list = await x.api(x.a.owner).notifications.list({ workspaceId: x.a.workspace.id });
      expect(list).toMatchObject({ unread: 1, items: [{ id: mine.id }] });
      // Another member of the same workspace sees only their own.
      expect((await x.api(x.a.viewer).notifications.list({ workspaceId: x.a.workspace.id })).items).toEqual([]);
    },
    async foreign(x) {
      const { own } = await content(x);
      await expectNotFound(x.api(x.outsider).notifications.list({ workspaceId: x.a.workspace.id }));
      expect((await x.api(x.outsider).notifications.list({ workspaceId: x.b.id })).items.map((n) => n.id)).toEqual([
        own.id,
      ]);
    },
  },
  "notifications.markRead": {
    async allow(x) {
      const { mine } = await content(x);
      expect(await x.api(x.a.owner).notifications.markRead({ workspaceId: x.a.workspace.id, ids: [mine.id] })).toEqual({
        marked: 1,
      });
      expect((await x.api(x.a.owner).notifications.list({ workspaceId: x.a.workspace.id })).unread).toBe(0);
    },
    async foreign(x) {
      const { mine } = await content(x);
      await expectNotFound(x.api(x.outsider).notifications.markRead({ workspaceId: x.a.workspace.id }));
      // A's notification id through the outsider's own workspace changes nothing.
      expect(await x.api(x.outsider).notifications.markRead({ workspaceId: x.b.id, ids: [mine.id] })).toEqual({
        marked: 0,
      });
      expect((await x.api(x.a.owner).notifications.list({ workspaceId: x.a.workspace.id })).unread).toBe(1);
    },
  },
};
