import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Outlet, useLoaderData } from "@remix-run/react";
import { ErrorPage } from "../components/error-page";
import { AppShell } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { pageTitle } from "../lib/meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.workspace.name) }];

/**
 * The one query the shell needs: the user's workspaces with their roles. Membership of the current workspace
 * is read from the same list; a workspace not in it is a 404, whether it exists or not.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const workspaces = await context.api.workspaces.list();
  const workspace = workspaces.find((candidate) => candidate.id === params.workspaceId);
  if (!workspace) throw new Response("This workspace does not exist, or you are not a member of it.", { status: 404 });
  return { user, workspaces, workspace };
}

export default function WorkspaceLayout() {
  const { user, workspaces, workspace } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} workspaces={workspaces} current={workspace}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
