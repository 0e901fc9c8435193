import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { analyticsFeedFetches, analyticsRequests } from "../../db/schema";
import { send } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";

async function recordedRequests(episodeId: string, expected: number) {
  const handle = workerDb();
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const rows = await handle.db.select().from(analyticsRequests).where(eq(analyticsRequests.episodeId, episodeId));
      if (rows.length >= expected) return rows;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return [];
  } finally {
    await handle.close();
  }
}

describe("enclosure requests reach the analytics tables through the queue", () => {
  it("records the served range, status and agent, with a hashed listener and no address", async () => {
    const { episode, show } = await publishedShow({ size: 5000 });
    const response = await send(`/media/episodes/${episode.id}/audio.mp3`, {
      headers: { range: "bytes=100-1099", "user-agent": "Overcast/3.0", "cf-connecting-ip": "198.51.100.23" },
    });
    expect(response.status).toBe(206);
    expect((await response.arrayBuffer()).byteLength).toBe(1000);
    const rows = await recordedRequests(episode.id, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      showId: show.id,
      status: 206,
      method: "GET",
      rangeHeader: "bytes=100-1099",
      rangeStart: 100,
      bytesSent: 1000,
      userAgent: "Overcast/3.0",
    });
    expect(JSON.stringify(rows[0])).not.toContain("198.51.100.23");
  });
});

async function recordedFeedFetches(showId: string, expected: number) {
  const handle = workerDb();
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const rows = await handle.db.select().from(analyticsFeedFetches).where(eq(analyticsFeedFetches.showId, showId));
      if (rows.length >= expected) return rows;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return [];
  } finally {
    await handle.close();
  }
}

describe("public feed fetches reach the analytics tables through the queue (docs/decisions/035)", () => {
  it("records a miss, an edge-cache hit and a 304 from the cache, with a hashed listener and no address", async () => {
    const { show } = await publishedShow();
    const feed = `/feeds/${show.id}.xml`;
    const miss = await send(feed, { headers: { "user-agent": "Overcast/3.0", "cf-connecting-ip": "198.51.100.31" } });
    expect(miss.status).toBe(200);
    expect(miss.headers.get("x-greenroom-cache")).toBe("MISS");
    const etag = miss.headers.get("etag") ?? "";
    await miss.arrayBuffer();

    const feedly = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers; )";
    const hit = await send(feed, { headers: { "user-agent": feedly, "cf-connecting-ip": "198.51.100.32" } });
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-greenroom-cache")).toBe("HIT");
    // Recording runs after the response, in waitUntil: the hit itself still touches no database.
    expect(hit.headers.get("x-greenroom-db-queries")).toBe("0");
    await hit.arrayBuffer();

    const notModified = await send(feed, {
      headers: { "user-agent": "Overcast/3.0", "cf-connecting-ip": "198.51.100.31", "if-none-match": etag },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("x-greenroom-cache")).toBe("HIT");

    const rows = await recordedFeedFetches(show.id, 3);
    expect(rows.map((r) => [r.status, r.userAgent]).sort()).toEqual(
      [
        [200, "Overcast/3.0"],
        [200, feedly],
        [304, "Overcast/3.0"],
      ].sort(),
    );
    const overcast = rows.filter((r) => r.userAgent === "Overcast/3.0");
    expect(overcast[0].listenerKey).toBe(overcast[1].listenerKey);
    expect(JSON.stringify(rows)).not.toContain("198.51.100.3");
  });
});
