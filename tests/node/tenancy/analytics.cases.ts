import { expect } from "vitest";
import { analyticsDailyDownloads, analyticsDailyListeners, analyticsDailySubscribers } from "../../../db/schema";
import { utcDay } from "../../../server/services/analytics/listener";
import { insertPublishedEpisode, insertShow } from "../../support/podcasts";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Tenant A has a show with a published episode downloaded 7 times today (a rollup cell). */
async function downloadsOfTenantA({ db, a }: Tenants) {
  const show = await insertShow(db, a.workspace.id, { title: "Tenant A's show" });
  const { episode } = await insertPublishedEpisode(db, show, { title: "Tenant A's episode" });
  await db.insert(analyticsDailyDownloads).values({
    workspaceId: a.workspace.id,
    day: utcDay(new Date()),
    showId: show.id,
    episodeId: episode.id,
    app: "Overcast",
    platform: "Apple iPhone",
    country: "DE",
    downloads: 7,
  });
  return { show, episode };
}

/** Tenant A's show had 3 estimated listeners and 11 feed subscribers today (rollup rows). */
async function audienceOfTenantA({ db, a }: Tenants) {
  const show = await insertShow(db, a.workspace.id, { title: "Tenant A's show" });
  const day = utcDay(new Date());
  await db.insert(analyticsDailyListeners).values({ workspaceId: a.workspace.id, day, showId: show.id, listeners: 3 });
  await db.insert(analyticsDailySubscribers).values({
    workspaceId: a.workspace.id,
    day,
    showId: show.id,
    subscribers: 11,
    fetchers: 1,
    aggregators: 1,
    aggregatorSubscribers: 10,
    fetches: 2,
    droppedNotServed: 0,
    droppedBot: 0,
    droppedDuplicate: 0,
    methodologyVersion: "greenroom-feed-subscribers/1",
    computedAt: new Date(),
  });
  return { show };
}

export const cases: Record<string, TenancyCase> = {
  "analytics.exportAudience": {
    async allow(x) {
      await audienceOfTenantA(x);
      const result = await x.api(x.a.viewer).analytics.exportAudience({ workspaceId: x.a.workspace.id });
      expect(result.rows.map((r) => [r.show, r.episode, r.listeners, r.subscribers])).toEqual([
        ["Tenant A's show", "", 3, 11],
      ]);
    },
    async foreign(x) {
      await audienceOfTenantA(x);
      const outsider = x.api(x.outsider).analytics;
      await expectNotFound(outsider.exportAudience({ workspaceId: x.a.workspace.id }));
      expect((await outsider.exportAudience({ workspaceId: x.b.id })).rows).toEqual([]);
    },
  },
  "analytics.getDownloads": {
    async allow(x) {
      const { show, episode } = await downloadsOfTenantA(x);
      const report = await x.api(x.a.viewer).analytics.getDownloads({ workspaceId: x.a.workspace.id, showId: show.id });
      expect(report.total).toBe(7);
      expect(report.episodes.map((e) => [e.id, e.downloads])).toEqual([[episode.id, 7]]);
      expect(report.apps).toEqual([{ name: "Overcast", downloads: 7 }]);
    },
    async foreign(x) {
      const { show } = await downloadsOfTenantA(x);
      const outsider = x.api(x.outsider).analytics;
      await expectNotFound(outsider.getDownloads({ workspaceId: x.a.workspace.id }));
      await expectNotFound(outsider.getDownloads({ workspaceId: x.b.id, showId: show.id }));
      const own = await outsider.getDownloads({ workspaceId: x.b.id });
      expect(own.total).toBe(0);
      expect(own.episodes).toEqual([]);
    },
  },
  "analytics.exportDownloads": {
    async allow(x) {
      await downloadsOfTenantA(x);
      const result = await x.api(x.a.viewer).analytics.exportDownloads({ workspaceId: x.a.workspace.id });
      expect(result.rows.map((r) => [r.show, r.episode, r.downloads])).toEqual([
        ["Tenant A's show", "Tenant A's episode", 7],
      ]);
    },
    async foreign(x) {
      await downloadsOfTenantA(x);
      const outsider = x.api(x.outsider).analytics;
      await expectNotFound(outsider.exportDownloads({ workspaceId: x.a.workspace.id }));
      expect((await outsider.exportDownloads({ workspaceId: x.b.id })).rows).toEqual([]);
    },
  },
};
