import { describe, expect, it } from "vitest";
import { countAdDeliveries, type AdRequest, type ArrangedAd } from "../../server/services/ads/delivery";
import { findHostReadEvidence, words } from "../../server/services/ads/host-read";
import { flightPacing } from "../../server/services/ads/pacing";

const APPLE = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
const BOT = "Googlebot/2.1 (+http://www.google.com/bot.html)";
const EPISODE = "00000000-0000-4000-8000-000000000001";
const SHOW = "00000000-0000-4000-8000-0000000000aa";
const FLIGHT_PRE = "00000000-0000-4000-8000-0000000000f1";
const FLIGHT_MID = "00000000-0000-4000-8000-0000000000f2";

// Arrangement "arr": a 100,000-byte file, pre-roll at [1,000, 21,000), mid-roll at [50,000, 70,000).
const ADS: ArrangedAd[] = [
  { flightId: FLIGHT_PRE, byteStart: 1_000, byteEnd: 21_000 },
  { flightId: FLIGHT_MID, byteStart: 50_000, byteEnd: 70_000 },
];

let sequence = 0;
function request(range: [number, number], overrides: Partial<AdRequest> = {}): AdRequest {
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    showId: SHOW,
    episodeId: EPISODE,
    requestedAt: new Date(Date.UTC(2026, 5, 1, 8, 0, sequence)),
    listenerKey: "listener-1",
    method: "GET",
    status: 206,
    rangeHeader: `bytes=${range[0]}-${range[1]}`,
    rangeStart: range[0],
    bytesSent: range[1] - range[0] + 1,
    userAgent: APPLE,
    country: "DE",
    arrangementId: "arr",
    ...overrides,
  };
}
const delivered = (requests: AdRequest[]) =>
  Object.fromEntries(
    countAdDeliveries({ requests, adsOf: (id) => (id === "arr" ? ADS : undefined) }).map((c) => [
      c.flightId,
      c.delivered,
    ]),
  );

describe("an ad counts only when all of its bytes were downloaded", () => {
  it("credits both ads for a whole download, once however often it was fetched", () => {
    expect(delivered([request([0, 99_999])])).toEqual({ [FLIGHT_PRE]: 1, [FLIGHT_MID]: 1 });
    expect(delivered([request([0, 99_999]), request([0, 99_999])])).toEqual({ [FLIGHT_PRE]: 1, [FLIGHT_MID]: 1 });
  });

  it("joins ranges split across requests, and a one-byte gap means not delivered", () => {
    expect(delivered([request([0, 10_000]), request([10_001, 60_000]), request([60_001, 99_999])])).toEqual({
      [FLIGHT_PRE]: 1,
      [FLIGHT_MID]: 1,
    });
    // Byte 55,000 never served: the mid-roll is not delivered, the pre-roll is.
    expect(delivered([request([0, 54_999]), request([55_001, 99_999])])).toEqual({ [FLIGHT_PRE]: 1 });
  });

  it("does not credit a listener who stopped inside the ad", () => {
    expect(delivered([request([0, 20_998])])).toEqual({});
    expect(delivered([request([0, 20_999])])).toEqual({ [FLIGHT_PRE]: 1 });
    expect(delivered([request([1_000, 20_999])])).toEqual({ [FLIGHT_PRE]: 1 });
    expect(delivered([request([1_001, 20_999])])).toEqual({});
  });

  it("drops bots, pre-loads, HEADs and failed requests by the download rules", () => {
    expect(delivered([request([0, 99_999], { userAgent: BOT })])).toEqual({});
    expect(delivered([request([0, 1], { rangeHeader: "bytes=0-1" })])).toEqual({});
    expect(delivered([request([0, 99_999], { method: "HEAD", bytesSent: 0, rangeStart: null })])).toEqual({});
    expect(delivered([request([0, 99_999], { status: 416, bytesSent: 0, rangeStart: null })])).toEqual({});
  });

  it("counts each listener separately, and nothing for requests served without insertion", () => {
    expect(
      delivered([
        request([0, 99_999], { listenerKey: "a" }),
        request([0, 99_999], { listenerKey: "b" }),
        request([0, 25_000], { listenerKey: "c" }),
        request([0, 99_999], { listenerKey: "d", arrangementId: null }),
        request([0, 99_999], { listenerKey: "e", arrangementId: "pruned" }),
      ]),
    ).toEqual({ [FLIGHT_PRE]: 3, [FLIGHT_MID]: 2 });
  });

  it("credits the earliest request's country and app", () => {
    const cells = countAdDeliveries({
      requests: [
        request([50_000, 99_999], { country: "FR", requestedAt: new Date(Date.UTC(2026, 5, 1, 9)) }),
        request([0, 49_999], { country: null, requestedAt: new Date(Date.UTC(2026, 5, 1, 8)) }),
      ],
      adsOf: () => ADS,
    });
    expect(cells.map((c) => [c.flightId, c.country, c.app])).toEqual([
      [FLIGHT_PRE, "XX", "Apple Podcasts"],
      [FLIGHT_MID, "XX", "Apple Podcasts"],
    ]);
  });
});

describe("pacing with a frozen clock", () => {
  const flight = { goal: 10_000, startsOn: "2026-06-01", endsOn: "2026-06-10" };

  it("is on track on the line, behind below 90% of it, and suggests a make-good", () => {
    // Today 2026-06-06: five whole days elapsed, 5,000 expected.
    expect(flightPacing({ ...flight, delivered: 5_000, today: "2026-06-06" })).toMatchObject({
      expected: 5_000,
      status: "on_track",
      remainingDays: 5,
      projectedShortfall: 0,
      makeGood: null,
    });
    expect(flightPacing({ ...flight, delivered: 4_500, today: "2026-06-06" }).status).toBe("on_track");
    // 4,000 in 5 days = 800/day; 5 days left → 8,000 at the end: 2,000 short, 3 more days at 800/day.
    expect(flightPacing({ ...flight, delivered: 4_000, today: "2026-06-06" })).toMatchObject({
      status: "behind",
      dailyRate: 800,
      projectedShortfall: 2_000,
      makeGood: { impressions: 2_000, extraDays: 3 },
    });
  });

  it("has not started before its first day and has ended short after its last", () => {
    expect(flightPacing({ ...flight, delivered: 0, today: "2026-05-31" })).toMatchObject({
      status: "not_started",
      expected: 0,
      makeGood: null,
    });
    expect(flightPacing({ ...flight, delivered: 0, today: "2026-06-01" }).status).toBe("not_started");
    expect(flightPacing({ ...flight, delivered: 9_000, today: "2026-06-11" })).toMatchObject({
      status: "under_delivered",
      remainingDays: 0,
      expected: 10_000,
      makeGood: { impressions: 1_000, extraDays: 2 },
    });
    expect(flightPacing({ ...flight, delivered: 10_200, today: "2026-06-08" }).status).toBe("delivered");
  });
});

describe("host-read proof in the transcript", () => {
  const segments = [
    { startMs: 0, endMs: 4_000, text: "Welcome back to the show." },
    { startMs: 4_000, endMs: 9_000, text: "This episode is brought to you by Greenroom, the studio for" },
    { startMs: 9_000, endMs: 14_000, text: "independent creators. Go to greenroom dot com slash ten" },
    { startMs: 14_000, endMs: 18_000, text: "and use the code save twenty for twenty percent off." },
    { startMs: 18_000, endMs: 25_000, text: "Now, our guest today..." },
  ];

  it("reads numbers and spoken punctuation the way ASR writes them", () => {
    expect(words("Save twenty-five, greenroom.com/10!")).toEqual(["save", "25", "greenroom", "com", "10"]);
  });

  it("finds the promo code, URL and talking points with passage and time, and flags what is missing", () => {
    const evidence = findHostReadEvidence({
      segments,
      promoCode: "SAVE20",
      url: "https://www.greenroom.com/ten",
      talkingPoints: ["Greenroom is the studio for independent creators", "Free shipping on every order"],
    });
    expect(evidence).toEqual([
      {
        kind: "promo_code",
        target: "SAVE20",
        found: true,
        startMs: 14_000,
        passage: expect.stringContaining("save twenty") as unknown,
      },
      {
        kind: "url",
        target: "https://www.greenroom.com/ten",
        found: true,
        startMs: 9_000,
        passage: expect.stringContaining("greenroom dot com slash ten") as unknown,
      },
      {
        kind: "talking_point",
        target: "Greenroom is the studio for independent creators",
        found: true,
        startMs: 4_000,
        passage: expect.stringContaining("brought to you by Greenroom") as unknown,
      },
      { kind: "talking_point", target: "Free shipping on every order", found: false, passage: null, startMs: null },
    ]);
  });

  it("does not find a code that was never said, nor a URL with another path", () => {
    const [code, url] = findHostReadEvidence({
      segments,
      promoCode: "SAVE30",
      url: "greenroom.com/eleven",
      talkingPoints: [],
    });
    expect(code.found).toBe(false);
    expect(url.found).toBe(false);
  });

  it("finds a code split across two segments", () => {
    const [code] = findHostReadEvidence({
      segments: [
        { startMs: 0, endMs: 1_000, text: "use the code pod" },
        { startMs: 1_000, endMs: 2_000, text: "cast fifty at checkout" },
      ],
      promoCode: "PODCAST50",
      url: "",
      talkingPoints: [],
    });
    expect(code).toMatchObject({ found: true, startMs: 0 });
  });
});
