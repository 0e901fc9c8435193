import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { requireUser } from "../lib/auth.server";

/** "Home" for a signed-in user: their first workspace, or creating one. A `?notice=` is passed along. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const [first] = await context.api.workspaces.list();
  const search = new URL(request.url).search;
  throw redirect(first ? `/w/${first.id}${search}` : `/workspaces/new${search}`);
}
