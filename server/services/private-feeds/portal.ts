import { and, asc, eq, ne, sql } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { episodes, grants, privateFeeds, shows, supporters, tiers } from "../../../db/schema";
import { notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { isGrantActive, type Viewer, type ViewerGrant } from "../audience/gate";
import type { RequestMeta } from "../auth/sessions";
import { mayListen } from "./access";
import { privateFeedKey, privateFeedToken, privateFeedUrls } from "./tokens";

/**
 * The supporter's side of private feeds (ADR 028): their address per show, the "add to app" links, rotation; and
 * the creator's view of a member's feeds (rotations, the sharing flag).
 */

/**
 * Subscribe links as each app documents them: Apple Podcasts opens `podcast://` + the address without its scheme;
 * Overcast takes the whole address, encoded, in `overcast://x-callback-url/add?url=`; Pocket Casts opens
 * `pktc://subscribe/` + the address without its scheme (the form its own Android tests parse).
 */
export function addToAppLinks(feedUrl: string) {
  const bare = feedUrl.replace(/^https?:\/\//, "");
  return {
    applePodcasts: `podcast://${bare}`,
    overcast: `overcast://x-callback-url/add?url=${encodeURIComponent(feedUrl)}`,
    pocketCasts: `pktc://subscribe/${bare}`,
  };
}

const grantColumns = {
  kind: grants.kind,
  status: grants.status,
  startsAt: grants.startsAt,
  endsAt: grants.endsAt,
  tierId: grants.tierId,
  tierIsPaid: sql<boolean | string>`coalesce(${tiers.kind} = 'paid', false)`,
  eventId: grants.eventId,
};

export type PortalMembership = "none" | "active" | "ended" | "blocked";

/**
 * The signed-in person's private feeds in one workspace: one per show with at least one published gated episode
 * their grants open now. The address exists as soon as a grant opens something (it is derived, not stored; ADR 028),
 * so there is nothing to issue here. One round trip.
 */
export async function listMyPrivateFeeds(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  secret: string;
  appUrl: string;
  now: Date;
}) {
  const supporterOfUser = sql`(select ${supporters.id} from ${supporters} where ${supporters.workspaceId} = ${opts.workspaceId} and ${supporters.userId} = ${opts.userId})`;
  const [supporterRows, grantRows, showRows, gatedRows, feedRows] = await readBatch(opts.db, [
    opts.db
      .select({ id: supporters.id, status: supporters.status })
      .from(supporters)
      .where(and(eq(supporters.workspaceId, opts.workspaceId), eq(supporters.userId, opts.userId)))
      .limit(1),
    opts.db
      .select(grantColumns)
      .from(grants)
      .leftJoin(tiers, and(eq(tiers.id, grants.tierId), eq(tiers.workspaceId, grants.workspaceId)))
      .where(and(eq(grants.workspaceId, opts.workspaceId), eq(grants.userId, opts.userId))),
    opts.db
      .select({ id: shows.id, title: shows.title })
      .from(shows)
      .where(eq(shows.workspaceId, opts.workspaceId))
      .orderBy(asc(shows.title)),
    opts.db
      .select({
        showId: episodes.showId,
        visibility: episodes.visibility,
        visibilityTierIds: episodes.visibilityTierIds,
        visibilityEventId: episodes.visibilityEventId,
      })
      .from(episodes)
      .where(
        and(
          eq(episodes.workspaceId, opts.workspaceId),
          eq(episodes.status, "published"),
          ne(episodes.visibility, "public"),
        ),
      ),
    opts.db
      .select({ showId: privateFeeds.showId, generation: privateFeeds.generation })
      .from(privateFeeds)
      .where(
        and(eq(privateFeeds.workspaceId, opts.workspaceId), sql`${privateFeeds.supporterId} = ${supporterOfUser}`),
      ),
  ]);
  const [supporter] = supporterRows;
  if (!supporter) return { membership: "none" as PortalMembership, feeds: [] };
  if (supporter.status === "blocked") return { membership: "blocked" as PortalMembership, feeds: [] };
  if (supporter.status !== "active") return { membership: "ended" as PortalMembership, feeds: [] };
  const viewerGrants: ViewerGrant[] = grantRows.map((g) => ({
    ...g,
    tierIsPaid: g.tierIsPaid === true || g.tierIsPaid === "t" || g.tierIsPaid === "true",
  }));
  // Any active grant is a membership to manage here; which feeds it opens is the gate's (a ticket may open one).
  const live = viewerGrants.some((g) => isGrantActive(g, opts.now));
  if (!live) return { membership: "ended" as PortalMembership, feeds: [] };
  const viewer: Viewer = { kind: "supporter", status: supporter.status, grants: viewerGrants };
  const key = await privateFeedKey(opts.secret);
  const feeds = [];
  for (const show of showRows) {
    // The private feed route refuses exactly when this is 0 (`decidePrivateFeed`), so portal and feed agree.
    const opened = gatedRows.filter((e) => e.showId === show.id && mayListen(e, viewer, opts.now)).length;
    if (opened === 0) continue;
    const generation = feedRows.find((f) => f.showId === show.id)?.generation ?? 0;
    const token = await privateFeedToken({ key, supporterId: supporter.id, showId: show.id, generation });
    const feedUrl = privateFeedUrls(opts.appUrl, token).feed;
    feeds.push({
      showId: show.id,
      showTitle: show.title,
      membersEpisodes: opened,
      feedUrl,
      apps: addToAppLinks(feedUrl),
    });
  }
  return { membership: "active" as PortalMembership, feeds };
}

/**
 * A new address for the supporter's feed of one show: the generation goes up, so the old address answers 410 on
 * its next fetch (nothing caches a private feed). Another workspace's show, or a person who is not in this
 * workspace's audience, is NOT_FOUND.
 */
export async function rotatePrivateFeed(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  showId: string;
  secret: string;
  appUrl: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ supporterId: supporters.id, showId: shows.id })
      .from(supporters)
      .innerJoin(shows, and(eq(shows.workspaceId, supporters.workspaceId), eq(shows.id, opts.showId)))
      .where(and(eq(supporters.workspaceId, opts.workspaceId), eq(supporters.userId, opts.userId)))
      .limit(1);
    if (!found) throw notFound("Feed");
    const [feed] = await tx
      .insert(privateFeeds)
      .values({
        workspaceId: opts.workspaceId,
        supporterId: found.supporterId,
        showId: found.showId,
        generation: 1,
        rotatedAt: opts.now,
        updatedAt: opts.now,
      })
      .onConflictDoUpdate({
        target: [privateFeeds.supporterId, privateFeeds.showId],
        set: { generation: sql`${privateFeeds.generation} + 1`, rotatedAt: opts.now, updatedAt: opts.now },
      })
      .returning({ generation: privateFeeds.generation });
    await recordAudit({
      db: tx,
      action: "private_feed.rotated",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      // Never the token: only which feed and how many times it was replaced.
      detail: { supporterId: found.supporterId, showId: found.showId, generation: feed.generation },
      meta: opts.meta,
      now: opts.now,
    });
    const key = await privateFeedKey(opts.secret);
    const token = await privateFeedToken({
      key,
      supporterId: found.supporterId,
      showId: found.showId,
      generation: feed.generation,
    });
    const feedUrl = privateFeedUrls(opts.appUrl, token).feed;
    return { showId: found.showId, feedUrl, apps: addToAppLinks(feedUrl) };
  });
}

/**
 * A member's private feeds as the creator sees them (the member page): rotations and the sharing flag, never the
 * address. Only this workspace's rows.
 */
export async function listMemberPrivateFeeds(opts: { db: DbOrTx; workspaceId: string; supporterId: string }) {
  const [[supporter], rows] = await readBatch(opts.db, [
    opts.db
      .select({ id: supporters.id })
      .from(supporters)
      .where(and(eq(supporters.id, opts.supporterId), eq(supporters.workspaceId, opts.workspaceId))),
    opts.db
      .select({
        showId: privateFeeds.showId,
        showTitle: shows.title,
        rotations: privateFeeds.generation,
        rotatedAt: privateFeeds.rotatedAt,
        sharedFlaggedAt: privateFeeds.sharedFlaggedAt,
        sharedListenerCount: privateFeeds.sharedListenerCount,
      })
      .from(privateFeeds)
      .innerJoin(shows, and(eq(shows.id, privateFeeds.showId), eq(shows.workspaceId, privateFeeds.workspaceId)))
      .where(and(eq(privateFeeds.workspaceId, opts.workspaceId), eq(privateFeeds.supporterId, opts.supporterId)))
      .orderBy(asc(shows.title)),
  ]);
  // Another workspace's member is NOT_FOUND, like one that does not exist.
  if (!supporter) throw notFound("Member");
  return rows;
}
