import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { isProcedureError, loginUrl } from "../lib/errors.server";
import { text } from "../lib/forms";
import { safeRedirect } from "../lib/redirect";

/**
 * Every comment form posts here (app/components/comments.tsx), so the pages that show a thread need no action of
 * their own. It answers with a redirect back to the page: `?c=<id>` makes the browser fetch the page again rather
 * than reuse its cached copy, and a refusal comes back as `commentError` for the section to show.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const back = safeRedirect(text(form, "back"), "/");
  if (!context.auth) throw redirect(loginUrl(new Request(new URL(back, request.url))));
  const workspaceId = text(form, "workspaceId");
  const commentId = text(form, "commentId");
  const intent = text(form, "intent");
  const comments = context.api.comments;
  const returnTo = (id: string, extra = "") => redirect(`${back}?c=${id}${extra}#comment-${id}`);
  try {
    switch (intent) {
      case "create": {
        const targetKind = text(form, "targetKind") === "post" ? "post" : "episode";
        const parentId = text(form, "parentId") || undefined;
        const created = await comments.create({
          workspaceId,
          targetKind,
          targetId: text(form, "targetId"),
          parentId,
          body: text(form, "body"),
        });
        return returnTo(created.id);
      }
      case "edit":
        await comments.edit({ workspaceId, commentId, body: text(form, "body") });
        return returnTo(commentId);
      case "delete":
        await comments.delete({ workspaceId, commentId });
        return returnTo(commentId);
      case "report": {
        const reason = text(form, "reason");
        const reported = await comments.report({
          workspaceId,
          commentId,
          reason: reason === "abuse" || reason === "off_topic" || reason === "other" ? reason : "spam",
          note: text(form, "note"),
        });
        return returnTo(commentId, reported.alreadyReported ? "&reported=again" : "&reported=1");
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    if (!isProcedureError(error)) throw error;
    return redirect(`${back}?commentError=${encodeURIComponent(error.message)}#comments`);
  }
}
