import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { insertMedia } from "../support/podcasts";
import { send, signUpOverHttp } from "./http";
import { audioBytes, publishedShow, workerDb } from "./podcast-fixtures";

const body = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe("episode enclosures from R2", () => {
  it("serves the whole file with its length, type and Accept-Ranges", async () => {
    const { episode, bytes } = await publishedShow({ size: 5000 });
    const response = await send(`/media/episodes/${episode.id}/audio`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("5000");
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("cache-control")).toMatch(/^public/);
    expect(await body(response)).toEqual(bytes);
  });

  it("answers a single range with 206, Content-Range and exactly those bytes", async () => {
    const { episode, bytes } = await publishedShow({ size: 5000 });
    const path = `/media/episodes/${episode.id}/audio.mp3`;
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=4990-", 4990, 4999],
      ["bytes=-10", 4990, 4999],
      ["bytes=100-100", 100, 100],
      ["bytes=4000-99999", 4000, 4999],
    ];
    for (const [range, start, end] of cases) {
      const response = await send(path, { headers: { range } });
      expect(response.status, range).toBe(206);
      expect(response.headers.get("content-range"), range).toBe(`bytes ${start}-${end}/5000`);
      expect(response.headers.get("x-content-type-options"), range).toBe("nosniff");
      expect(response.headers.get("content-length"), range).toBe(String(end - start + 1));
      expect(await body(response), range).toEqual(bytes.slice(start, end + 1));
    }
  });

  it("refuses a range past the end with 416, and ignores a malformed or multi-range header", async () => {
    const { episode } = await publishedShow({ size: 5000 });
    const path = `/media/episodes/${episode.id}/audio`;
    const past = await send(path, { headers: { range: "bytes=5000-" } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */5000");
    for (const range of ["bytes=0-1,5-6", "items=0-1", "bytes=9-2"]) {
      const response = await send(path, { headers: { range } });
      expect(response.status, range).toBe(200);
      expect((await body(response)).length, range).toBe(5000);
    }
  });

  it("answers HEAD with the headers of the whole file and no body", async () => {
    const { episode } = await publishedShow({ size: 2048 });
    const response = await send(`/media/episodes/${episode.id}/audio`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("2048");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect((await body(response)).length).toBe(0);
  });

  it("is 404 for draft, unknown and malformed episodes", async () => {
    const { draft } = await publishedShow();
    expect((await send(`/media/episodes/${draft.id}/audio`)).status).toBe(404);
    expect((await send(`/media/episodes/${crypto.randomUUID()}/audio`)).status).toBe(404);
    expect((await send("/media/episodes/nope/audio")).status).toBe(404);
    expect((await send(`/media/episodes/${draft.id}/video`)).status).toBe(404);
  });
});

describe("authenticated media route", () => {
  it("streams a workspace's file to its members only, with the same range handling", async () => {
    const { owner, draftAudio } = await publishedShow();
    const stored = audioBytes(500);
    const own = await send(`/api/media/${draftAudio.id}`, { headers: { cookie: owner.cookie } });
    expect(own.status).toBe(200);
    expect(own.headers.get("cache-control")).toMatch(/^private/);
    expect(await body(own)).toEqual(stored);
    const ranged = await send(`/api/media/${draftAudio.id}`, {
      headers: { cookie: owner.cookie, range: "bytes=10-19" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe("bytes 10-19/500");
    expect(await body(ranged)).toEqual(stored.slice(10, 20));

    const stranger = await signUpOverHttp("Media Stranger");
    expect((await send(`/api/media/${draftAudio.id}`, { headers: { cookie: stranger.cookie } })).status).toBe(404);
    expect((await send(`/api/media/${draftAudio.id}`)).status).toBe(401);
  });

  it("is 404 for a file that is not ready", async () => {
    const owner = await signUpOverHttp("Media Owner");
    const handle = workerDb();
    const media = await insertMedia(handle.db, owner.workspaceId, { status: "uploading" }).finally(() =>
      handle.close(),
    );
    await env.MEDIA.put(media.r2Key, audioBytes(10));
    expect((await send(`/api/media/${media.id}`, { headers: { cookie: owner.cookie } })).status).toBe(404);
  });
});
