import { afterAll, expect } from "vitest";
import { adSlotBookings, adSlots } from "../../../db/schema";
import { createCampaign, createCreative, type TestUser } from "../../support/factories";
import { fixture } from "../../support/fixtures";
import { insertMedia, insertPublishedEpisode, insertShow } from "../../support/podcasts";
import { createLocalR2 } from "../../support/r2";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

let r2: ReturnType<typeof createLocalR2> | undefined;
afterAll(async () => (await r2)?.dispose());
const bucket = async () => (await (r2 ??= createLocalR2())).bucket;
const api = async (x: Tenants, user: TestUser) => x.api(user, { env: { MEDIA: await bucket() } }).ads;

const EPISODE_MP3 = fixture("episode-44k-mono.mp3");
const AD_MP3 = fixture("ad-44k-mono.mp3");

/** A published MP3 episode with a pre-roll slot, a pre-roll flight and a pre-recorded creative, in one workspace. */
async function adsIn(x: Tenants, workspaceId: string) {
  const show = await insertShow(x.db, workspaceId);
  const { episode, media } = await insertPublishedEpisode(
    x.db,
    show,
    {},
    { size: EPISODE_MP3.length, contentType: "audio/mpeg", durationSeconds: 6 },
  );
  const adMedia = await insertMedia(x.db, workspaceId, { size: AD_MP3.length, contentType: "audio/mpeg" });
  const storage = await bucket();
  await Promise.all([storage.put(media.r2Key, EPISODE_MP3), storage.put(adMedia.r2Key, AD_MP3)]);
  const { campaign, flight } = await createCampaign(x.db, workspaceId, {
    showId: show.id,
    flight: { status: "live", position: "pre" },
  });
  const creative = await createCreative(x.db, campaign, { mediaId: adMedia.id, name: "Spot" });
  const [slot] = await x.db.insert(adSlots).values({ workspaceId, episodeId: episode.id, position: "pre" }).returning();
  return { episode, flight, creative, slot };
}

async function bookedIn(x: Tenants, workspaceId: string) {
  const ads = await adsIn(x, workspaceId);
  const [booking] = await x.db
    .insert(adSlotBookings)
    .values({
      workspaceId,
      slotId: ads.slot.id,
      flightId: ads.flight.id,
      creativeId: ads.creative.id,
      liveFrom: "2026-01-10",
    })
    .returning();
  return { ...ads, booking };
}

export const cases: Record<string, TenancyCase> = {
  "ads.listSlots": {
    async allow(x) {
      const { episode, slot, booking, flight, creative } = await bookedIn(x, x.a.workspace.id);
      // Tenant B's flight must not be offered to tenant A.
      await adsIn(x, x.b.id);
      const { slots, flights } = await (
        await api(x, x.a.viewer)
      ).listSlots({ workspaceId: x.a.workspace.id, episodeId: episode.id });
      expect(slots).toMatchObject([
        { id: slot.id, position: "pre", bookings: [{ id: booking.id, creativeName: "Spot" }] },
      ]);
      expect(flights).toMatchObject([
        { id: flight.id, position: "pre", creatives: [{ id: creative.id, name: "Spot" }] },
      ]);
    },
    async foreign(x) {
      const { episode } = await bookedIn(x, x.a.workspace.id);
      const outsider = await api(x, x.outsider);
      await expectNotFound(outsider.listSlots({ workspaceId: x.a.workspace.id, episodeId: episode.id }));
      await expectNotFound(outsider.listSlots({ workspaceId: x.b.id, episodeId: episode.id }));
    },
  },
  "ads.createSlot": {
    async allow(x) {
      const { episode } = await adsIn(x, x.a.workspace.id);
      const slot = await (
        await api(x, x.a.editor)
      ).createSlot({ workspaceId: x.a.workspace.id, episodeId: episode.id, position: "mid", atMs: 3000 });
      expect(slot).toMatchObject({ episodeId: episode.id, position: "mid", atMs: 3000, bookings: [] });
    },
    async foreign(x) {
      const { episode } = await adsIn(x, x.a.workspace.id);
      const outsider = await api(x, x.outsider);
      await expectNotFound(
        outsider.createSlot({ workspaceId: x.a.workspace.id, episodeId: episode.id, position: "pre" }),
      );
      await expectNotFound(outsider.createSlot({ workspaceId: x.b.id, episodeId: episode.id, position: "pre" }));
    },
  },
  "ads.updateSlot": {
    async allow(x) {
      const { slot } = await adsIn(x, x.a.workspace.id);
      const moved = await (
        await api(x, x.a.editor)
      ).updateSlot({ workspaceId: x.a.workspace.id, slotId: slot.id, position: "mid", atMs: 1500 });
      expect(moved).toMatchObject({ id: slot.id, position: "mid", atMs: 1500 });
    },
    async foreign(x) {
      const { slot } = await adsIn(x, x.a.workspace.id);
      const outsider = await api(x, x.outsider);
      await expectNotFound(outsider.updateSlot({ workspaceId: x.a.workspace.id, slotId: slot.id, position: "post" }));
      await expectNotFound(outsider.updateSlot({ workspaceId: x.b.id, slotId: slot.id, position: "post" }));
    },
  },
  "ads.deleteSlot": {
    async allow(x) {
      const { slot, episode } = await adsIn(x, x.a.workspace.id);
      const editor = await api(x, x.a.editor);
      expect(await editor.deleteSlot({ workspaceId: x.a.workspace.id, slotId: slot.id })).toEqual({ ok: true });
      expect((await editor.listSlots({ workspaceId: x.a.workspace.id, episodeId: episode.id })).slots).toEqual([]);
    },
    async foreign(x) {
      const { slot } = await adsIn(x, x.a.workspace.id);
      const outsider = await api(x, x.outsider);
      await expectNotFound(outsider.deleteSlot({ workspaceId: x.a.workspace.id, slotId: slot.id }));
      await expectNotFound(outsider.deleteSlot({ workspaceId: x.b.id, slotId: slot.id }));
    },
  },
  "ads.bookSlot": {
    async allow(x) {
      const { slot, flight, creative } = await adsIn(x, x.a.workspace.id);
      const booking = await (
        await api(x, x.a.editor)
      ).bookSlot({
        workspaceId: x.a.workspace.id,
        slotId: slot.id,
        flightId: flight.id,
        creativeId: creative.id,
        liveFrom: "2026-01-12",
      });
      expect(booking).toMatchObject({
        slotId: slot.id,
        flightId: flight.id,
        creativeId: creative.id,
        liveFrom: "2026-01-12",
      });
    },
    async foreign(x) {
      const mine = await adsIn(x, x.b.id);
      const theirs = await adsIn(x, x.a.workspace.id);
      const outsider = await api(x, x.outsider);
      const own = { slotId: mine.slot.id, flightId: mine.flight.id, creativeId: mine.creative.id };
      // Tenant A's ids, through tenant A's workspace and through the outsider's own, one reference field at a time.
      await expectNotFound(
        outsider.bookSlot({
          workspaceId: x.a.workspace.id,
          slotId: theirs.slot.id,
          flightId: theirs.flight.id,
          creativeId: theirs.creative.id,
        }),
      );
      await expectNotFound(outsider.bookSlot({ workspaceId: x.b.id, ...own, slotId: theirs.slot.id }));
      await expectNotFound(outsider.bookSlot({ workspaceId: x.b.id, ...own, flightId: theirs.flight.id }));
      await expectNotFound(outsider.bookSlot({ workspaceId: x.b.id, ...own, creativeId: theirs.creative.id }));
    },
  },
  "ads.unbookSlot": {
    async allow(x) {
      const { booking, episode } = await bookedIn(x, x.a.workspace.id);
      const editor = await api(x, x.a.editor);
      expect(await editor.unbookSlot({ workspaceId: x.a.workspace.id, bookingId: booking.id })).toEqual({ ok: true });
      const {
        slots: [slot],
      } = await editor.listSlots({ workspaceId: x.a.workspace.id, episodeId: episode.id });
      expect(slot.bookings).toEqual([]);
    },
    async foreign(x) {
      const { booking } = await bookedIn(x, x.a.workspace.id);
      const outsider = await api(x, x.outsider);
      await expectNotFound(outsider.unbookSlot({ workspaceId: x.a.workspace.id, bookingId: booking.id }));
      await expectNotFound(outsider.unbookSlot({ workspaceId: x.b.id, bookingId: booking.id }));
    },
  },
};
