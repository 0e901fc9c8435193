import { sql } from "drizzle-orm";
import type { SupporterStatus } from "../../../db/schema";
import type { Viewer } from "../audience/gate";
import { parseViewerGrants } from "../audience/viewer";

/**
 * The newsletter reads many supporters at once, so it cannot use audience/viewer.ts's one-person `viewerQuery`; this
 * is the same grants JSON as a column of a `supporters` select, turned into the same `Viewer` the gate reads.
 */
export const supporterGrantsJson = sql<Parameters<typeof parseViewerGrants>[0] | string>`coalesce((
  select json_agg(json_build_object(
    'id', g.id, 'kind', g.kind, 'status', g.status, 'startsAt', g.starts_at, 'endsAt', g.ends_at,
    'tierId', g.tier_id, 'tierIsPaid', coalesce(t.kind = 'paid', false)))
  from grants g left join tiers t on t.id = g.tier_id and t.workspace_id = g.workspace_id
  where g.supporter_id = supporters.id and g.workspace_id = supporters.workspace_id
), '[]'::json)`;

export function supporterViewer(row: {
  status: SupporterStatus;
  grants: Parameters<typeof parseViewerGrants>[0] | string;
}): Viewer {
  const raw =
    typeof row.grants === "string" ? (JSON.parse(row.grants) as Parameters<typeof parseViewerGrants>[0]) : row.grants;
  // Someone who left the audience is no longer a supporter here: they read like any signed-in person.
  if (row.status === "left") return { kind: "signed_in" };
  return { kind: "supporter", status: row.status, grants: parseViewerGrants(raw) };
}
