import { expect } from "vitest";
import { insertEpisode, insertMedia, insertShow, insertTranscript } from "../../support/podcasts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** A word that exists only in tenant A: in a transcript segment and in an episode's show notes. */
async function secret({ db, a }: Tenants) {
  const media = await insertMedia(db, a.workspace.id);
  await insertTranscript(db, {
    workspaceId: a.workspace.id,
    mediaId: media.id,
    segments: [{ startMs: 61_000, endMs: 64_000, text: "the quarterly zanzibar numbers" }],
  });
  const show = await insertShow(db, a.workspace.id);
  await insertEpisode(db, show, { title: "Zanzibar special", description: "All about zanzibar." });
}

export const cases: Record<string, TenancyCase> = {
  "search.query": {
    async allow(x) {
      await secret(x);
      const result = await x.api(x.a.viewer).search.query({ workspaceId: x.a.workspace.id, q: "zanzibar" });
      expect(result.items.map((hit) => hit.kind).sort()).toEqual(["episode", "segment"]);
    },
    async foreign(x) {
      await secret(x);
      await expectNotFound(x.api(x.outsider).search.query({ workspaceId: x.a.workspace.id, q: "zanzibar" }));
      expect((await x.api(x.outsider).search.query({ workspaceId: x.b.id, q: "zanzibar" })).items).toEqual([]);
    },
  },
};
