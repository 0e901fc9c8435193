import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countDownloads,
  downloadThreshold,
  FALLBACK_BYTES_PER_MINUTE,
  type CountableRequest,
} from "../../server/services/analytics/counting";
import { importSalt, ipPrefix, listenerKey } from "../../server/services/analytics/listener";
import { id3HeaderBytes } from "../../server/services/analytics/rollup";
import { classifyUserAgent } from "../../server/services/analytics/user-agents";

const APPLE = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
const OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
const EPISODE = "00000000-0000-4000-8000-000000000001";
const SHOW = "00000000-0000-4000-8000-0000000000aa";
// 10 minutes of audio in 6,000,000 bytes after a 10,000-byte ID3 tag: 600,000 bytes a minute, +10,000 header.
const THRESHOLD = downloadThreshold({ size: 6_010_000, durationSeconds: 600, headerBytes: 10_000 });

let sequence = 0;
function request(overrides: Partial<CountableRequest> & { range?: [number, number] }): CountableRequest {
  const { range, ...rest } = overrides;
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    showId: SHOW,
    episodeId: EPISODE,
    requestedAt: new Date(Date.UTC(2026, 5, 1, 8, 0, sequence)),
    listenerKey: "listener-1",
    method: "GET",
    status: 206,
    rangeHeader: range ? `bytes=${range[0]}-${range[1]}` : null,
    rangeStart: range ? range[0] : 0,
    bytesSent: range ? range[1] - range[0] + 1 : 6_010_000,
    userAgent: APPLE,
    country: "DE",
    ...rest,
  };
}
const count = (requests: CountableRequest[]) => countDownloads({ requests, thresholdOf: () => THRESHOLD });

describe("the one-minute threshold", () => {
  it("is the file's average bytes per second times 60 plus its header", () => {
    expect(THRESHOLD).toBe(610_000);
    expect(downloadThreshold({ size: 6_010_000, durationSeconds: 601, headerBytes: 10_000 })).toBe(609_002);
  });
  it("is the whole file when the episode is shorter than a minute", () => {
    expect(downloadThreshold({ size: 400_000, durationSeconds: 30, headerBytes: 1_000 })).toBe(400_000);
  });
  it("falls back to a minute at 128 kbit/s when the duration is unknown", () => {
    expect(downloadThreshold({ size: 50_000_000, durationSeconds: null, headerBytes: 2_000 })).toBe(
      2_000 + FALLBACK_BYTES_PER_MINUTE,
    );
  });
  it("reads the ID3v2 tag size (syncsafe, plus a footer when flagged)", () => {
    expect(id3HeaderBytes(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x02, 0x01]))).toBe(10 + 257);
    expect(id3HeaderBytes(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 0x01, 0x00]))).toBe(10 + 128 + 10);
    expect(id3HeaderBytes(new Uint8Array([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0]))).toBe(0);
  });
});

describe("IAB v2.2 counting rules", () => {
  it("adds ranges split across requests, counting bytes fetched twice once", () => {
    const split = count([
      request({ range: [0, 299_999] }),
      request({ range: [200_000, 399_999] }),
      request({ range: [400_000, 609_999] }),
    ]);
    expect(split.counters).toMatchObject({ requests: 3, downloads: 1, droppedDuplicate: 2, droppedUnderThreshold: 0 });
    const refetched = count([request({ range: [0, 399_999] }), request({ range: [0, 399_999] })]);
    expect(refetched.counters).toMatchObject({ downloads: 0, droppedUnderThreshold: 2 });
  });

  it("counts a listener one byte under the threshold as nothing, and at it as one download", () => {
    expect(count([request({ range: [0, THRESHOLD - 2] })]).counters).toMatchObject({
      downloads: 0,
      droppedUnderThreshold: 1,
    });
    expect(count([request({ range: [0, THRESHOLD - 1] })]).counters).toMatchObject({ downloads: 1 });
  });

  it("uses the bytes actually sent, not the range asked for", () => {
    const hungUp = request({ rangeHeader: "bytes=0-", rangeStart: 0, bytesSent: 100_000, status: 206 });
    expect(count([hungUp]).counters).toMatchObject({ downloads: 0, droppedUnderThreshold: 1 });
  });

  it("drops pre-loads (bytes=0-1) whatever else the listener did", () => {
    const alone = count([request({ rangeHeader: "bytes=0-1", rangeStart: 0, bytesSent: 2 })]);
    expect(alone.counters).toMatchObject({ downloads: 0, droppedPreload: 1 });
    const thenPlayed = count([
      request({ rangeHeader: "bytes=0-1", rangeStart: 0, bytesSent: 2 }),
      request({ rangeHeader: "bytes=0-", rangeStart: 0, bytesSent: 6_010_000 }),
    ]);
    expect(thenPlayed.counters).toMatchObject({ downloads: 1, droppedPreload: 1, droppedDuplicate: 0 });
  });

  it("drops bots from the OPAWG list, libraries marked as bots and empty agents", () => {
    const result = count([
      request({ userAgent: "curl/8.4.0", listenerKey: "a" }),
      request({
        userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        listenerKey: "b",
      }),
      request({ userAgent: "", listenerKey: "c" }),
      request({ userAgent: OVERCAST, listenerKey: "d" }),
    ]);
    expect(result.counters).toMatchObject({ requests: 4, downloads: 1, droppedBot: 3 });
  });

  it("drops Apple Watch requests as duplicates of the phone's download", () => {
    const result = count([request({}), request({ userAgent: "atc/1.0 watchOS/10.1" })]);
    expect(result.counters).toMatchObject({ downloads: 1, droppedAppleWatch: 1, droppedDuplicate: 0 });
  });

  it("counts one download per listener and episode however often they fetch it", () => {
    const result = count([request({}), request({}), request({ listenerKey: "listener-2" })]);
    expect(result.counters).toMatchObject({ downloads: 2, droppedDuplicate: 1 });
  });

  it("counts nothing for HEAD, 304, 416 or an empty body", () => {
    const result = count([
      request({ method: "HEAD", status: 200, rangeStart: null, bytesSent: 0 }),
      request({ status: 304, rangeStart: null, bytesSent: 0 }),
      request({ status: 416, rangeStart: null, bytesSent: 0 }),
    ]);
    expect(result.counters).toMatchObject({ requests: 3, downloads: 0, droppedNotServed: 3 });
  });

  it("credits the download to the listener's earliest request (app, platform, country)", () => {
    const result = count([
      request({ userAgent: OVERCAST, country: "FR", requestedAt: new Date("2026-06-01T10:00:00Z") }),
      request({ userAgent: APPLE, country: "DE", requestedAt: new Date("2026-06-01T09:00:00Z") }),
    ]);
    expect(result.cells).toEqual([
      {
        showId: SHOW,
        episodeId: EPISODE,
        app: "Apple Podcasts",
        platform: "Apple iPhone",
        country: "DE",
        downloads: 1,
      },
    ]);
  });

  it("puts every request in exactly one bucket, in any order", () => {
    const arbitraryRequest = fc.record({
      listener: fc.constantFrom("l1", "l2", "l3"),
      agent: fc.constantFrom(APPLE, OVERCAST, "curl/8.4.0", "atc/1.0 watchOS/10.1", ""),
      status: fc.constantFrom(200, 206, 304, 416),
      start: fc.integer({ min: 0, max: 6_000_000 }),
      length: fc.integer({ min: 0, max: 700_000 }),
      preload: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbitraryRequest, { maxLength: 30 }), (specs) => {
        const requests = specs.map((s) =>
          request({
            listenerKey: s.listener,
            userAgent: s.agent,
            status: s.status,
            rangeHeader: s.preload ? "bytes=0-1" : `bytes=${s.start}-`,
            rangeStart: s.status === 200 || s.status === 206 ? s.start : null,
            bytesSent: s.status === 200 || s.status === 206 ? s.length : 0,
          }),
        );
        const { counters, cells } = count(requests);
        const dropped =
          counters.droppedNotServed +
          counters.droppedBot +
          counters.droppedPreload +
          counters.droppedAppleWatch +
          counters.droppedDuplicate +
          counters.droppedUnderThreshold;
        expect(counters.downloads + dropped).toBe(requests.length);
        expect(cells.reduce((sum, c) => sum + c.downloads, 0)).toBe(counters.downloads);
        expect(count([...requests].reverse()).counters).toEqual(counters);
      }),
    );
  });
});

describe("the listener key", () => {
  it("cuts IPv6 to its /64 and keeps IPv4 whole", () => {
    expect(ipPrefix("2001:db8:85a3:12:8a2e:370:7334:1")).toBe("2001:db8:85a3:12");
    expect(ipPrefix("2001:0db8:85a3:0012::1")).toBe("2001:db8:85a3:12");
    expect(ipPrefix("2001:db8::1")).toBe("2001:db8:0:0");
    expect(ipPrefix("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(ipPrefix("192.0.2.7")).toBe("192.0.2.7");
  });

  it("is the same within one /64 and user agent, different across /64s, agents and days' salts", async () => {
    const monday = await importSalt("salt-of-monday");
    const tuesday = await importSalt("salt-of-tuesday");
    const key = (salt: CryptoKey, ip: string, userAgent = APPLE) => listenerKey({ salt, ip, userAgent });
    const home = await key(monday, "2001:db8:1:2:aaaa::1");
    expect(await key(monday, "2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe(home);
    expect(await key(monday, "2001:db8:1:3::1")).not.toBe(home);
    expect(await key(monday, "2001:db8:1:2:aaaa::1", OVERCAST)).not.toBe(home);
    expect(await key(tuesday, "2001:db8:1:2:aaaa::1")).not.toBe(home);
    expect(home).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(home).not.toContain("2001");
  });

  it("is the same for two devices behind one IPv6 /64, so they count once", async () => {
    const salt = await importSalt("salt");
    const a = await listenerKey({ salt, ip: "2001:db8:1:2::a", userAgent: APPLE });
    const b = await listenerKey({ salt, ip: "2001:db8:1:2::b", userAgent: APPLE });
    const result = count([request({ listenerKey: a }), request({ listenerKey: b })]);
    expect(result.counters).toMatchObject({ downloads: 1, droppedDuplicate: 1 });
  });
});

describe("the user-agent lists", () => {
  it("classify known agents as the lists say", () => {
    expect(classifyUserAgent(APPLE)).toEqual({ kind: "listener", app: "Apple Podcasts", platform: "Apple iPhone" });
    expect(classifyUserAgent("Spotify/8.8.0 Android/33 (SM-G991B)")).toEqual({
      kind: "listener",
      app: "Spotify",
      platform: "Android Phone",
    });
    expect(classifyUserAgent("atc/1.0 watchOS/10.1").kind).toBe("apple_watch");
    expect(classifyUserAgent("python-requests/2.31.0").kind).toBe("bot");
  });
});
