import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { safeRedirect } from "../lib/redirect";

/**
 * The Retry button of the transcription status panel without JavaScript: retries the job, then returns to the
 * page the button was on. (With JavaScript the panel calls the procedure itself.)
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  try {
    await context.api.transcripts.retryJob({ workspaceId, jobId: params.jobId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
  throw redirect(safeRedirect(form.get("redirectTo"), `/w/${workspaceId}`));
}
