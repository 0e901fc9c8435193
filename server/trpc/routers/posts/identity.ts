import type { ViewerIdentity } from "../../../services/posts/viewer";
import type { TrpcContext } from "../../context";

/** Who is asking, for the gate: the session's user and the workspaces they are on the team of (no query). */
export function identityOf(ctx: Pick<TrpcContext, "auth">): ViewerIdentity {
  return {
    userId: ctx.auth?.user.id ?? null,
    teamWorkspaceIds: ctx.auth ? (ctx.auth.memberships?.map((membership) => membership.workspaceId) ?? null) : [],
  };
}
