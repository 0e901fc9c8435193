import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { parseFeed } from "podcast-partytime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, episodes, posts, supporters, tickets } from "../../db/schema";
import type { Env } from "../../server/env";
import { feedRoutes } from "../../server/http/feeds";
import { privateFeedRoutes } from "../../server/http/private-feeds";
import { decideAccess, gatedOf } from "../../server/services/audience/gate";
import { loadViewer } from "../../server/services/audience/viewer";
import { cancelOrder, registerEventsPaymentHandler } from "../../server/services/events/orders";
import { reserveTickets } from "../../server/services/events/reserve";
import { transferTicket } from "../../server/services/events/transfer";
import { buildFeedXml } from "../../server/services/podcasts/feed";
import { getPublicShow } from "../../server/services/podcasts/public";
import type { TrpcContext } from "../../server/trpc/context";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { EVENT_START, insertEvent } from "../support/events";
import { createTeam, createUser, type TestUser } from "../support/factories";
import { insertMedia, insertShow } from "../support/podcasts";
import { grantTier, insertSupporter, insertTier } from "../support/private-feeds";
import { callerFor, testConfig, testEnv } from "../support/trpc";

/**
 * An event's recording for its ticket holders (issue 13 item 8, ADR 034): made once after the event, opened by the
 * one gate to holders of a valid ticket (a transferred ticket's new holder, not the old one; not after a refund or
 * cancellation) and to the team, and absent for everyone else on every surface.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  registerEventsPaymentHandler(testConfig.appUrl);
});
afterAll(() => t.close());

const APP = testConfig.appUrl;
const BEFORE = new Date(EVENT_START.getTime() - 7 * 86_400_000);
const AFTER = new Date(EVENT_START.getTime() + 86_400_000);
const SECRET = "Only the people in the room hear this";
const LINK = "https://video.example.test/recording-42";

async function world() {
  const team = await createTeam(t.db, "Recordings studio");
  const ws = team.workspace.id;
  const { event, types } = await insertEvent(t.db, ws);
  const show = await insertShow(t.db, ws, { title: "Live Show" });
  const audio = await insertMedia(t.db, ws, { kind: "audio", status: "ready", durationSeconds: 3600 });
  const free = await insertTier(t.db, ws, { name: "Free", paid: false });
  const rsvp = async (user: TestUser) => {
    const result = await reserveTickets({
      db: t.db,
      workspaceId: ws,
      eventId: event.id,
      userId: user.id,
      lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      now: BEFORE,
      appUrl: APP,
    });
    if (result.status !== "issued") throw new Error("expected a free ticket");
    return result;
  };
  const holder = await createUser(t.db, { name: "Hana Holder" });
  const held = await rsvp(holder);
  const refunded = await createUser(t.db, { name: "Rolf Refunded" });
  const refundedOrder = await rsvp(refunded);
  await cancelOrder({
    db: t.db,
    workspaceId: ws,
    orderId: refundedOrder.orderId,
    cancelTickets: true,
    refundCents: 0,
    actorUserId: null,
    now: BEFORE,
    appUrl: APP,
  });
  const giver = await createUser(t.db, { name: "Gil Giver", email: `giver-${crypto.randomUUID()}@example.test` });
  const given = await rsvp(giver);
  // The recipient already has an account, so the transfer finds them by email (and the test has their session).
  const recipient = await createUser(t.db, { name: "Fay Friend", email: `friend-${crypto.randomUUID()}@example.test` });
  await transferTicket({
    db: t.db,
    workspaceId: ws,
    ticketId: given.ticketIds[0],
    fromUserId: giver.id,
    fromName: "Gil Giver",
    toEmail: recipient.email,
    toName: "Fay Friend",
    appUrl: APP,
    now: BEFORE,
    meta: { ip: null, userAgent: null },
  });
  const [moved] = await t.db
    .select({ userId: tickets.holderUserId })
    .from(tickets)
    .where(eq(tickets.id, given.ticketIds[0]));
  expect(moved.userId).toBe(recipient.id);
  // A member of the audience without a ticket.
  const member = await createUser(t.db, { name: "Mo Member" });
  const memberSupporter = await insertSupporter(t.db, ws, member.id);
  await grantTier(t.db, memberSupporter, free, { startsAt: BEFORE });
  const outsider = await createUser(t.db, { name: "Otto Outsider" });
  return { team, ws, event, show, audio, free, holder, held, refunded, giver, recipient, member, outsider };
}

type World = Awaited<ReturnType<typeof world>>;

const editor = (w: World, now = AFTER) => callerFor(t.db, w.team.editor, { clock: () => now }).api.events;

function publishEpisode(w: World, opts: { another?: boolean; now?: Date } = {}) {
  return editor(w, opts.now).publishRecording({
    workspaceId: w.ws,
    eventId: w.event.id,
    another: opts.another ?? false,
    recording: {
      kind: "episode",
      showId: w.show.id,
      audioMediaId: w.audio.id,
      title: "Live taping (recording)",
      description: SECRET,
      publish: true,
    },
  });
}

describe("publishing an event's recording", () => {
  it("waits for the event to end, then makes one published episode for its ticket holders, audited", async () => {
    const w = await world();
    await expect(publishEpisode(w, { now: BEFORE })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    const first = await publishEpisode(w);
    expect(first.created).toBe(true);
    expect(first.recording).toMatchObject({
      kind: "episode",
      status: "published",
      editUrl: `/w/${w.ws}/episodes/${first.recording.id}`,
      publicUrl: `${APP}/p/${w.show.id}/${first.recording.id}`,
    });
    const [row] = await t.db.select().from(episodes).where(eq(episodes.id, first.recording.id));
    expect(row).toMatchObject({ visibility: "ticket_holders", visibilityEventId: w.event.id, status: "published" });
    const audits = await t.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, w.ws));
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(["episode.created", "episode.published", "event.recording_published"]),
    );

    // Idempotent: the same request again returns the same recording; another is made only on purpose.
    const again = await publishEpisode(w);
    expect(again).toMatchObject({ created: false, recording: { id: first.recording.id } });
    const [both] = await Promise.all([publishEpisode(w), publishEpisode(w)]);
    expect(both.recording.id).toBe(first.recording.id);
    const another = await publishEpisode(w, { another: true });
    expect(another.created).toBe(true);
    expect(another.recording.id).not.toBe(first.recording.id);
    const rows = await t.db.select().from(episodes).where(eq(episodes.visibilityEventId, w.event.id));
    expect(rows).toHaveLength(2);

    const detail = await editor(w).get({ workspaceId: w.ws, eventId: w.event.id });
    expect(detail.recordings.map((r) => r.id).sort()).toEqual([first.recording.id, another.recording.id].sort());
  });

  it("refuses a canceled event and another workspace's show or audio (NOT_FOUND), writing nothing", async () => {
    const w = await world();
    const other = await createTeam(t.db, "Other studio");
    const foreignShow = await insertShow(t.db, other.workspace.id);
    await expect(
      editor(w).publishRecording({
        workspaceId: w.ws,
        eventId: w.event.id,
        recording: { kind: "episode", showId: foreignShow.id, audioMediaId: w.audio.id, title: "R", publish: false },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await t.db.select().from(episodes).where(eq(episodes.visibilityEventId, w.event.id))).toEqual([]);
    const { event: canceled } = await insertEvent(t.db, w.ws, { status: "canceled" });
    await expect(
      editor(w).publishRecording({
        workspaceId: w.ws,
        eventId: canceled.id,
        recording: { kind: "post", url: LINK, title: "R", publish: true },
      }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});

describe("the gate and every surface", () => {
  let w: World;
  let episodeId: string;
  let postId: string;
  beforeAll(async () => {
    w = await world();
    episodeId = (await publishEpisode(w)).recording.id;
    const post = await editor(w).publishRecording({
      workspaceId: w.ws,
      eventId: w.event.id,
      another: true,
      recording: { kind: "post", url: LINK, title: "Watch the taping", note: SECRET, publish: true },
    });
    postId = post.recording.id;
  });

  const viewers: [string, (w: World) => TestUser | null, string][] = [
    ["the holder", (w) => w.holder, "granted"],
    ["the transferred ticket's new holder", (w) => w.recipient, "granted"],
    ["the team", (w) => w.team.owner, "team"],
    ["the one who gave their ticket away", (w) => w.giver, "upgrade"],
    ["the refunded buyer", (w) => w.refunded, "upgrade"],
    ["a member without a ticket", (w) => w.member, "upgrade"],
    ["a signed-in stranger", (w) => w.outsider, "join"],
    ["anonymous", () => null, "sign_in"],
  ];

  it.each(viewers)("decideAccess for %s", async (_, who, reason) => {
    const user = who(w);
    const viewer = await loadViewer({ db: t.db, workspaceId: w.ws, auth: user ? { user } : null });
    const gated = gatedOf({ visibility: "ticket_holders", visibilityTierIds: [], visibilityEventId: w.event.id });
    expect(decideAccess(gated, viewer, AFTER).reason).toBe(reason);
    // Another event's holders are not this one's.
    const elsewhere = gatedOf({
      visibility: "ticket_holders",
      visibilityTierIds: [],
      visibilityEventId: crypto.randomUUID(),
    });
    expect(decideAccess(elsewhere, viewer, AFTER).allowed).toBe(reason === "team");
  });

  it.each(viewers)("the post's page and search, as %s", async (_, who, reason) => {
    const api = callerFor(t.db, who(w), { clock: () => AFTER }).api.posts;
    const page = await api.getPublic({ workspaceId: w.ws, postId });
    const allowed = reason === "granted" || reason === "team";
    expect(page.post.event).toEqual({
      id: w.event.id,
      title: w.event.title,
      pageUrl: `${APP}/c/${w.ws}/events/${w.event.id}`,
    });
    if (allowed) expect(page.post.bodyHtml).toContain(LINK);
    else {
      expect(page.post.bodyHtml).toBeNull();
      expect(JSON.stringify(page)).not.toContain(LINK);
      expect(JSON.stringify(page)).not.toContain(SECRET);
    }
    const found = await api.searchPublic({ workspaceId: w.ws, q: "people room" });
    expect(found.items.map((item) => item.id)).toEqual(allowed ? [postId] : []);
    const latest = await api.listPublic({ workspaceId: w.ws });
    expect(JSON.stringify(latest)).not.toContain(LINK);
  });

  it.each(viewers)("the episode's page, as %s", async (_, who, reason) => {
    const page = await callerFor(t.db, who(w), { clock: () => AFTER }).api.podcasts.getPublicEpisode({
      showId: w.show.id,
      episodeId,
    });
    expect(JSON.stringify(page)).not.toContain(SECRET);
    expect(page.episode).toMatchObject({ locked: true, audio: null });
    expect(page.paywall?.reason).toBe(reason);
    expect(page.paywall?.message).toContain(w.event.title);
    if (reason !== "granted" && reason !== "team")
      expect(page.paywall?.action?.href).toBe(`/c/${w.ws}/events/${w.event.id}`);
  });

  it("the public feed never carries the recording", async () => {
    const xml = await buildFeedXml({ feed: await getPublicShow({ db: t.db, showId: w.show.id }), appUrl: APP });
    expect(xml).not.toContain("Live taping (recording)");
    expect(xml).not.toContain(SECRET);
  });

  it("a ticket-only holder's private feed has the recording; a member without a ticket has no feed that carries it", async () => {
    // The holder has only the ticket: ADR 028's rule asks the gate, so the ticket alone opens the feed.
    const holderGrants = await t.db
      .select({ id: supporters.id })
      .from(supporters)
      .where(and(eq(supporters.workspaceId, w.ws), eq(supporters.userId, w.holder.id)));
    expect(holderGrants).toHaveLength(1);

    const portal = (user: TestUser) =>
      callerFor(t.db, user, { clock: () => AFTER }).api.privateFeeds.listMine({ workspaceId: w.ws });
    const holderFeeds = await portal(w.holder);
    const feed = holderFeeds.feeds.find((f) => f.showId === w.show.id);
    expect(feed).toBeDefined();
    const response = await fetchPrivate(feed!.feedUrl);
    expect(response.status).toBe(200);
    const items = parseFeed(await response.text())!.items.map((item) => item.title);
    expect(items).toContain("Live taping (recording)");

    const memberFeeds = await portal(w.member);
    expect(memberFeeds.feeds.find((f) => f.showId === w.show.id)).toBeUndefined();
  });

  it("the holder's Your tickets links to the published recordings", async () => {
    const mine = await callerFor(t.db, w.holder, { clock: () => AFTER }).api.events.listMyTickets({
      workspaceId: w.ws,
    });
    const entry = mine.find((ticket) => ticket.eventId === w.event.id);
    expect(entry?.recordings.map((r) => r.id).sort()).toEqual([episodeId, postId].sort());
    const giverView = await callerFor(t.db, w.giver, { clock: () => AFTER }).api.events.listMyTickets({
      workspaceId: w.ws,
    });
    expect(JSON.stringify(giverView)).not.toContain(episodeId);
  });

  it("rows outside ticket_holders cannot keep an event, and ticket_holders needs one (check constraint)", async () => {
    await expect(
      t.db
        .update(posts)
        .set({ visibility: "public" })
        .where(and(eq(posts.id, postId), eq(posts.workspaceId, w.ws))),
    ).rejects.toThrow();
    await expect(
      t.db.update(episodes).set({ visibilityEventId: null }).where(eq(episodes.id, episodeId)),
    ).rejects.toThrow();
  });
});

async function fetchPrivate(feedUrl: string) {
  const { env } = testEnv({});
  const app = new Hono<{ Bindings: Env; Variables: { trpc: TrpcContext } }>();
  app.use("*", async (c, next) => {
    c.set("trpc", {
      db: t.db,
      env,
      config: testConfig,
      meta: { ip: null, userAgent: null },
      auth: null,
      clock: () => AFTER,
      responseHeaders: new Headers(),
    });
    await next();
  });
  app.route("/", privateFeedRoutes);
  app.route("/", feedRoutes);
  const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined };
  return app.request(feedUrl.replace(APP, ""), {}, env, ctx as unknown as ExecutionContext);
}
