import { createScheduledController, env } from "cloudflare:test";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import worker from "../../workers/app";
import { insertEpisode, insertMedia, insertShow } from "../support/podcasts";
import { send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";
import "./env";

describe("scheduled publishing", () => {
  it("the per-minute cron puts a due episode in the feed, at its scheduled time", async () => {
    const owner = await signUpOverHttp("Scheduler");
    const handle = workerDb();
    const publishAt = new Date(Date.now() - 5_000);
    const { show, due } = await (async () => {
      const show = await insertShow(handle.db, owner.workspaceId);
      const audio = await insertMedia(handle.db, owner.workspaceId);
      const due = await insertEpisode(handle.db, show, {
        title: "Due now",
        status: "scheduled",
        publishAt,
        audioMediaId: audio.id,
      });
      await insertEpisode(handle.db, show, {
        title: "Next week",
        status: "scheduled",
        publishAt: new Date(Date.now() + 7 * 86_400_000),
        audioMediaId: audio.id,
      });
      return { show, due };
    })().finally(() => handle.close());

    const before = new XMLParser().parse(await (await send(`/feeds/${show.id}.xml`)).text());
    expect(before.rss.channel.item).toBeUndefined();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: new Date() }), env);
    const after = new XMLParser().parse(await (await send(`/feeds/${show.id}.xml`)).text());
    expect(after.rss.channel.item.title).toBe("Due now");
    expect(new Date(after.rss.channel.item.pubDate).getTime()).toBe(Math.floor(publishAt.getTime() / 1000) * 1000);
    expect((await send(`/p/${show.id}/${due.id}`)).status).toBe(200);
  });
});
