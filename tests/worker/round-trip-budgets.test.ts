import { env } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { checkIns, socialPosts } from "../../db/schema";
import { createCampaign } from "../support/factories";
import { grantMembership } from "../../server/services/audience/members";
import { createInvoice } from "../../server/services/campaigns/invoices";
import { insertTier } from "../support/audience";
import { insertEvent } from "../support/events";
import { reserveTickets } from "../../server/services/events/reserve";
import { privateFeedKey, privateFeedToken } from "../../server/services/private-feeds/tokens";
import { insertEpisode } from "../support/podcasts";
import { grantTier, insertSupporter, insertTier as insertPaidTier } from "../support/private-feeds";
import { insertSocialAccount } from "../support/social-posts";
import { insertTranscript } from "../support/transcripts";
import { signUpOverHttp } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";
import { expectRoundTrips, page, trpcQuery, type Measured, type RoundTrips } from "./round-trips";

/**
 * Database round trips per page and per tRPC query, in the production connection model (ADR 016): sequential
 * waves and WebSocket connection setups, for every page in app/routes and every query procedure. Each figure is
 * today's count as a ceiling: a change that adds a wave fails here; one that removes a wave lowers the figure. Issue 10's budget is
 * signed-in pages <= 2 waves including setup (goal 1), public pages and feeds <= 1, tRPC queries <= 2; every figure
 * is within it.
 */

let fx: Awaited<ReturnType<typeof fixtures>>;

async function fixtures() {
  const { owner, show, episode, media } = await publishedShow();
  const handle = workerDb();
  try {
    const { transcript } = await insertTranscript(handle.db, owner.workspaceId, { mediaId: media.id, approved: true });
    const account = await insertSocialAccount(handle.db, owner.workspaceId);
    const [post] = await handle.db
      .insert(socialPosts)
      .values({ workspaceId: owner.workspaceId, accountId: account.id, caption: "Budget post" })
      .returning();
    const campaign = await createCampaign(handle.db, owner.workspaceId, { showId: show.id });
    // A supporter of the owner's workspace holding a complimentary grant of a paid tier.
    const fan = await signUpOverHttp("Budget Fan");
    const tier = await insertTier(handle.db, owner.workspaceId, { name: "Budget tier" });
    const { supporterId } = await grantMembership({
      db: handle.db,
      workspaceId: owner.workspaceId,
      email: fan.email,
      tierId: tier.id,
      source: "complimentary",
      startsAt: new Date(),
      endsAt: null,
      reason: "",
      actor: { userId: null, meta: { ip: null, userAgent: null } },
      now: new Date(),
    });
    // A members' episode and the owner as a paying member of their own audience: a private feed to measure.
    const paidTier = await insertPaidTier(handle.db, owner.workspaceId, { name: "Budget paid tier", paid: true });
    const supporter = await insertSupporter(handle.db, owner.workspaceId, owner.userId);
    await grantTier(handle.db, supporter, paidTier, { startsAt: new Date(Date.now() - 60_000) });
    const gated = await insertEpisode(handle.db, show, {
      title: "Members' episode",
      status: "published",
      publishedAt: new Date(),
      audioMediaId: media.id,
      visibility: "members",
    });
    const token = await privateFeedToken({
      key: await privateFeedKey(env.UPLOAD_SIGNING_SECRET),
      supporterId: supporter.id,
      showId: show.id,
      generation: 0,
    });
    const privateFeed = `/feeds/private/${token}`;
    const { event, types } = await insertEvent(handle.db, owner.workspaceId, { types: [{}, { priceCents: 1500 }] });
    // The fan's free ticket, issued by the real service: the ticket page and the check-in reads have a row to find.
    const reserved = await reserveTickets({
      db: handle.db,
      workspaceId: owner.workspaceId,
      eventId: event.id,
      userId: fan.userId,
      lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      now: new Date(),
      appUrl: "http://greenroom.test",
    });
    if (reserved.status !== "issued") throw new Error("a free RSVP should issue its ticket at once");
    const ticketId = reserved.ticketIds[0];
    // Its admission gives the event dashboard's check-ins chart a bar: the series is read in the dashboard's batch.
    await handle.db.insert(checkIns).values({
      workspaceId: owner.workspaceId,
      eventId: event.id,
      ticketId,
      nonce: "round-trip-budget-scan",
      scannedAt: new Date(),
      deviceId: "gate",
    });
    const invoice = await createInvoice({
      db: handle.db,
      workspaceId: owner.workspaceId,
      actorUserId: owner.userId,
      meta: { ip: null, userAgent: null },
      now: new Date(),
      campaignId: campaign.campaign.id,
      notes: "",
    });
    const w = `/w/${owner.workspaceId}`;
    return {
      owner,
      show,
      episode,
      media,
      transcript,
      account,
      post,
      campaign,
      fan,
      supporterId,
      w,
      supporter,
      gated,
      privateFeed,
      event,
      ticketId,
      invoice,
    };
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  fx = await fixtures();
});

type Case = [request: () => Promise<Measured>, budget: RoundTrips & { status?: number }];

async function check(cases: Case[]) {
  for (const [request, budget] of cases) await expectRoundTrips(request(), budget);
}

describe("database round trips per page", () => {
  it("public pages and feeds", async () => {
    await check([
      [() => page("/"), { waves: 0, setups: 0 }],
      [() => page("/login"), { waves: 0, setups: 0 }],
      [() => page("/signup"), { waves: 0, setups: 0 }],
      [() => page("/forgot-password"), { waves: 0, setups: 0 }],
      [() => page("/reset-password?token=unknown-token-value"), { waves: 0, setups: 0 }],
      [() => page("/verify-email?token=unknown-token-value"), { waves: 0, setups: 0 }],
      [() => page("/confirm-email-change?token=unknown-token-value"), { waves: 0, setups: 0 }],
      [() => page("/resend-verification"), { waves: 0, setups: 0, status: 302 }],
      [() => page(`/invite/${"u".repeat(32)}`), { waves: 1, setups: 0, status: 404 }],
      [() => page(`/approve/${"u".repeat(43)}`), { waves: 1, setups: 0, status: 404 }],
      [() => page(`/campaign-report/${"u".repeat(43)}`), { waves: 1, setups: 0, status: 404 }],
      [() => page(`/p/${fx.show.id}`), { waves: 1, setups: 0 }],
      [() => page(`/p/${fx.show.id}/${fx.episode.id}`), { waves: 1, setups: 0 }],
      // The second view of each public page is an edge-cache hit: no database at all (ADR 017).
      [() => page(`/p/${fx.show.id}`), { waves: 0, setups: 0 }],
      [() => page(`/p/${fx.show.id}/${fx.episode.id}`), { waves: 0, setups: 0 }],
      [() => page(`/feeds/${fx.show.id}.xml`), { waves: 1, setups: 0 }],
      [() => page(`/feeds/${fx.show.id}/episodes/${fx.episode.id}/transcript.vtt`), { waves: 1, setups: 0 }],
      [() => page(`/methodology/${fx.owner.workspaceId}`), { waves: 1, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}`), { waves: 1, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}/sign-in?token=unknown-token-value`), { waves: 0, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}/events/${fx.event.id}`), { waves: 1, setups: 0 }],
      // Private feeds are never cached (ADR 028): every fetch is a miss, one wave with the gate's reads.
      [() => page(fx.privateFeed), { waves: 1, setups: 0 }],
      [() => page(fx.privateFeed), { waves: 1, setups: 0 }],
      [() => page(`${fx.privateFeed}/episodes/${fx.gated.id}/audio.mp3`), { waves: 1, setups: 0 }],
      // A member file's refusal or 404 asks the same gate, with the show's gated episodes, in that one wave.
      [() => page(`${fx.privateFeed}/episodes/${fx.gated.id}/chapters.json`), { waves: 1, setups: 0, status: 404 }],
      [() => page(`/p/${fx.show.id}/${fx.gated.id}`), { waves: 1, setups: 0 }],
      // .ics downloads (ADR 032): the event and the viewer in one wave; a ticket's needs a session.
      [() => page(`/c/${fx.owner.workspaceId}/events/${fx.episode.id}.ics`), { waves: 1, setups: 0, status: 404 }],
      [() => page(`/c/${fx.owner.workspaceId}/tickets/${fx.episode.id}.ics`), { waves: 0, setups: 0, status: 404 }],
      // Chapters shifted for an ad arrangement read it beside the episode (ADR 024); an unknown one is a 404.
      [
        () => page(`/feeds/${fx.show.id}/episodes/${fx.episode.id}/arrangements/${"0".repeat(24)}/chapters.json`),
        { waves: 1, setups: 0, status: 404 },
      ],
    ]);
  });

  it("signed-in pages", async () => {
    const c = fx.owner.cookie;
    await check([
      [() => page("/app", c), { waves: 1, setups: 0, status: 302 }],
      [() => page("/account", c), { waves: 2, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}/offers/${"u".repeat(43)}`, c), { waves: 2, setups: 0, status: 404 }],
      [() => page(`/media/events/${fx.event.id}/cover`), { waves: 1, setups: 0, status: 404 }],
      [() => page(`/sandbox/checkout/${fx.episode.id}`, fx.fan.cookie), { waves: 1, setups: 0, status: 404 }],
      [() => page("/workspaces/new", c), { waves: 1, setups: 0 }],
      [() => page("/dev/mailbox", c), { waves: 2, setups: 0 }],
      [() => page(fx.w, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/audit`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/billing`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/episodes/${fx.episode.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/media`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/members`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/notifications`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/search?q=microphones`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/settings`, c), { waves: 1, setups: 0 }],
      [() => page(`${fx.w}/setup`, c), { waves: 1, setups: 0 }],
      [() => page(`${fx.w}/shows`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/shows/${fx.show.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social/accounts`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social/analytics`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social/analytics?account=${fx.account.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social/compose`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social/posts`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/social/sandbox`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/transcripts/${fx.transcript.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/analytics`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/analytics.csv`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/campaigns`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/campaigns/${fx.campaign.campaign.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/campaigns/${fx.campaign.campaign.id}/report`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/campaigns/${fx.campaign.campaign.id}/report.csv`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/campaigns/calendar?show=${fx.show.id}&month=2026-01`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/advertisers`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/advertisers/${fx.campaign.advertiser.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/tiers`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/audience`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/audience/${fx.supporterId}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/audience.csv`, c), { waves: 2, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}`, c), { waves: 2, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}`, fx.fan.cookie), { waves: 2, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}/account`, fx.fan.cookie), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/comments`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/events`, c), { waves: 2, setups: 0 }],
      // The editor and its dashboard, check-ins chart included, in one wave after the session.
      [() => page(`${fx.w}/events/${fx.event.id}`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/events/${fx.event.id}/attendees.csv`, c), { waves: 2, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}/events/${fx.event.id}`, fx.fan.cookie), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/payments`, c), { waves: 2, setups: 0 }],
      [() => page(`/sandbox/portal/${fx.owner.workspaceId}`, fx.fan.cookie), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/campaigns/${fx.campaign.campaign.id}/report.pdf`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/invoices/${fx.invoice.id}.pdf`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/events/${fx.event.id}/check-in`, c), { waves: 2, setups: 0 }],
      [() => page(`/c/${fx.owner.workspaceId}/tickets/${fx.ticketId}`, fx.fan.cookie), { waves: 2, setups: 0 }],
      // The flight form's episode search, ticked episodes included, is part of the campaign page's one wave.
      [
        () =>
          page(
            `${fx.w}/campaigns/${fx.campaign.campaign.id}?intent=find-episodes&episodeShow=${fx.show.id}&episodeQuery=a&episodeIds=${fx.episode.id}`,
            c,
          ),
        { waves: 2, setups: 0 },
      ],
    ]);
  });
});

describe("database round trips per tRPC query", () => {
  it("every query procedure", async () => {
    const c = fx.owner.cookie;
    const w = { workspaceId: fx.owner.workspaceId };
    const q = (path: string, input: unknown) => () => trpcQuery(path, input, c);
    await check([
      [q("auth.getSession", undefined), { waves: 1, setups: 0 }],
      [q("auth.listSessions", undefined), { waves: 2, setups: 0 }],
      [q("workspaces.list", undefined), { waves: 1, setups: 0 }],
      [q("workspaces.getOverview", w), { waves: 2, setups: 0 }],
      [q("workspaces.getDashboard", w), { waves: 2, setups: 0 }],
      [q("workspaces.getSetup", w), { waves: 1, setups: 0 }],
      [q("workspaces.listMembers", w), { waves: 2, setups: 0 }],
      [q("workspaces.listInvitations", w), { waves: 2, setups: 0 }],
      [q("workspaces.previewInvitation", { token: "u".repeat(32) }), { waves: 2, setups: 0, status: 404 }],
      [q("workspaces.listAuditEvents", w), { waves: 2, setups: 0 }],
      [q("dev.listMailbox", undefined), { waves: 2, setups: 0 }],
      [q("media.getUpload", { ...w, mediaId: fx.media.id }), { waves: 2, setups: 0 }],
      [q("media.list", w), { waves: 2, setups: 0 }],
      [q("media.getStorageUsage", w), { waves: 2, setups: 0 }],
      [q("transcripts.getJobForMedia", { ...w, mediaId: fx.media.id }), { waves: 2, setups: 0 }],
      [q("transcripts.get", { ...w, transcriptId: fx.transcript.id }), { waves: 2, setups: 0 }],
      [q("podcasts.listShows", w), { waves: 2, setups: 0 }],
      [q("podcasts.getShow", { ...w, showId: fx.show.id }), { waves: 2, setups: 0 }],
      [q("podcasts.listEpisodes", { ...w, showId: fx.show.id }), { waves: 2, setups: 0 }],
      [q("podcasts.getEpisode", { ...w, episodeId: fx.episode.id }), { waves: 2, setups: 0 }],
      [q("ads.listSlots", { ...w, episodeId: fx.episode.id }), { waves: 2, setups: 0 }],
      [q("podcasts.listMediaChoices", { ...w, kind: "audio" }), { waves: 2, setups: 0 }],
      [q("podcasts.getPublicShow", { showId: fx.show.id }), { waves: 2, setups: 0 }],
      [q("podcasts.getPublicEpisode", { showId: fx.show.id, episodeId: fx.episode.id }), { waves: 2, setups: 0 }],
      [q("search.query", { ...w, q: "microphones" }), { waves: 2, setups: 0 }],
      [q("billing.getOverview", w), { waves: 2, setups: 0 }],
      [q("billing.getUsage", w), { waves: 2, setups: 0 }],
      [q("billing.listEvents", w), { waves: 2, setups: 0 }],
      [q("billing.listInvoices", w), { waves: 1, setups: 0 }],
      [q("socialAccounts.listAccounts", w), { waves: 2, setups: 0 }],
      [q("socialAccounts.getAccount", { ...w, accountId: fx.account.id }), { waves: 2, setups: 0 }],
      [q("socialPosts.getPost", { ...w, postId: fx.post.id }), { waves: 2, setups: 0 }],
      [q("socialPosts.listPosts", w), { waves: 2, setups: 0 }],
      [
        q("socialPosts.listCalendar", { ...w, from: "2026-12-01", to: "2026-12-31", timezone: "UTC" }),
        { waves: 2, setups: 0 },
      ],
      [q("socialPosts.listMediaChoices", w), { waves: 2, setups: 0 }],
      [q("socialPosts.listAccountChoices", w), { waves: 2, setups: 0 }],
      [q("socialInsights.getAccountAnalytics", w), { waves: 2, setups: 0 }],
      [q("socialInsights.listMedia", { ...w, accountId: fx.account.id }), { waves: 2, setups: 0 }],
      [q("socialInsights.listMedia", w), { waves: 2, setups: 0 }],
      [q("socialInsights.getBestTimes", { ...w, accountId: fx.account.id }), { waves: 2, setups: 0 }],
      [q("socialSandbox.listFeed", w), { waves: 2, setups: 0 }],
      [q("socialSandbox.listFeed", { ...w, accountId: fx.account.id }), { waves: 2, setups: 0 }],
      [q("notifications.list", w), { waves: 2, setups: 0 }],
      [q("comments.listThread", { targetKind: "episode", targetId: fx.episode.id }), { waves: 2, setups: 0 }],
      [q("comments.listForModeration", w), { waves: 2, setups: 0 }],
      [q("comments.getSettings", w), { waves: 2, setups: 0 }],
      // The owner is on the team, not in the audience: the supporter rung refuses after its one statement.
      [() => trpcQuery("comments.listMine", w, fx.fan.cookie), { waves: 2, setups: 0 }],
      [q("analytics.getDownloads", { ...w, showId: fx.show.id, interval: "week" }), { waves: 2, setups: 0 }],
      [q("analytics.exportDownloads", w), { waves: 2, setups: 0 }],
      [q("analytics.getMethodology", w), { waves: 2, setups: 0 }],
      [q("campaigns.listAdvertisers", w), { waves: 2, setups: 0 }],
      [q("campaigns.getAdvertiser", { ...w, advertiserId: fx.campaign.advertiser.id }), { waves: 2, setups: 0 }],
      [q("campaigns.listCampaigns", w), { waves: 2, setups: 0 }],
      [q("campaigns.getCampaign", { ...w, campaignId: fx.campaign.campaign.id }), { waves: 2, setups: 0 }],
      [q("campaigns.getCalendar", { ...w, showId: fx.show.id, month: "2026-01" }), { waves: 2, setups: 0 }],
      [q("campaigns.getReport", { ...w, campaignId: fx.campaign.campaign.id }), { waves: 2, setups: 0 }],
      [q("campaigns.openApprovalLink", { token: "u".repeat(43) }), { waves: 2, setups: 0, status: 404 }],
      [q("campaigns.openReportLink", { token: "u".repeat(43) }), { waves: 2, setups: 0, status: 404 }],
      [q("tiers.list", w), { waves: 2, setups: 0 }],
      [q("audience.listMembers", w), { waves: 2, setups: 0 }],
      [q("audience.exportMembers", w), { waves: 2, setups: 0 }],
      [q("audience.getMember", { ...w, supporterId: fx.supporterId }), { waves: 2, setups: 0 }],
      [q("audience.getGrowth", w), { waves: 2, setups: 0 }],
      [q("audience.getCreatorHome", w), { waves: 2, setups: 0 }],
      [() => trpcQuery("audience.getPortal", w, fx.fan.cookie), { waves: 2, setups: 0 }],
      [q("privateFeeds.listMine", w), { waves: 2, setups: 0 }],
      [q("privateFeeds.listForMember", { ...w, supporterId: fx.supporter.id }), { waves: 2, setups: 0 }],
      [q("events.list", w), { waves: 2, setups: 0 }],
      [q("events.get", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [q("events.getDashboard", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [q("events.listAttendees", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [q("events.exportAttendees", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [q("events.getPublic", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [q("events.listUpcoming", w), { waves: 2, setups: 0 }],
      [() => trpcQuery("events.listMyTickets", w, fx.fan.cookie), { waves: 2, setups: 0 }],
      [q("events.getCancellation", { ...w, eventId: fx.episode.id }), { waves: 2, setups: 0, status: 404 }],
      [q("events.getOffer", { ...w, token: "u".repeat(43) }), { waves: 2, setups: 0, status: 404 }],
      [q("payments.getOverview", w), { waves: 2, setups: 0 }],
      [q("checkin.getOfflineList", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [q("checkin.getCounts", { ...w, eventId: fx.event.id }), { waves: 2, setups: 0 }],
      [
        q("checkin.searchTickets", { ...w, eventId: fx.event.id, query: "Budget", list: "main" }),
        { waves: 2, setups: 0 },
      ],
      [() => page(`${fx.w}/analytics?show=${fx.show.id}&interval=month`, c), { waves: 2, setups: 0 }],
      [() => page(`${fx.w}/analytics.csv?report=audience`, c), { waves: 2, setups: 0 }],
      [q("analytics.exportAudience", w), { waves: 2, setups: 0 }],
      [
        q("campaigns.listEpisodeChoices", { ...w, showId: fx.show.id, query: "a", selectedIds: [fx.episode.id] }),
        { waves: 2, setups: 0 },
      ],
    ]);
  });
});
