import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adDeliveries,
  analyticsDailyDownloads,
  auditEvents,
  campaignApprovals,
  campaigns,
  episodes,
  invoices,
} from "../../db/schema";
import { createInvoice } from "../../server/services/campaigns/invoices";
import { countOf, reportBlocks } from "../../server/services/campaigns/documents";
import { reportCsv } from "../../server/services/campaigns/report";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createCreative, createTeam } from "../support/factories";
import { insertEpisode, insertShow } from "../support/podcasts";
import { startPostgresServer } from "../support/postgres-server";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const tokenOf = (url: string) => url.split("/").at(-1)!;

async function team() {
  const x = await createTeam(t.db, `Network ${crypto.randomUUID().slice(0, 6)}`);
  const api = (user = x.editor) => callerFor(t.db, user).api;
  const anonymous = (now?: Date) => callerFor(t.db, null, now ? { clock: () => now } : {}).api;
  return { ...x, api, anonymous, workspaceId: x.workspace.id };
}

describe("advertisers and campaigns", () => {
  it("creates an advertiser, a campaign with its IO, a flight on a show and an episode, and a creative", async () => {
    const x = await team();
    const show = await insertShow(t.db, x.workspaceId, { title: "Morning Show" });
    const episode = await insertEpisode(t.db, await insertShow(t.db, x.workspaceId, { title: "Evening Show" }), {
      title: "Ep 1",
    });
    const advertiser = await x.api().campaigns.createAdvertiser({
      workspaceId: x.workspaceId,
      name: "Acme",
      contacts: [{ name: "Ana", email: "ANA@acme.test", role: "Buyer" }],
    });
    expect(advertiser.contacts[0].email).toBe("ana@acme.test");
    const campaign = await x.api().campaigns.createCampaign({
      workspaceId: x.workspaceId,
      advertiserId: advertiser.id,
      name: "Spring",
      budgetCents: 250_000,
      currency: "eur",
      pricing: "flat",
      rateCents: 200_000,
      startsOn: "2026-04-01",
      endsOn: "2026-04-30",
      ioContactName: "Ana",
      ioContactEmail: "ana@acme.test",
    });
    const flight = await x.api().campaigns.createFlight({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      name: "April mid-roll",
      startsOn: "2026-04-01",
      endsOn: "2026-04-14",
      position: "mid",
      impressionsGoal: 20_000,
      frequency: { cap: 2, days: 1 },
      status: "booked",
      showIds: [show.id],
      episodeIds: [episode.id],
    });
    expect(flight.frequency).toEqual({ cap: 2, days: 1 });
    await x.api().campaigns.createCreative({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      flightId: flight.id,
      name: "Host read",
      kind: "host_read",
      talkingPoints: ["Fresh beans"],
      promoCode: "SPRING",
      url: "https://acme.test",
    });
    const got = await x.api(x.viewer).campaigns.getCampaign({ workspaceId: x.workspaceId, campaignId: campaign.id });
    expect(got).toMatchObject({ currency: "EUR", pricing: "flat", advertiser: { name: "Acme" } });
    expect(got.flights[0].targets.map((target) => target.showTitle).sort()).toEqual(["Evening Show", "Morning Show"]);
    expect(got.creatives[0]).toMatchObject({ promoCode: "SPRING", approval: null });
    const actions = await t.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.workspaceId, x.workspaceId));
    expect(actions.map((a) => a.action)).toEqual([
      "advertiser.created",
      "campaign.created",
      "campaign.flight_created",
      "campaign.creative_created",
    ]);
  });

  it("refuses what makes no sense, in the user's words, and viewers cannot change anything", async () => {
    const x = await team();
    const { advertiser, campaign } = await createCampaign(t.db, x.workspaceId);
    const fields = {
      workspaceId: x.workspaceId,
      advertiserId: advertiser.id,
      name: "Backwards",
      budgetCents: 1,
      currency: "USD",
      pricing: "cpm" as const,
      rateCents: 1,
      startsOn: "2026-05-10",
      endsOn: "2026-05-01",
    };
    await expect(x.api().campaigns.createCampaign(fields)).rejects.toThrow("The campaign cannot end before it starts.");
    await expect(x.api().campaigns.createCampaign({ ...fields, endsOn: "2026-02-30" })).rejects.toThrow(
      "Enter the end date as a date (YYYY-MM-DD).",
    );
    await expect(
      x.api().campaigns.createFlight({
        workspaceId: x.workspaceId,
        campaignId: campaign.id,
        name: "Nowhere",
        startsOn: "2026-01-01",
        endsOn: "2026-01-02",
        position: "pre",
        impressionsGoal: 1,
      }),
    ).rejects.toThrow("Choose at least one show or episode for the flight.");
    await expect(
      x.api().campaigns.createCreative({
        workspaceId: x.workspaceId,
        campaignId: campaign.id,
        name: "Empty",
        kind: "host_read",
      }),
    ).rejects.toThrow("Write the script or at least one talking point for the host.");
    await expect(
      x.api().campaigns.deleteAdvertiser({ workspaceId: x.workspaceId, advertiserId: advertiser.id }),
    ).rejects.toThrow("Acme Coffee has a campaign. Delete it first, or keep the advertiser.");
    await expect(
      x.api(x.viewer).campaigns.deleteCampaign({ workspaceId: x.workspaceId, campaignId: campaign.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      x.api(x.editor).campaigns.createInvoice({ workspaceId: x.workspaceId, campaignId: campaign.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("approval through a share link", () => {
  it("shows the IO and creatives, records each answer once, and a changed creative needs approving again", async () => {
    const x = await team();
    const { campaign } = await createCampaign(t.db, x.workspaceId);
    const creative = await createCreative(t.db, campaign);
    const link = await x.api().campaigns.createShareLink({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      purpose: "approval",
    });
    const token = tokenOf(link.url);
    const page = await x.anonymous().campaigns.openApprovalLink({ token });
    expect(page).toMatchObject({ problem: null, advertiserName: "Acme Coffee" });
    expect(page.campaign?.creatives.map((c) => [c.id, c.decision])).toEqual([[creative.id, null]]);

    const answer = { token, decidedByName: "Ana Buyer", decidedByEmail: "ana@acme.test" };
    const first = await x.anonymous().campaigns.decideApproval({
      ...answer,
      creativeId: creative.id,
      decision: "rejected",
      comment: "Say 20% off, not 15%.",
    });
    expect(first.alreadyAnswered).toBe(false);
    // Idempotent: the same link answering the same revision again changes nothing.
    const again = await x
      .anonymous()
      .campaigns.decideApproval({ ...answer, creativeId: creative.id, decision: "approved" });
    expect(again).toMatchObject({ decision: "rejected", alreadyAnswered: true });
    await x.anonymous().campaigns.decideApproval({ ...answer, decision: "approved" });

    let got = await x.api().campaigns.getCampaign({ workspaceId: x.workspaceId, campaignId: campaign.id });
    expect(got.creatives[0].approval).toMatchObject({ decision: "rejected", comment: "Say 20% off, not 15%." });
    expect(got.ioApproval?.decision).toBe("approved");
    // Approving the IO moves a draft campaign to approved.
    expect(got.status).toBe("approved");

    await x.api().campaigns.updateCreative({
      workspaceId: x.workspaceId,
      creativeId: creative.id,
      name: "Host read",
      kind: "host_read",
      script: "Use code SPRING for 20% off.",
    });
    got = await x.api().campaigns.getCampaign({ workspaceId: x.workspaceId, campaignId: campaign.id });
    expect(got.creatives[0]).toMatchObject({ revision: 2, approval: null });
    await x.anonymous().campaigns.decideApproval({ ...answer, creativeId: creative.id, decision: "approved" });
    got = await x.api().campaigns.getCampaign({ workspaceId: x.workspaceId, campaignId: campaign.id });
    expect(got.creatives[0].approval?.decision).toBe("approved");
    expect(
      await t.db.select().from(campaignApprovals).where(eq(campaignApprovals.campaignId, campaign.id)),
    ).toHaveLength(3);
  });

  it("a revoked or expired link explains itself and accepts no answer; an unknown one is not found", async () => {
    const x = await team();
    const { campaign } = await createCampaign(t.db, x.workspaceId);
    const link = await x.api().campaigns.createShareLink({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      purpose: "approval",
    });
    const token = tokenOf(link.url);
    const later = new Date(link.expiresAt.getTime() + 1000);
    expect(await x.anonymous(later).campaigns.openApprovalLink({ token })).toMatchObject({
      problem: "expired",
      campaign: null,
    });
    await expect(
      x.anonymous(later).campaigns.decideApproval({ token, decision: "approved", decidedByName: "Ana" }),
    ).rejects.toThrow("This link has expired. Ask the network that sent it for a new one.");

    await x.api().campaigns.revokeShareLink({ workspaceId: x.workspaceId, shareLinkId: link.id });
    // Revoking again keeps the first time.
    await x.api().campaigns.revokeShareLink({ workspaceId: x.workspaceId, shareLinkId: link.id });
    expect(await x.anonymous().campaigns.openApprovalLink({ token })).toMatchObject({
      problem: "revoked",
      campaign: null,
    });
    await expect(
      x.anonymous().campaigns.decideApproval({ token, decision: "approved", decidedByName: "Ana" }),
    ).rejects.toThrow("This link was withdrawn by the network. Ask them for a new one.");
    await expect(x.anonymous().campaigns.openApprovalLink({ token: "a".repeat(43) })).rejects.toThrow(
      "This link is not valid. Ask the network that sent it for a new one.",
    );
    // A report link does not open the approval page.
    const report = await x.api().campaigns.createShareLink({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      purpose: "report",
    });
    await expect(x.anonymous().campaigns.openApprovalLink({ token: tokenOf(report.url) })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("the calendar of a show", () => {
  it("shows which positions each booked flight holds on which days, through the show or one of its episodes", async () => {
    const x = await team();
    const show = await insertShow(t.db, x.workspaceId, { title: "Daily" });
    const other = await insertShow(t.db, x.workspaceId, { title: "Other" });
    const episode = await insertEpisode(t.db, show, { title: "Ep 7" });
    const whole = await createCampaign(t.db, x.workspaceId, {
      showId: show.id,
      startsOn: "2026-02-25",
      endsOn: "2026-03-03",
      flight: { position: "pre", priority: 3 },
    });
    const { campaign } = await createCampaign(t.db, x.workspaceId, { startsOn: "2026-03-02", endsOn: "2026-03-02" });
    const viaEpisode = await x.api().campaigns.createFlight({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      name: "Episode flight",
      startsOn: "2026-03-02",
      endsOn: "2026-03-02",
      position: "pre",
      priority: 9,
      impressionsGoal: 10,
      status: "booked",
      episodeIds: [episode.id],
    });
    // Drafts and other shows' flights hold nothing here.
    await createCampaign(t.db, x.workspaceId, { showId: show.id, flight: { status: "draft" } });
    await createCampaign(t.db, x.workspaceId, { showId: other.id, startsOn: "2026-03-01", endsOn: "2026-03-31" });

    const calendar = await x
      .api(x.viewer)
      .campaigns.getCalendar({ workspaceId: x.workspaceId, showId: show.id, month: "2026-03" });
    expect(calendar.days).toHaveLength(31);
    expect(calendar.bookings.map((b) => [b.flightName, b.everyEpisode, b.episodeTitles])).toEqual([
      ["Flight 1", true, []],
      ["Episode flight", false, ["Ep 7"]],
    ]);
    const pre = (day: string) => calendar.days.find((d) => d.day === day)!.positions.find((p) => p.position === "pre")!;
    expect(pre("2026-03-01").flightIds).toEqual([whole.flight.id]);
    expect(pre("2026-03-02").flightIds).toEqual([viaEpisode.id, whole.flight.id]);
    // The whole show's flight can play on the targeted episode, so the two compete there.
    expect(pre("2026-03-01").competingFlightIds).toEqual([]);
    expect(pre("2026-03-02").competingFlightIds).toEqual([viaEpisode.id, whole.flight.id]);
    expect(pre("2026-03-04").flightIds).toEqual([]);
    // Without a show, the first by title.
    const first = await x.api().campaigns.getCalendar({ workspaceId: x.workspaceId, month: "2026-03" });
    expect(first.show?.title).toBe("Daily");
  });
});

describe("the calendar with episode-only flights", () => {
  it("does not mark flights on different episodes of a show as competing; flights naming one episode compete", async () => {
    const x = await team();
    const show = await insertShow(t.db, x.workspaceId, { title: "Daily" });
    const [first, second] = [
      await insertEpisode(t.db, show, { title: "Ep 1" }),
      await insertEpisode(t.db, show, { title: "Ep 2" }),
    ];
    const { campaign } = await createCampaign(t.db, x.workspaceId, { startsOn: "2026-05-01", endsOn: "2026-05-31" });
    const flightOn = (name: string, episodeIds: string[], priority: number) =>
      x.api().campaigns.createFlight({
        workspaceId: x.workspaceId,
        campaignId: campaign.id,
        name,
        startsOn: "2026-05-01",
        endsOn: "2026-05-31",
        position: "mid",
        priority,
        impressionsGoal: 100,
        status: "booked",
        episodeIds,
      });
    const onFirst = await flightOn("On Ep 1", [first.id], 8);
    const onSecond = await flightOn("On Ep 2", [second.id], 6);
    const may = () =>
      x.api(x.viewer).campaigns.getCalendar({ workspaceId: x.workspaceId, showId: show.id, month: "2026-05" });
    const mid = (calendar: Awaited<ReturnType<typeof may>>) =>
      calendar.days.find((d) => d.day === "2026-05-10")!.positions.find((p) => p.position === "mid")!;
    expect(mid(await may())).toMatchObject({ flightIds: [onFirst.id, onSecond.id], competingFlightIds: [] });
    const bothEpisodes = await flightOn("On both", [first.id, second.id], 7);
    expect(mid(await may())).toMatchObject({
      flightIds: [onFirst.id, bothEpisodes.id, onSecond.id],
      competingFlightIds: [onFirst.id, bothEpisodes.id, onSecond.id],
    });
  });
});

describe("the flight form's episode picker", () => {
  it("finds episodes of a show with hundreds by title or number, newest first, and keeps ticked ones", async () => {
    const x = await team();
    const daily = await insertShow(t.db, x.workspaceId, { title: "Daily" });
    const weekly = await insertShow(t.db, x.workspaceId, { title: "Weekly" });
    const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000);
    const rows = Array.from({ length: 300 }, (_, i) => ({
      workspaceId: x.workspaceId,
      showId: daily.id,
      title: i % 50 === 0 ? `Interview 100% ${i}` : `Daily ${i}`,
      episodeNumber: i + 1,
      status: "published" as const,
      publishedAt: day(i),
    }));
    const inserted = await t.db.insert(episodes).values(rows).returning({ id: episodes.id, title: episodes.title });
    const weeklyEpisode = await insertEpisode(t.db, weekly, { title: "Weekly interview", publishedAt: day(400) });
    const api = x.api(x.viewer).campaigns;
    const w = { workspaceId: x.workspaceId };

    const newest = await api.listEpisodeChoices({ ...w, showId: daily.id });
    expect(newest.total).toBe(300);
    expect(newest.matches).toHaveLength(25);
    expect(newest.matches.slice(0, 2).map((e) => e.title)).toEqual(["Daily 299", "Daily 298"]);
    expect(newest.matches[0]).toMatchObject({ showTitle: "Daily", episodeNumber: 300, status: "published" });

    // A title search is case-insensitive and takes % literally; across shows without a show.
    const interviews = await api.listEpisodeChoices({ ...w, query: "INTERVIEW" });
    expect(interviews.total).toBe(7);
    expect(interviews.matches.map((e) => e.title).slice(0, 3)).toEqual([
      "Weekly interview",
      "Interview 100% 250",
      "Interview 100% 200",
    ]);
    expect((await api.listEpisodeChoices({ ...w, query: "100%" })).total).toBe(6);
    expect((await api.listEpisodeChoices({ ...w, query: "0%" })).total).toBe(6);
    expect((await api.listEpisodeChoices({ ...w, query: "_" })).total).toBe(0);
    // A number finds the episode numbered so, and titles containing it.
    const byNumber = await api.listEpisodeChoices({ ...w, showId: daily.id, query: "150" });
    expect(byNumber.matches.map((e) => [e.title, e.episodeNumber])).toEqual([
      ["Interview 100% 150", 151],
      ["Daily 149", 150],
    ]);

    // Ticked episodes come back whatever the search; ids that are not this workspace's episodes are left out.
    const stranger = await createTeam(t.db, "Elsewhere");
    const foreign = await insertEpisode(t.db, await insertShow(t.db, stranger.workspace.id), { title: "Not yours" });
    const kept = await api.listEpisodeChoices({
      ...w,
      showId: weekly.id,
      query: "nothing like this",
      selectedIds: [inserted[3].id, weeklyEpisode.id, foreign.id, inserted[3].id],
    });
    expect(kept.matches).toEqual([]);
    expect(kept.total).toBe(0);
    expect(kept.selected.map((e) => e.title)).toEqual(["Weekly interview", "Daily 3"]);

    // Another workspace's show is unknown here.
    await expect(
      api.listEpisodeChoices({ ...w, showId: (await insertShow(t.db, stranger.workspace.id)).id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the campaign report", () => {
  it("reads delivered impressions by day, show, episode, country and app; page, link, CSV and PDF agree", async () => {
    const x = await team();
    const show = await insertShow(t.db, x.workspaceId, { title: "Daily" });
    const episode = await insertEpisode(t.db, show, { title: "Ep 1" });
    const second = await insertEpisode(t.db, show, { title: "Ep 2" });
    const { campaign, flight } = await createCampaign(t.db, x.workspaceId, {
      showId: show.id,
      startsOn: "2026-01-10",
      endsOn: "2026-01-11",
      flight: { impressionsGoal: 40 },
    });
    const other = await createCampaign(t.db, x.workspaceId, { showId: show.id });
    const delivered = (
      flightId: string,
      day: string,
      episodeId: string,
      country: string,
      app: string,
      count: number,
    ) => ({ workspaceId: x.workspaceId, day, flightId, showId: show.id, episodeId, country, app, delivered: count });
    await t.db.insert(adDeliveries).values([
      delivered(flight.id, "2026-01-10", episode.id, "US", "Apple Podcasts", 7),
      delivered(flight.id, "2026-01-10", episode.id, "DE", "Overcast", 3),
      delivered(flight.id, "2026-01-11", second.id, "US", "Apple Podcasts", 2),
      delivered(other.flight.id, "2026-01-11", episode.id, "US", "Apple Podcasts", 50), // another campaign's ad
    ]);
    // Downloads of the targeted episode are not impressions: only delivered ads count.
    await t.db.insert(analyticsDailyDownloads).values({
      workspaceId: x.workspaceId,
      day: "2026-01-10",
      showId: show.id,
      episodeId: episode.id,
      app: "Apple Podcasts",
      platform: "iOS",
      country: "US",
      downloads: 100,
    });
    const report = await x.api(x.viewer).campaigns.getReport({ workspaceId: x.workspaceId, campaignId: campaign.id });
    expect(report.source.kind).toBe("ad_deliveries");
    expect(report.source.unitLabel).toBe("Impressions");
    expect(report.totals).toEqual({ delivered: 12, goal: 40, percentOfGoal: 30 });
    expect(report.flights.map((f) => [f.id, f.delivered, f.percentOfGoal])).toEqual([[flight.id, 12, 30]]);
    expect(report.byDay.map((d) => [d.label, d.impressions])).toEqual([
      ["2026-01-10", 10],
      ["2026-01-11", 2],
    ]);
    expect(report.byCountry.map((d) => [d.label, d.impressions])).toEqual([
      ["US", 9],
      ["DE", 3],
    ]);
    expect(report.byApp.map((d) => [d.label, d.impressions])).toEqual([
      ["Apple Podcasts", 9],
      ["Overcast", 3],
    ]);
    expect(report.byShow.map((d) => [d.label, d.impressions])).toEqual([["Daily", 12]]);
    expect(report.byEpisode.map((d) => [d.label, d.impressions])).toEqual([
      ["Ep 1", 10],
      ["Ep 2", 2],
    ]);
    expect(report.methodology.version).toBe("greenroom-iab-2.2/1");
    const csv = reportCsv(report);
    const [header, ...rows] = csv.split("\r\n").filter(Boolean);
    expect(header).toBe("day,flight,show,episode,country,app,impressions,methodology");
    expect(rows).toHaveLength(3);
    expect(rows.reduce((sum, row) => sum + Number(row.split(",")[6]), 0)).toBe(report.totals.delivered);
    // The PDF is written from the same blocks: its totals and tables say what the page says.
    const pdfText = reportBlocks(report).map((b) => b.text);
    expect(pdfText).toContain("2026-01-10: 10");
    expect(pdfText).toContain("Ep 2: 2");
    expect(pdfText.join("\n")).toContain("12 impressions");
    // One delivery reads in the singular; the plural rule, not a hand-written "=== 1", decides.
    expect(countOf(1, report.source)).toBe("1 impression");
    expect(countOf(0, report.source)).toBe("0 impressions");
    expect(countOf(1200, report.source)).toBe("1,200 impressions");

    // The same report through a report link, for the advertiser; revoked, it explains itself.
    const link = await x.api().campaigns.createShareLink({
      workspaceId: x.workspaceId,
      campaignId: campaign.id,
      purpose: "report",
    });
    const shared = await x.anonymous().campaigns.openReportLink({ token: tokenOf(link.url) });
    expect(shared.report?.totals).toEqual(report.totals);
    await x.api().campaigns.revokeShareLink({ workspaceId: x.workspaceId, shareLinkId: link.id });
    expect(await x.anonymous().campaigns.openReportLink({ token: tokenOf(link.url) })).toEqual({
      problem: "revoked",
      report: null,
    });
  });
});

describe("pacing on the campaign page", () => {
  it("reads each flight's delivered impressions, says behind on a frozen day, and suggests a make-good", async () => {
    const x = await team();
    const show = await insertShow(t.db, x.workspaceId, { title: "Daily" });
    const episode = await insertEpisode(t.db, show, { title: "Ep 1" });
    // Ten days, 1,000 impressions: 100 a day expected.
    const { campaign, flight } = await createCampaign(t.db, x.workspaceId, {
      showId: show.id,
      startsOn: "2026-03-01",
      endsOn: "2026-03-10",
      flight: { impressionsGoal: 1_000, status: "live" },
    });
    const other = await createCampaign(t.db, x.workspaceId, { showId: show.id });
    const row = (flightId: string, day: string, delivered: number) => ({
      workspaceId: x.workspaceId,
      day,
      flightId,
      showId: show.id,
      episodeId: episode.id,
      country: "US",
      app: "Overcast",
      delivered,
    });
    await t.db
      .insert(adDeliveries)
      .values([
        row(flight.id, "2026-03-01", 60),
        row(flight.id, "2026-03-02", 60),
        row(flight.id, "2026-03-03", 60),
        row(other.flight.id, "2026-03-03", 900),
      ]);
    const onDay = (day: string) =>
      callerFor(t.db, x.viewer, { clock: () => new Date(`${day}T12:00:00Z`) }).api.campaigns.getCampaign({
        workspaceId: x.workspaceId,
        campaignId: campaign.id,
      });
    // On the 4th: 180 delivered against 300 expected by yesterday, 60 a day → 180 + 60 × 7 = 600, 400 short.
    const [paced] = (await onDay("2026-03-04")).flights;
    expect(paced.pacing).toMatchObject({
      goal: 1_000,
      delivered: 180,
      expected: 300,
      status: "behind",
      remainingDays: 7,
      makeGood: { impressions: 400, extraDays: 7 },
    });
    // Before the start nothing is expected; after the end the whole shortfall is the make-good.
    expect((await onDay("2026-02-28")).flights[0].pacing).toMatchObject({ status: "not_started", makeGood: null });
    expect((await onDay("2026-03-11")).flights[0].pacing).toMatchObject({
      status: "under_delivered",
      // 180 over ten days is 18 a day: 820 more take 46 days.
      makeGood: { impressions: 820, extraDays: 46 },
    });
  });
});

describe("invoices", () => {
  it("numbers invoices per workspace, builds lines from the IO, and moves draft → sent → paid, never back", async () => {
    const x = await team();
    const y = await team();
    const { campaign } = await createCampaign(t.db, x.workspaceId, { flight: { impressionsGoal: 12_345 } });
    const first = await x.api(x.admin).campaigns.createInvoice({ workspaceId: x.workspaceId, campaignId: campaign.id });
    // 12,345 impressions at $25.00 CPM = $308.63 (rounded to the cent).
    expect(first).toMatchObject({ label: "INV-0001", totalCents: 30_863, currency: "USD", status: "draft" });
    expect(first.billTo).toEqual({ name: "Acme Coffee", contact: "Ana Buyer", email: "ana@acme.test" });
    const second = await x
      .api(x.admin)
      .campaigns.createInvoice({ workspaceId: x.workspaceId, campaignId: campaign.id });
    expect(second.label).toBe("INV-0002");
    const other = await createCampaign(t.db, y.workspaceId, { campaign: { pricing: "flat", rateCents: 99_900 } });
    const theirs = await y
      .api(y.owner)
      .campaigns.createInvoice({ workspaceId: y.workspaceId, campaignId: other.campaign.id });
    expect(theirs).toMatchObject({ label: "INV-0001", totalCents: 99_900 });

    const set = (status: "draft" | "sent" | "paid" | "void") =>
      x.api(x.admin).campaigns.setInvoiceStatus({ workspaceId: x.workspaceId, invoiceId: first.id, status });
    expect((await set("sent")).sentAt).toBeInstanceOf(Date);
    expect((await set("paid")).status).toBe("paid");
    await expect(set("void")).rejects.toThrow("INV-0001 is paid, so it cannot be marked void.");
    await expect(
      x.api(x.admin).campaigns.deleteCampaign({ workspaceId: x.workspaceId, campaignId: campaign.id }),
    ).rejects.toThrow("Spring has invoices");
  });

  it("gives concurrent invoices of one workspace distinct, consecutive numbers (real Postgres server)", async () => {
    const pg = await startPostgresServer();
    try {
      const x = await createTeam(pg.db, "Racing network");
      const { campaign } = await createCampaign(pg.db, x.workspace.id);
      const handles = Array.from({ length: 6 }, () => pg.connect());
      try {
        const made = await Promise.all(
          handles.map((handle) =>
            createInvoice({
              db: handle.db,
              workspaceId: x.workspace.id,
              actorUserId: x.owner.id,
              campaignId: campaign.id,
              notes: "",
              meta: { ip: null, userAgent: null },
              now: new Date(),
            }),
          ),
        );
        expect(made.map((invoice) => invoice.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
      }
      const stored = await pg.db
        .select({ number: invoices.number })
        .from(invoices)
        .where(and(eq(invoices.workspaceId, x.workspace.id), eq(invoices.campaignId, campaign.id)));
      expect(stored).toHaveLength(6);
      const [row] = await pg.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
      expect(row.status).toBe("draft");
    } finally {
      await pg.stop();
    }
  }, 120_000);
});
