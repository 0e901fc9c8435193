import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { analyticsRequests } from "../../db/schema";
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
