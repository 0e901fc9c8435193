import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inArray } from "drizzle-orm";
import { adSlots, campaignCreatives } from "../../db/schema";
import { backfillCreativeEncodings } from "../../server/services/ads/creative-audio";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createUser, createWorkspace } from "../support/factories";
import { scanMp3 } from "../../server/services/ads/mp3";
import { fixture } from "../support/fixtures";
import { insertMedia, insertPublishedEpisode, insertShow } from "../support/podcasts";
import { createLocalR2 } from "../support/r2";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
let r2: Awaited<ReturnType<typeof createLocalR2>>;
beforeAll(async () => {
  [t, r2] = await Promise.all([createTestDatabase(), createLocalR2()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), r2?.dispose()]);
});

/** An MP3 episode (44.1 kHz mono) with a pre-roll slot and a live pre-roll flight whose creative is `adFile`. */
async function setup(adFile: string, flightPosition: "pre" | "mid" = "pre") {
  const owner = await createUser(t.db);
  const workspace = await createWorkspace(t.db, owner);
  const show = await insertShow(t.db, workspace.id);
  const episodeMp3 = fixture("episode-44k-mono.mp3");
  const adMp3 = fixture(adFile);
  const { episode, media } = await insertPublishedEpisode(t.db, show, {}, { size: episodeMp3.length });
  const adMedia = await insertMedia(t.db, workspace.id, { size: adMp3.length });
  await Promise.all([r2.bucket.put(media.r2Key, episodeMp3), r2.bucket.put(adMedia.r2Key, adMp3)]);
  const { campaign, flight } = await createCampaign(t.db, workspace.id, {
    showId: show.id,
    flight: { status: "live", position: flightPosition },
  });
  const creative = await createCreative(t.db, campaign, { mediaId: adMedia.id, name: "Spot" });
  const [slot] = await t.db
    .insert(adSlots)
    .values({ workspaceId: workspace.id, episodeId: episode.id, position: "pre" })
    .returning();
  const ads = callerFor(t.db, owner, { env: { MEDIA: r2.bucket } }).api.ads;
  const book = () =>
    ads.bookSlot({ workspaceId: workspace.id, slotId: slot.id, flightId: flight.id, creativeId: creative.id });
  return { workspace, episode, slot, ads, book };
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("booking flights into ad slots", () => {
  it("books a matching pre-recorded ad, live from today, and refuses booking it twice", async () => {
    const { book, ads, workspace, episode } = await setup("ad-44k-mono.mp3");
    const booking = await book();
    expect(booking.liveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const {
      slots: [slot],
    } = await ads.listSlots({ workspaceId: workspace.id, episodeId: episode.id });
    expect(slot.bookings.map((b) => b.id)).toEqual([booking.id]);
    expect((await rejection(book())).code).toBe("CONFLICT");
  });

  it("refuses an ad whose sample rate differs from the episode's, saying how to export it", async () => {
    const { book } = await setup("ad-22k-mono.mp3");
    const error = await rejection(book());
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe(
      "This ad is 22.05 kHz mono MP3 but the episode is 44.1 kHz mono. Export the ad as 44.1 kHz mono MP3 so it can be joined into the episode.",
    );
  });

  it("refuses a stereo ad in a mono episode", async () => {
    const { book } = await setup("ad-44k-stereo.mp3");
    expect((await rejection(book())).message).toContain("This ad is 44.1 kHz stereo MP3");
  });

  it("refuses a flight sold for another position", async () => {
    const { book } = await setup("ad-44k-mono.mp3", "mid");
    const error = await rejection(book());
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("This flight is sold as a mid-roll; book it into a mid-roll slot.");
  });

  it("needs a time for a mid-roll and drops one given to a pre-roll", async () => {
    const { ads, workspace, episode } = await setup("ad-44k-mono.mp3");
    const error = await rejection(
      ads.createSlot({ workspaceId: workspace.id, episodeId: episode.id, position: "mid" }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    const pre = await ads.createSlot({ workspaceId: workspace.id, episodeId: episode.id, position: "pre", atMs: 500 });
    expect(pre.atMs).toBeNull();
  });
});

describe("saving a pre-recorded creative checks its audio at once (#14 item 6)", () => {
  /** Saves a creative whose audio is `bytes` uploaded as `contentType`, through the procedure the campaign page calls. */
  async function save(bytes: Uint8Array, contentType = "audio/mpeg", filename = "spot.mp3") {
    const owner = await createUser(t.db);
    const workspace = await createWorkspace(t.db, owner);
    const show = await insertShow(t.db, workspace.id);
    const media = await insertMedia(t.db, workspace.id, {
      status: "ready",
      contentType,
      filename,
      size: bytes.length,
      durationSeconds: 5,
    });
    await r2.bucket.put(media.r2Key, bytes);
    const { campaign } = await createCampaign(t.db, workspace.id, { showId: show.id });
    const campaigns = callerFor(t.db, owner, { env: { MEDIA: r2.bucket } }).api.campaigns;
    const input = { workspaceId: workspace.id, name: "Spot", kind: "audio" as const, mediaId: media.id };
    return {
      create: () => campaigns.createCreative({ ...input, campaignId: campaign.id }),
      campaigns,
      input,
      campaignId: campaign.id,
      owner,
    };
  }

  it("keeps a joinable MP3's encoding on the creative and shows it on the campaign", async () => {
    const { create, campaigns, input, campaignId } = await save(fixture("ad-44k-mono.mp3"));
    const created = await create();
    expect(created.audioEncoding).toEqual({ sampleRate: 44100, channels: 1, bitrateMode: "constant", kbps: 48 });
    const page = await campaigns.getCampaign({ workspaceId: input.workspaceId, campaignId });
    expect(page.creatives.map((c) => c.audioEncoding)).toEqual([created.audioEncoding]);
  });

  it("tells a variable-bitrate MP3 apart", async () => {
    const created = await (await save(fixture("ad-44k-mono-vbr.mp3"))).create();
    expect(created.audioEncoding).toMatchObject({ sampleRate: 44100, channels: 1, bitrateMode: "variable" });
  });

  it("refuses an AAC file in the creator's words", async () => {
    const error = await rejection((await save(fixture("moov-first.m4a"), "audio/x-m4a", "spot.m4a")).create());
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("This ad is AAC (M4A); only MP3 ads can be inserted into episodes.");
  });

  it("refuses an MP3 whose sample rate changes partway, when created and when a creative's audio is changed", async () => {
    const first = fixture("ad-44k-mono.mp3");
    const second = fixture("ad-22k-mono.mp3");
    const a = scanMp3(first);
    const b = scanMp3(second);
    const spliced = new Uint8Array([
      ...first.subarray(0, a.audioEnd),
      ...second.subarray(b.firstAudioFrame, b.audioEnd),
    ]);
    const message =
      "This ad cannot be inserted into episodes: The audio changes from 44.1 kHz mono to 22.05 kHz mono partway through.";
    expect((await rejection((await save(spliced)).create())).message).toBe(message);

    const { create, campaigns, input } = await save(first);
    const creative = await create();
    const bad = await insertMedia(t.db, input.workspaceId, { status: "ready", size: spliced.length });
    await r2.bucket.put(bad.r2Key, spliced);
    const error = await rejection(campaigns.updateCreative({ ...input, creativeId: creative.id, mediaId: bad.id }));
    expect(error.message).toBe(message);
    const unchanged = await campaigns.getCampaign({ workspaceId: input.workspaceId, campaignId: creative.campaignId });
    expect(unchanged.creatives.map((c) => [c.mediaId, c.revision])).toEqual([[input.mediaId, 1]]);
  });

  it("reads the ad from storage before the save's transaction opens, when created and when changed", async () => {
    const { input, campaignId, owner } = await save(fixture("ad-44k-mono.mp3"));
    let inTransaction = false;
    const reads: { key: string; inTransaction: boolean }[] = [];
    const db = new Proxy(t.db, {
      get(target, property) {
        if (property === "transaction")
          return async (run: (tx: unknown) => Promise<unknown>) =>
            target.transaction(async (tx) => {
              inTransaction = true;
              try {
                return await run(tx);
              } finally {
                inTransaction = false;
              }
            });
        return Reflect.get(target, property) as unknown;
      },
    });
    const bucket = new Proxy(r2.bucket, {
      get(target, property) {
        if (property === "get")
          return (key: string) => {
            reads.push({ key, inTransaction });
            return target.get(key);
          };
        const value: unknown = Reflect.get(target, property);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const campaigns = callerFor(db, owner, { env: { MEDIA: bucket } }).api.campaigns;
    const created = await campaigns.createCreative({ ...input, campaignId });
    await campaigns.updateCreative({ ...input, creativeId: created.id, name: "Spot, edited" });
    expect(reads).toEqual([
      { key: expect.any(String), inTransaction: false },
      { key: expect.any(String), inTransaction: false },
    ]);
  });
});

describe("creatives saved before encodings were kept (migration 0029)", () => {
  it("get their encoding from the hourly backfill, once; a file that cannot be joined is left and logged", async () => {
    const owner = await createUser(t.db);
    const workspace = await createWorkspace(t.db, owner);
    const show = await insertShow(t.db, workspace.id);
    const { campaign } = await createCampaign(t.db, workspace.id, { showId: show.id });
    const mp3 = fixture("ad-44k-mono.mp3");
    const m4a = fixture("moov-first.m4a");
    const good = await insertMedia(t.db, workspace.id, { size: mp3.length, contentType: "audio/mpeg" });
    const aac = await insertMedia(t.db, workspace.id, { size: m4a.length, contentType: "audio/x-m4a" });
    await Promise.all([r2.bucket.put(good.r2Key, mp3), r2.bucket.put(aac.r2Key, m4a)]);
    // As rows written before 0029 look: recorded audio, no encoding.
    const legacy = await createCreative(t.db, campaign, { mediaId: good.id, name: "Old spot" });
    const unjoinable = await createCreative(t.db, campaign, { mediaId: aac.id, name: "Old AAC spot" });
    expect([legacy.audioEncoding, unjoinable.audioEncoding]).toEqual([null, null]);

    const reads: string[] = [];
    const bucket = {
      get: (key: string) => {
        reads.push(key);
        return r2.bucket.get(key);
      },
    } as unknown as R2Bucket;
    const first = await backfillCreativeEncodings({ db: t.db, bucket });
    expect(first.refused).toBeGreaterThanOrEqual(1);
    const rows = await t.db
      .select({ id: campaignCreatives.id, audioEncoding: campaignCreatives.audioEncoding })
      .from(campaignCreatives)
      .where(inArray(campaignCreatives.id, [legacy.id, unjoinable.id]));
    expect(new Map(rows.map((row) => [row.id, row.audioEncoding]))).toEqual(
      new Map([
        [legacy.id, { sampleRate: 44100, channels: 1, bitrateMode: "constant", kbps: 48 }],
        [unjoinable.id, null],
      ]),
    );
    const owners = callerFor(t.db, owner, { env: { MEDIA: r2.bucket } }).api.campaigns;
    const page = await owners.getCampaign({ workspaceId: workspace.id, campaignId: campaign.id });
    expect(page.creatives.find((c) => c.id === legacy.id)?.audioEncoding).toMatchObject({ sampleRate: 44100 });

    expect(reads).toContain(good.r2Key);
    // The AAC file is refused by its checked type, without a read.
    expect(reads).not.toContain(aac.r2Key);

    // A second run fills nothing and does not read a filled creative's file again.
    reads.length = 0;
    const second = await backfillCreativeEncodings({ db: t.db, bucket });
    expect(second).toEqual({ filled: 0, refused: first.refused });
    expect(reads).not.toContain(good.r2Key);
  });
});
