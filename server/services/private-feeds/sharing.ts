import { and, count, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { privateFeedFetches, privateFeeds, shows } from "../../../db/schema";
import { daySalt, importSalt, listenerKey, utcDay } from "../analytics/listener";
import { notifyWorkspace } from "../notifications/notify";

/**
 * Sharing detection (ADR 028). Every fetch of a live private feed records the requester's listener key — the
 * download analytics key (ADR 019): HMAC of the IP prefix and user agent under the UTC day's salt, no address
 * stored — once per supporter, show and key. More than SHARED_LISTENER_THRESHOLD distinct keys within
 * SHARED_WINDOW_MS flags the feed on the member's page and notifies the creator's owners and admins, at most once
 * per window per feed.
 */

/** A person has a phone, a laptop and a server-side app (Overcast, Pocket Casts sync); 6+ is someone else too. */
export const SHARED_LISTENER_THRESHOLD = 5;
export const SHARED_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Keys older than two windows can no longer matter; the next fetch of the feed deletes them. */
const KEEP_MS = 2 * SHARED_WINDOW_MS;

export async function recordPrivateFeedFetch(opts: {
  db: DbOrTx;
  workspaceId: string;
  supporterId: string;
  showId: string;
  ip: string;
  userAgent: string;
  now: Date;
  appUrl: string;
}): Promise<{ flagged: boolean; listeners: number }> {
  const salt = await importSalt(await daySalt({ db: opts.db, day: utcDay(opts.now) }));
  const key = await listenerKey({ salt, ip: opts.ip, userAgent: opts.userAgent });
  const feed = and(eq(privateFeedFetches.supporterId, opts.supporterId), eq(privateFeedFetches.showId, opts.showId));
  await opts.db
    .insert(privateFeedFetches)
    .values({
      workspaceId: opts.workspaceId,
      supporterId: opts.supporterId,
      showId: opts.showId,
      listenerKey: key,
      firstSeenAt: opts.now,
    })
    .onConflictDoNothing();
  await opts.db
    .delete(privateFeedFetches)
    .where(and(feed, lt(privateFeedFetches.firstSeenAt, new Date(opts.now.getTime() - KEEP_MS))));
  const since = new Date(opts.now.getTime() - SHARED_WINDOW_MS);
  const [{ listeners }] = await opts.db
    .select({ listeners: count() })
    .from(privateFeedFetches)
    .where(and(feed, gt(privateFeedFetches.firstSeenAt, since)));
  if (listeners <= SHARED_LISTENER_THRESHOLD) return { flagged: false, listeners };

  // One flag per window: the conditional upsert returns a row only when this fetch set the flag.
  const [flag] = await opts.db
    .insert(privateFeeds)
    .values({
      workspaceId: opts.workspaceId,
      supporterId: opts.supporterId,
      showId: opts.showId,
      sharedFlaggedAt: opts.now,
      sharedListenerCount: listeners,
      updatedAt: opts.now,
    })
    .onConflictDoUpdate({
      target: [privateFeeds.supporterId, privateFeeds.showId],
      set: { sharedFlaggedAt: opts.now, sharedListenerCount: listeners, updatedAt: opts.now },
      setWhere: or(isNull(privateFeeds.sharedFlaggedAt), lt(privateFeeds.sharedFlaggedAt, since)),
    })
    .returning({ id: privateFeeds.id });
  if (!flag) return { flagged: false, listeners };

  const [show] = await opts.db
    .select({ title: shows.title })
    .from(shows)
    .where(and(eq(shows.id, opts.showId), eq(shows.workspaceId, opts.workspaceId)));
  await notifyWorkspace({
    db: opts.db,
    workspaceId: opts.workspaceId,
    kind: "audience.private_feed_shared",
    title: "A private feed may be shared",
    body: `One member's private feed for ${show?.title ?? "a show"} was fetched by ${listeners} different apps or places in 24 hours. It may have been shared. You can ask them to rotate it from their account page.`,
    link: `/w/${opts.workspaceId}/audience/${opts.supporterId}`,
    // The flag above already limits this to once per window; the key makes a retried fetch notify nothing new.
    dedupeKey: `private-feed-shared:${opts.supporterId}:${opts.showId}:${opts.now.toISOString()}`,
    email: false,
    appUrl: opts.appUrl,
  });
  return { flagged: true, listeners };
}
