import * as z from "zod";
import { EPISODE_STATUSES } from "../../../../db/schema";
import { rowId, text } from "../../../lib/text";
import { EPISODE_CHOICES_LIMIT, listEpisodeChoices } from "../../../services/campaigns/episode-choices";
import { workspaceProcedure } from "../../init";

/** The flight form's episode picker: a search over the workspace's episodes plus the ones already ticked. */
export const ZListEpisodeChoicesInput = z.object({
  /** Null: every show of the workspace. */
  showId: rowId("Unknown show.").nullable().default(null),
  /** Part of the title, or the episode number; empty lists the newest. */
  query: text("episode search", { max: 200 }).default(""),
  selectedIds: z.array(rowId("Choose an episode from the list.")).max(500, "Choose at most 500 episodes.").default([]),
  limit: z.number().int().min(1).max(100).default(EPISODE_CHOICES_LIMIT),
});

const ZEpisodeChoice = z.object({
  id: z.uuid(),
  title: z.string(),
  showId: z.uuid(),
  showTitle: z.string(),
  episodeNumber: z.number().int().nullable(),
  seasonNumber: z.number().int().nullable(),
  status: z.enum(EPISODE_STATUSES),
  publishedAt: z.date().nullable(),
});

export const ZListEpisodeChoicesOutput = z.object({
  showId: z.uuid().nullable(),
  query: z.string(),
  matches: z.array(ZEpisodeChoice),
  /** How many episodes match in all; more than `matches` holds when the search should be narrowed. */
  total: z.number().int(),
  selected: z.array(ZEpisodeChoice),
});

export const listEpisodeChoicesProcedure = workspaceProcedure("campaigns.read")
  .input(ZListEpisodeChoicesInput)
  .output(ZListEpisodeChoicesOutput)
  .query(({ ctx, input }) =>
    listEpisodeChoices({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      showId: input.showId,
      query: input.query,
      selectedIds: input.selectedIds,
      limit: input.limit,
    }),
  );
