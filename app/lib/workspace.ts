import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "../routes/w.$workspaceId";

const LAYOUT_ID = "routes/w.$workspaceId";

/** The workspace layout's data (user, their workspaces, the current one with their role) for child routes. */
export function useWorkspaceLayout() {
  const data = useRouteLoaderData<typeof loader>(LAYOUT_ID);
  if (!data) throw new Error("useWorkspaceLayout is only available under /w/:workspaceId");
  return data;
}

/** The current workspace's name, for child routes' `meta`. */
export function workspaceNameFrom(matches: ReadonlyArray<{ id: string; data?: unknown }>) {
  const layout = matches.find((match) => match.id === LAYOUT_ID);
  return (layout?.data as { workspace?: { name: string } } | undefined)?.workspace?.name;
}
