import { date, uuid } from "drizzle-orm/pg-core";
import { episodes, shows } from "./podcasts";
import { workspaces } from "./workspaces";

/*
 * Column sets that several domains' tables declare alike, spread into a table as `...workspaceColumn()` (the same
 * way as `visibilityColumns()`). Each call makes fresh column builders, because a builder belongs to one table. They
 * declare exactly the SQL the tables wrote out by hand before, so moving a table onto them generates no migration.
 */

/** The tenant a row belongs to (ADR 013); the row goes when its workspace is deleted. */
export function workspaceColumn() {
  return {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
  };
}

/**
 * The key every daily rollup starts with: the workspace and the UTC day counted (ADR 019). Downloads, listeners,
 * subscribers and ad deliveries are all recomputed a workspace-day at a time, so they share it.
 */
export function rollupDayColumns() {
  return {
    ...workspaceColumn(),
    day: date("day", { mode: "string" }).notNull(),
  };
}

/**
 * The show and episode a recorded request or a counted figure is about. Both are kept (the show is implied by the
 * episode) so show-level views read without a join; deleting either deletes the row.
 */
export function showEpisodeColumns() {
  return {
    showId: uuid("show_id")
      .notNull()
      .references(() => shows.id, { onDelete: "cascade" }),
    episodeId: uuid("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
  };
}
