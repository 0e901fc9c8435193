import { expect } from "vitest";
import { insertShow } from "../../support/podcasts";
import { insertSupporter } from "../../support/private-feeds";
import { createUser } from "../../support/factories";
import { callerFor } from "../../support/trpc";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** A supporter of tenant A with a rotated feed, so the member page has a row to show. */
async function memberOfA(x: Tenants) {
  const person = await createUser(x.db, { name: "Sam Supporter" });
  const supporter = await insertSupporter(x.db, x.a.workspace.id, person.id);
  const show = await insertShow(x.db, x.a.workspace.id, { title: "A's show" });
  await callerFor(x.db, person).api.privateFeeds.rotate({ workspaceId: x.a.workspace.id, showId: show.id });
  return { supporter, show };
}

export const cases: Record<string, TenancyCase> = {
  "privateFeeds.listForMember": {
    async allow(x) {
      const { supporter, show } = await memberOfA(x);
      const rows = await x.api(x.a.viewer).privateFeeds.listForMember({
        workspaceId: x.a.workspace.id,
        supporterId: supporter.id,
      });
      expect(rows).toEqual([expect.objectContaining({ showId: show.id, showTitle: "A's show", rotations: 1 })]);
    },
    async foreign(x) {
      const { supporter } = await memberOfA(x);
      const api = x.api(x.outsider).privateFeeds;
      await expectNotFound(api.listForMember({ workspaceId: x.a.workspace.id, supporterId: supporter.id }));
      await expectNotFound(api.listForMember({ workspaceId: x.b.id, supporterId: supporter.id }));
    },
  },
};
