import { afterAll, expect } from "vitest";
import { createCampaign, createCreative } from "../../support/factories";
import { fixture } from "../../support/fixtures";
import { insertEpisode, insertMedia, insertShow, insertTranscript } from "../../support/podcasts";
import { createLocalR2 } from "../../support/r2";
import { expectNotFound, type TenancyCase, type Tenants } from "./harness";

/** Saving a pre-recorded creative reads its MP3 from storage, so the allowed call needs the file there. */
let r2: ReturnType<typeof createLocalR2> | undefined;
afterAll(async () => (await r2)?.dispose());
const bucket = async () => (await (r2 ??= createLocalR2())).bucket;

const advertiserInput = { name: "Acme Coffee", contacts: [{ name: "Ana", email: "ana@acme.test", role: "Buyer" }] };
const campaignFields = {
  name: "Spring",
  budgetCents: 100_000,
  currency: "usd",
  pricing: "cpm" as const,
  rateCents: 2_500,
  startsOn: "2026-03-01",
  endsOn: "2026-03-31",
};
const flightFields = { name: "March pre-roll", startsOn: "2026-03-01", endsOn: "2026-03-15", position: "pre" as const };
const hostRead = { name: "Host read", kind: "host_read" as const, script: "Say hello to Acme." };

/**
 * Tenant A's advertiser, campaign (one booked flight on A's show), creative, audio and episode; and the outsider's
 * own advertiser, campaign, flight, show, episode and audio in workspace B, so every other field of a call is valid.
 */
async function content(x: Tenants) {
  const { db, a, b } = x;
  const show = await insertShow(db, a.workspace.id, { title: "A's show" });
  const episode = await insertEpisode(db, show, { title: "A's episode" });
  const audio = await insertMedia(db, a.workspace.id, { kind: "audio", durationSeconds: 30 });
  const { advertiser, campaign, flight } = await createCampaign(db, a.workspace.id, { showId: show.id });
  const creative = await createCreative(db, campaign);
  const ownShow = await insertShow(db, b.id, { title: "B's show" });
  const ownEpisode = await insertEpisode(db, ownShow, { title: "B's episode" });
  const ownAudio = await insertMedia(db, b.id, { kind: "audio", durationSeconds: 30 });
  const own = await createCampaign(db, b.id, { showId: ownShow.id });
  const ownCreative = await createCreative(db, own.campaign);
  return {
    show,
    episode,
    audio,
    advertiser,
    campaign,
    flight,
    creative,
    ownShow,
    ownEpisode,
    ownAudio,
    own,
    ownCreative,
  };
}
type Content = Awaited<ReturnType<typeof content>>;

async function aLink(x: Tenants, c: Content, purpose: "approval" | "report" = "approval") {
  return x
    .api(x.a.editor)
    .campaigns.createShareLink({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id, purpose });
}
async function aInvoice(x: Tenants, c: Content) {
  return x.api(x.a.owner).campaigns.createInvoice({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id });
}

export const cases: Record<string, TenancyCase> = {
  "campaigns.listAdvertisers": {
    async allow(x) {
      const c = await content(x);
      const list = await x.api(x.a.viewer).campaigns.listAdvertisers({ workspaceId: x.a.workspace.id });
      expect(list.items.map((i) => i.id)).toEqual([c.advertiser.id]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(x.api(x.outsider).campaigns.listAdvertisers({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).campaigns.listAdvertisers({ workspaceId: x.b.id });
      expect(own.items.map((i) => i.id)).toEqual([c.own.advertiser.id]);
    },
  },
  "campaigns.getAdvertiser": {
    async allow(x) {
      const c = await content(x);
      const got = await x
        .api(x.a.viewer)
        .campaigns.getAdvertiser({ workspaceId: x.a.workspace.id, advertiserId: c.advertiser.id });
      expect(got.campaigns.map((i) => i.id)).toEqual([c.campaign.id]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.getAdvertiser({ workspaceId: x.a.workspace.id, advertiserId: c.advertiser.id }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.getAdvertiser({ workspaceId: x.b.id, advertiserId: c.advertiser.id }),
      );
    },
  },
  "campaigns.createAdvertiser": {
    async allow(x) {
      const created = await x
        .api(x.a.editor)
        .campaigns.createAdvertiser({ workspaceId: x.a.workspace.id, ...advertiserInput });
      expect(created.contacts).toEqual(advertiserInput.contacts);
    },
    async foreign(x) {
      await expectNotFound(
        x.api(x.outsider).campaigns.createAdvertiser({ workspaceId: x.a.workspace.id, ...advertiserInput }),
      );
    },
  },
  "campaigns.updateAdvertiser": {
    async allow(x) {
      const c = await content(x);
      const updated = await x.api(x.a.editor).campaigns.updateAdvertiser({
        workspaceId: x.a.workspace.id,
        advertiserId: c.advertiser.id,
        ...advertiserInput,
        notes: "Pays on time",
      });
      expect(updated.notes).toBe("Pays on time");
    },
    async foreign(x) {
      const c = await content(x);
      const call = (workspaceId: string) =>
        x
          .api(x.outsider)
          .campaigns.updateAdvertiser({ workspaceId, advertiserId: c.advertiser.id, ...advertiserInput });
      await expectNotFound(call(x.a.workspace.id));
      await expectNotFound(call(x.b.id));
    },
  },
  "campaigns.deleteAdvertiser": {
    async allow(x) {
      const created = await x
        .api(x.a.editor)
        .campaigns.createAdvertiser({ workspaceId: x.a.workspace.id, ...advertiserInput });
      await x.api(x.a.editor).campaigns.deleteAdvertiser({ workspaceId: x.a.workspace.id, advertiserId: created.id });
      const list = await x.api(x.a.viewer).campaigns.listAdvertisers({ workspaceId: x.a.workspace.id });
      expect(list.items).toEqual([]);
    },
    async foreign(x) {
      const created = await x
        .api(x.a.editor)
        .campaigns.createAdvertiser({ workspaceId: x.a.workspace.id, ...advertiserInput });
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteAdvertiser({ workspaceId: x.a.workspace.id, advertiserId: created.id }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteAdvertiser({ workspaceId: x.b.id, advertiserId: created.id }),
      );
    },
  },
  "campaigns.listCampaigns": {
    async allow(x) {
      const c = await content(x);
      const list = await x.api(x.a.viewer).campaigns.listCampaigns({ workspaceId: x.a.workspace.id });
      expect(list.items.map((i) => [i.id, i.flightCount, i.impressionsGoal])).toEqual([[c.campaign.id, 1, 10_000]]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(x.api(x.outsider).campaigns.listCampaigns({ workspaceId: x.a.workspace.id }));
      const own = await x.api(x.outsider).campaigns.listCampaigns({ workspaceId: x.b.id });
      expect(own.items.map((i) => i.id)).toEqual([c.own.campaign.id]);
    },
  },
  "campaigns.getCampaign": {
    async allow(x) {
      const c = await content(x);
      const got = await x
        .api(x.a.viewer)
        .campaigns.getCampaign({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id });
      expect(got.flights[0].targets).toEqual([
        { showId: c.show.id, showTitle: "A's show", episodeId: null, episodeTitle: null },
      ]);
      expect(got.creatives.map((i) => i.id)).toEqual([c.creative.id]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.getCampaign({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id }),
      );
      await expectNotFound(x.api(x.outsider).campaigns.getCampaign({ workspaceId: x.b.id, campaignId: c.campaign.id }));
    },
  },
  "campaigns.createCampaign": {
    async allow(x) {
      const c = await content(x);
      const created = await x
        .api(x.a.editor)
        .campaigns.createCampaign({ workspaceId: x.a.workspace.id, advertiserId: c.advertiser.id, ...campaignFields });
      expect(created).toMatchObject({ currency: "USD", status: "draft" });
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.createCampaign({
          workspaceId: x.a.workspace.id,
          advertiserId: c.own.advertiser.id,
          ...campaignFields,
        }),
      );
      await expectNotFound(
        x
          .api(x.outsider)
          .campaigns.createCampaign({ workspaceId: x.b.id, advertiserId: c.advertiser.id, ...campaignFields }),
      );
    },
  },
  "campaigns.updateCampaign": {
    async allow(x) {
      const c = await content(x);
      const updated = await x.api(x.a.editor).campaigns.updateCampaign({
        workspaceId: x.a.workspace.id,
        campaignId: c.campaign.id,
        advertiserId: c.advertiser.id,
        ...campaignFields,
        status: "approved",
      });
      expect(updated.status).toBe("approved");
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.updateCampaign({
          workspaceId: x.a.workspace.id,
          campaignId: c.campaign.id,
          advertiserId: c.advertiser.id,
          ...campaignFields,
        }),
      );
      // A's campaign through B, and B's campaign pointed at A's advertiser.
      await expectNotFound(
        x.api(x.outsider).campaigns.updateCampaign({
          workspaceId: x.b.id,
          campaignId: c.campaign.id,
          advertiserId: c.own.advertiser.id,
          ...campaignFields,
        }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.updateCampaign({
          workspaceId: x.b.id,
          campaignId: c.own.campaign.id,
          advertiserId: c.advertiser.id,
          ...campaignFields,
        }),
      );
    },
  },
  "campaigns.deleteCampaign": {
    async allow(x) {
      const c = await content(x);
      await x.api(x.a.editor).campaigns.deleteCampaign({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id });
      const list = await x.api(x.a.viewer).campaigns.listCampaigns({ workspaceId: x.a.workspace.id });
      expect(list.items).toEqual([]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteCampaign({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteCampaign({ workspaceId: x.b.id, campaignId: c.campaign.id }),
      );
    },
  },
  "campaigns.createFlight": {
    async allow(x) {
      const c = await content(x);
      const created = await x.api(x.a.editor).campaigns.createFlight({
        workspaceId: x.a.workspace.id,
        campaignId: c.campaign.id,
        ...flightFields,
        impressionsGoal: 5000,
        showIds: [c.show.id],
        episodeIds: [c.episode.id],
      });
      expect(created).toMatchObject({ position: "pre", impressionsGoal: 5000 });
    },
    async foreign(x) {
      const c = await content(x);
      const call = (workspaceId: string, campaignId: string, showIds: string[], episodeIds: string[]) =>
        x.api(x.outsider).campaigns.createFlight({
          workspaceId,
          campaignId,
          ...flightFields,
          impressionsGoal: 5000,
          showIds,
          episodeIds,
        });
      await expectNotFound(call(x.a.workspace.id, c.campaign.id, [c.show.id], []));
      await expectNotFound(call(x.b.id, c.campaign.id, [c.ownShow.id], []));
      await expectNotFound(call(x.b.id, c.own.campaign.id, [c.show.id], []));
      await expectNotFound(call(x.b.id, c.own.campaign.id, [], [c.episode.id]));
    },
  },
  "campaigns.updateFlight": {
    async allow(x) {
      const c = await content(x);
      const updated = await x.api(x.a.editor).campaigns.updateFlight({
        workspaceId: x.a.workspace.id,
        flightId: c.flight.id,
        ...flightFields,
        impressionsGoal: 7000,
        status: "live",
        showIds: [],
        episodeIds: [c.episode.id],
      });
      expect(updated).toMatchObject({ impressionsGoal: 7000, status: "live" });
    },
    async foreign(x) {
      const c = await content(x);
      const call = (workspaceId: string, flightId: string, showIds: string[], episodeIds: string[]) =>
        x.api(x.outsider).campaigns.updateFlight({
          workspaceId,
          flightId,
          ...flightFields,
          impressionsGoal: 1,
          showIds,
          episodeIds,
        });
      await expectNotFound(call(x.a.workspace.id, c.flight.id, [c.show.id], []));
      await expectNotFound(call(x.b.id, c.flight.id, [c.ownShow.id], []));
      await expectNotFound(call(x.b.id, c.own.flight.id, [c.show.id], []));
      await expectNotFound(call(x.b.id, c.own.flight.id, [], [c.episode.id]));
    },
  },
  "campaigns.deleteFlight": {
    async allow(x) {
      const c = await content(x);
      await x.api(x.a.editor).campaigns.deleteFlight({ workspaceId: x.a.workspace.id, flightId: c.flight.id });
      const got = await x
        .api(x.a.viewer)
        .campaigns.getCampaign({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id });
      expect(got.flights).toEqual([]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteFlight({ workspaceId: x.a.workspace.id, flightId: c.flight.id }),
      );
      await expectNotFound(x.api(x.outsider).campaigns.deleteFlight({ workspaceId: x.b.id, flightId: c.flight.id }));
    },
  },
  "campaigns.recheckHostReads": {
    async allow(x) {
      const c = await content(x);
      // A published episode of A's show with a transcript the flight's host read is searched in.
      const media = await insertMedia(x.db, x.a.workspace.id, { kind: "audio", durationSeconds: 30 });
      await insertEpisode(x.db, c.show, {
        title: "A's read",
        status: "published",
        publishedAt: new Date("2026-01-10T08:00:00Z"),
        audioMediaId: media.id,
      });
      await insertTranscript(x.db, {
        workspaceId: x.a.workspace.id,
        mediaId: media.id,
        segments: [{ startMs: 0, endMs: 4_000, text: "Use the code spring at acme dot test slash spring." }],
      });
      const run = await x
        .api(x.a.editor)
        .campaigns.recheckHostReads({ workspaceId: x.a.workspace.id, flightId: c.flight.id });
      expect(run).toMatchObject({ flightId: c.flight.id, episodes: 1, transcripts: 1 });
      expect(run.checked).toBeGreaterThan(0);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.recheckHostReads({ workspaceId: x.a.workspace.id, flightId: c.flight.id }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.recheckHostReads({ workspaceId: x.b.id, flightId: c.flight.id }),
      );
    },
  },
  "campaigns.createCreative": {
    async allow(x) {
      const c = await content(x);
      const media = await bucket();
      await media.put(c.audio.r2Key, fixture("ad-44k-mono.mp3"));
      const created = await x.api(x.a.editor, { env: { MEDIA: media } }).campaigns.createCreative({
        workspaceId: x.a.workspace.id,
        campaignId: c.campaign.id,
        name: "Recorded spot",
        kind: "audio",
        mediaId: c.audio.id,
        flightId: c.flight.id,
      });
      expect(created).toMatchObject({
        kind: "audio",
        durationSeconds: 30,
        flightId: c.flight.id,
        audioEncoding: { sampleRate: 44100, channels: 1 },
      });
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .campaigns.createCreative({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id, ...hostRead }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.createCreative({ workspaceId: x.b.id, campaignId: c.campaign.id, ...hostRead }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.createCreative({
          workspaceId: x.b.id,
          campaignId: c.own.campaign.id,
          name: "Spot",
          kind: "audio",
          mediaId: c.audio.id,
        }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.createCreative({
          workspaceId: x.b.id,
          campaignId: c.own.campaign.id,
          ...hostRead,
          flightId: c.flight.id,
        }),
      );
    },
  },
  "campaigns.updateCreative": {
    async allow(x) {
      const c = await content(x);
      const updated = await x.api(x.a.editor).campaigns.updateCreative({
        workspaceId: x.a.workspace.id,
        creativeId: c.creative.id,
        ...hostRead,
        promoCode: "SPRING20",
      });
      expect(updated).toMatchObject({ promoCode: "SPRING20", revision: 2 });
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x
          .api(x.outsider)
          .campaigns.updateCreative({ workspaceId: x.a.workspace.id, creativeId: c.creative.id, ...hostRead }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.updateCreative({ workspaceId: x.b.id, creativeId: c.creative.id, ...hostRead }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.updateCreative({
          workspaceId: x.b.id,
          creativeId: c.ownCreative.id,
          name: "Spot",
          kind: "audio",
          mediaId: c.audio.id,
        }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.updateCreative({
          workspaceId: x.b.id,
          creativeId: c.ownCreative.id,
          ...hostRead,
          flightId: c.flight.id,
        }),
      );
    },
  },
  "campaigns.deleteCreative": {
    async allow(x) {
      const c = await content(x);
      await x.api(x.a.editor).campaigns.deleteCreative({ workspaceId: x.a.workspace.id, creativeId: c.creative.id });
      const got = await x
        .api(x.a.viewer)
        .campaigns.getCampaign({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id });
      expect(got.creatives).toEqual([]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteCreative({ workspaceId: x.a.workspace.id, creativeId: c.creative.id }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.deleteCreative({ workspaceId: x.b.id, creativeId: c.creative.id }),
      );
    },
  },
  "campaigns.createShareLink": {
    async allow(x) {
      const c = await content(x);
      const link = await aLink(x, c);
      expect(link.url).toMatch(/\/approve\/[A-Za-z0-9_-]{40,}$/);
    },
    async foreign(x) {
      const c = await content(x);
      for (const workspaceId of [x.a.workspace.id, x.b.id])
        await expectNotFound(
          x.api(x.outsider).campaigns.createShareLink({ workspaceId, campaignId: c.campaign.id, purpose: "report" }),
        );
    },
  },
  "campaigns.revokeShareLink": {
    async allow(x) {
      const c = await content(x);
      const link = await aLink(x, c);
      const revoked = await x
        .api(x.a.editor)
        .campaigns.revokeShareLink({ workspaceId: x.a.workspace.id, shareLinkId: link.id });
      expect(revoked.id).toBe(link.id);
    },
    async foreign(x) {
      const c = await content(x);
      const link = await aLink(x, c);
      for (const workspaceId of [x.a.workspace.id, x.b.id])
        await expectNotFound(x.api(x.outsider).campaigns.revokeShareLink({ workspaceId, shareLinkId: link.id }));
    },
  },
  "campaigns.listEpisodeChoices": {
    async allow(x) {
      const c = await content(x);
      const choices = await x.api(x.a.viewer).campaigns.listEpisodeChoices({
        workspaceId: x.a.workspace.id,
        showId: c.show.id,
        selectedIds: [c.episode.id],
      });
      expect(choices.matches.map((e) => e.id)).toEqual([c.episode.id]);
      expect(choices.selected.map((e) => e.id)).toEqual([c.episode.id]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.listEpisodeChoices({ workspaceId: x.a.workspace.id, showId: c.show.id }),
      );
      await expectNotFound(x.api(x.outsider).campaigns.listEpisodeChoices({ workspaceId: x.b.id, showId: c.show.id }));
      // A's episodes neither match nor come back as ticked in B's workspace.
      const own = await x
        .api(x.outsider)
        .campaigns.listEpisodeChoices({ workspaceId: x.b.id, selectedIds: [c.episode.id, c.ownEpisode.id] });
      expect(own.matches.map((e) => e.id)).toEqual([c.ownEpisode.id]);
      expect(own.selected.map((e) => e.id)).toEqual([c.ownEpisode.id]);
    },
  },
  "campaigns.getCalendar": {
    async allow(x) {
      const c = await content(x);
      const calendar = await x
        .api(x.a.viewer)
        .campaigns.getCalendar({ workspaceId: x.a.workspace.id, showId: c.show.id, month: "2026-01" });
      expect(calendar.bookings.map((b) => b.flightId)).toEqual([c.flight.id]);
    },
    async foreign(x) {
      const c = await content(x);
      await expectNotFound(
        x.api(x.outsider).campaigns.getCalendar({ workspaceId: x.a.workspace.id, showId: c.show.id, month: "2026-01" }),
      );
      await expectNotFound(
        x.api(x.outsider).campaigns.getCalendar({ workspaceId: x.b.id, showId: c.show.id, month: "2026-01" }),
      );
    },
  },
  "campaigns.getReport": {
    async allow(x) {
      const c = await content(x);
      const report = await x
        .api(x.a.viewer)
        .campaigns.getReport({ workspaceId: x.a.workspace.id, campaignId: c.campaign.id });
      expect(report.totals).toEqual({ delivered: 0, goal: 10_000, percentOfGoal: 0 });
    },
    async foreign(x) {
      const c = await content(x);
      for (const workspaceId of [x.a.workspace.id, x.b.id])
        await expectNotFound(x.api(x.outsider).campaigns.getReport({ workspaceId, campaignId: c.campaign.id }));
    },
  },
  "campaigns.createInvoice": {
    async allow(x) {
      const c = await content(x);
      const invoice = await aInvoice(x, c);
      expect(invoice).toMatchObject({ label: "INV-0001", totalCents: 25_000, status: "draft" });
    },
    async foreign(x) {
      const c = await content(x);
      for (const workspaceId of [x.a.workspace.id, x.b.id])
        await expectNotFound(x.api(x.outsider).campaigns.createInvoice({ workspaceId, campaignId: c.campaign.id }));
    },
  },
  "campaigns.setInvoiceStatus": {
    async allow(x) {
      const c = await content(x);
      const invoice = await aInvoice(x, c);
      const sent = await x
        .api(x.a.admin)
        .campaigns.setInvoiceStatus({ workspaceId: x.a.workspace.id, invoiceId: invoice.id, status: "sent" });
      expect(sent.status).toBe("sent");
    },
    async foreign(x) {
      const c = await content(x);
      const invoice = await aInvoice(x, c);
      for (const workspaceId of [x.a.workspace.id, x.b.id])
        await expectNotFound(
          x.api(x.outsider).campaigns.setInvoiceStatus({ workspaceId, invoiceId: invoice.id, status: "paid" }),
        );
    },
  },
  "campaigns.getInvoice": {
    async allow(x) {
      const c = await content(x);
      const invoice = await aInvoice(x, c);
      const got = await x.api(x.a.admin).campaigns.getInvoice({ workspaceId: x.a.workspace.id, invoiceId: invoice.id });
      expect(got).toMatchObject({ label: "INV-0001", workspaceName: "Tenant A" });
    },
    async foreign(x) {
      const c = await content(x);
      const invoice = await aInvoice(x, c);
      for (const workspaceId of [x.a.workspace.id, x.b.id])
        await expectNotFound(x.api(x.outsider).campaigns.getInvoice({ workspaceId, invoiceId: invoice.id }));
    },
  },
};
