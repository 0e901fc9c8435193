import { eq } from "drizzle-orm";
import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { workspaces } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import type { Viewer } from "./gate";
import { publicTiersQuery } from "./tiers";
import { toViewer, viewerQuery } from "./viewer";

/**
 * The creator's public home (`/c/:workspaceId`): name, joinable tiers and who is looking, in one batch (ADR 016).
 * Other domains add their own sections (latest posts, upcoming events) with their own queries.
 */
export async function getCreatorHome(opts: { db: DbOrTx; workspaceId: string; auth: { user: { id: string } } | null }) {
  const [workspace, tierRows, viewerRows] = await readBatch(opts.db, [
    opts.db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, opts.workspaceId)).limit(1),
    publicTiersQuery({ db: opts.db, workspaceId: opts.workspaceId }),
    viewerQuery({ db: opts.db, workspaceId: opts.workspaceId, userId: opts.auth?.user.id ?? null }),
  ]);
  if (!workspace[0]) throw new AppError("NOT_FOUND", "Creator not found.");
  const viewer: Viewer = toViewer({ rows: viewerRows, auth: opts.auth });
  return {
    workspaceId: opts.workspaceId,
    name: workspace[0].name,
    tiers: tierRows,
    viewer: viewer.kind === "supporter" ? { kind: viewer.kind, status: viewer.status } : { kind: viewer.kind },
  };
}
