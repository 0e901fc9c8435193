import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { privateFeeds, shows, supporters, type SupporterStatus } from "../../../db/schema";
import { decideAccess, gatedOf, isGrantActive, type GatedRow, type Viewer } from "../audience/gate";
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

/** The feed owner's supporter row (only in the show's workspace) with its grants, and the feed generation. */
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
];

/** Why a private feed address is refused; each has words a podcast app shows (./feed.ts). */
export type PrivateFeedRefusal = "unknown" | "replaced" | "ended" | "blocked";

export type PrivateFeedAccess =
  | {
      ok: true;
      supporter: { id: string; workspaceId: string; userId: string };
      viewer: Extract<Viewer, { kind: "supporter" }>;
    }
  | { ok: false; refusal: PrivateFeedRefusal; workspaceId: string | null };

/**
 * A feed is live while its supporter is not blocked and holds at least one active tier or content grant in the
 * workspace: the moment the last one is cancelled, refunded, disputed, revoked or runs past its end, the next
 * request is refused (nothing caches a private feed, ADR 028). Which episodes it lists is the gate's decision.
 */
export async function decidePrivateFeed(opts: {
  key: CryptoKey;
  parsed: ParsedToken;
  rows: PrivateFeedRows;
  now: Date;
}): Promise<PrivateFeedAccess> {
  const [[supporter], [feed]] = opts.rows;
  if (!supporter) return { ok: false, refusal: "unknown", workspaceId: null };
  const token = await checkPrivateFeedToken({ key: opts.key, parsed: opts.parsed, generation: feed?.generation ?? 0 });
  if (token === "forged") return { ok: false, refusal: "unknown", workspaceId: null };
  if (token === "retired") return { ok: false, refusal: "replaced", workspaceId: supporter.workspaceId };
  if (supporter.status === "blocked") return { ok: false, refusal: "blocked", workspaceId: supporter.workspaceId };
  const viewer = supporterViewer(supporter);
  // Left the audience (the viewer rule reads them as signed in): as good as ended, whatever grants remain.
  if (viewer.kind !== "supporter") return { ok: false, refusal: "ended", workspaceId: supporter.workspaceId };
  const live = viewer.grants.some((grant) => grant.kind !== "ticket" && isGrantActive(grant, opts.now));
  if (!live) return { ok: false, refusal: "ended", workspaceId: supporter.workspaceId };
  return {
    ok: true,
    supporter: { id: supporter.id, workspaceId: supporter.workspaceId, userId: supporter.userId },
    viewer,
  };
}

/** Whether the viewer may hear this episode now (the one gate, ADR 022). */
export function mayListen(episode: GatedRow, viewer: Viewer, now: Date) {
  return decideAccess(gatedOf(episode), viewer, now).allowed;
}
