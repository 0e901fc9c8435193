import { and, eq, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { episodes, privateFeeds, shows, supporters, type SupporterStatus } from "../../../db/schema";
import { decideAccess, gatedOf, isGrantActive, type GatedRow, type Viewer, type ViewerGrant } from "../audience/gate";
import { supporterGrantsJson, supporterViewer, viewerQuery } from "../audience/viewer";
import { checkPrivateFeedToken, type ParsedToken } from "./tokens";

/**
 * Who is asking, for the show's workspace, read in the same round trip as the content (ADR 016) through audcore's
 * one viewer statement (server/services/audience/viewer.ts), keyed by the show id from the URL so it joins the batch
 * that reads the show.
 */

const showWorkspace = (showId: string) =>
  sql`(select ${shows.workspaceId} from ${shows} where ${shows.id} = ${showId})`;

/** A signed-in person's team role, supporter row and grants in the workspace of `showId`: one statement. */
export function viewerReadForShow(db: DbOrTx, showId: string, userId: string) {
  return viewerQuery({ db, workspaceId: showWorkspace(showId), userId });
}

/**
 * The gate's columns of every published gated episode of a show: a private feed is live while its supporter's
 * grants open at least one of them (`opensGatedEpisode`), the same test the portal lists feeds by.
 */
export function gatedEpisodesRead(db: DbOrTx, showId: string) {
  return db
    .select({
      showId: episodes.showId,
      visibility: episodes.visibility,
      visibilityTierIds: episodes.visibilityTierIds,
      visibilityEventId: episodes.visibilityEventId,
    })
    .from(episodes)
    .where(and(eq(episodes.showId, showId), eq(episodes.status, "published"), ne(episodes.visibility, "public")));
}

/**
 * The feed owner's supporter row (only in the show's workspace) with its grants, the feed generation, and the
 * show's published gated episodes.
 */
export function privateFeedReads(db: DbOrTx, parsed: Pick<ParsedToken, "supporterId" | "showId">) {
  return [
    db
      .select({
        id: supporters.id,
        workspaceId: supporters.workspaceId,
        userId: supporters.userId,
        status: supporters.status,
        grants: supporterGrantsJson,
      })
      .from(supporters)
      .innerJoin(shows, and(eq(shows.workspaceId, supporters.workspaceId), eq(shows.id, parsed.showId)))
      .where(eq(supporters.id, parsed.supporterId))
      .limit(1),
    db
      .select({ generation: privateFeeds.generation })
      .from(privateFeeds)
      .where(and(eq(privateFeeds.supporterId, parsed.supporterId), eq(privateFeeds.showId, parsed.showId)))
      .limit(1),
    gatedEpisodesRead(db, parsed.showId),
  ] as const;
}

type PrivateFeedRows = [
  {
    id: string;
    workspaceId: string;
    userId: string;
    status: SupporterStatus;
    grants: Parameters<typeof supporterViewer>[0]["grants"];
  }[],
  { generation: number }[],
  GatedRow[],
];

/**
 * Why a private feed address is refused; each has words a podcast app shows (./feed.ts). `ended`: no grant is
 * active any more; `paid_ended`: what is left (the free membership from joining) opens none of the show's gated
 * episodes and a paid grant has ended; `not_included`: the grants left open none of them for another reason (a
 * tier that does not include this show's episodes).
 */
export type PrivateFeedRefusal = "unknown" | "replaced" | "ended" | "paid_ended" | "not_included" | "blocked";

export type PrivateFeedAccess =
  | {
      ok: true;
      supporter: { id: string; workspaceId: string; userId: string };
      viewer: Extract<Viewer, { kind: "supporter" }>;
    }
  | { ok: false; refusal: PrivateFeedRefusal; workspaceId: string | null };

/**
 * A feed is live while its supporter is not blocked and their active grants open at least one of the show's
 * published gated episodes, asked of the one gate (`decideAccess`), so a kind of grant the gate learns (a ticket
 * opening an event's recording) opens a feed without a change here. The moment the last grant that opens one is
 * cancelled, refunded, disputed, revoked or runs past its end, the next request is refused, even when the free
 * membership from joining is still active (nothing caches a private feed, ADR 028). A show with no published gated
 * episode (all still drafts, or just made public) has nothing to open: the address stays live for a supporter the
 * gate would let into a members-only episode (an active tier grant), so a creator unpublishing their only members'
 * episode does not tell paying members that their membership ended. Which episodes the feed lists is the gate's
 * decision per episode.
 */
export async function decidePrivateFeed(opts: {
  key: CryptoKey;
  parsed: ParsedToken;
  rows: PrivateFeedRows;
  now: Date;
}): Promise<PrivateFeedAccess> {
  const [[supporter], [feed], gated] = opts.rows;
  if (!supporter) return { ok: false, refusal: "unknown", workspaceId: null };
  const token = await checkPrivateFeedToken({ key: opts.key, parsed: opts.parsed, generation: feed?.generation ?? 0 });
  if (token === "forged") return { ok: false, refusal: "unknown", workspaceId: null };
  const workspaceId = supporter.workspaceId;
  if (token === "retired") return { ok: false, refusal: "replaced", workspaceId };
  if (supporter.status === "blocked") return { ok: false, refusal: "blocked", workspaceId };
  const viewer = supporterViewer(supporter);
  // Left the audience (the viewer rule reads them as signed in): as good as ended, whatever grants remain.
  if (viewer.kind !== "supporter") return { ok: false, refusal: "ended", workspaceId };
  const live =
    gated.length > 0
      ? opensGatedEpisode(gated, viewer, opts.now)
      : decideAccess({ visibility: "members" }, viewer, opts.now).allowed;
  if (!live) return { ok: false, refusal: whyClosed(viewer.grants, opts.now), workspaceId };
  return {
    ok: true,
    supporter: { id: supporter.id, workspaceId, userId: supporter.userId },
    viewer,
  };
}

/** Which words a refused member reads: nothing active, a paid grant that ended, or a tier that does not include it. */
function whyClosed(grants: readonly ViewerGrant[], now: Date): PrivateFeedRefusal {
  const active = grants.filter((grant) => isGrantActive(grant, now));
  if (active.length === 0) return "ended";
  const paid = (grant: ViewerGrant) => grant.kind === "tier" && grant.tierIsPaid;
  return !active.some(paid) && grants.some(paid) ? "paid_ended" : "not_included";
}

/** Whether the viewer's grants open at least one of these gated episodes now: a feed is live, and listed, iff so. */
export function opensGatedEpisode(gated: readonly GatedRow[], viewer: Viewer, now: Date) {
  return gated.some((episode) => episode.visibility !== "public" && mayListen(episode, viewer, now));
}

/** Whether the viewer may hear this episode now (the one gate, ADR 022). */
export function mayListen(episode: GatedRow, viewer: Viewer, now: Date) {
  return decideAccess(gatedOf(episode), viewer, now).allowed;
}
