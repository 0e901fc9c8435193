import type { Database } from "../../../../db/client";
import type { RequestMeta } from "../../../services/auth/sessions";

/** The service's actor from a workspace procedure's context (every events mutation writes an audit row with it). */
export function actorOf(ctx: {
  db: Database;
  access: { workspaceId: string };
  auth: { user: { id: string } };
  meta: RequestMeta;
  clock: () => Date;
  config: { appUrl: string };
}) {
  return {
    db: ctx.db,
    workspaceId: ctx.access.workspaceId,
    actorUserId: ctx.auth.user.id,
    meta: ctx.meta,
    now: ctx.clock(),
    appUrl: ctx.config.appUrl,
  };
}
