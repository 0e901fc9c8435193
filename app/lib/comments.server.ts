import type { AppLoadContext } from "@remix-run/cloudflare";
import { isProcedureError } from "./errors.server";

/**
 * A target's comment thread for a page's loader, sent beside the page's own read so both take one wave. A thread
 * the reader may not see, or a stale page cursor, leaves the section out instead of failing the page.
 */
export async function loadThread(
  context: AppLoadContext,
  target: { targetKind: "episode" | "post"; targetId: string; workspaceId?: string },
  cursor: string | null,
) {
  try {
    return await context.api.comments.listThread({ ...target, cursor: cursor ?? undefined });
  } catch (error) {
    if (isProcedureError(error)) return null;
    throw error;
  }
}

export function loadEpisodeComments(context: AppLoadContext, episodeId: string, cursor: string | null) {
  return loadThread(context, { targetKind: "episode", targetId: episodeId }, cursor);
}
