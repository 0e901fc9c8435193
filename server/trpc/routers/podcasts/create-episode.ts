import * as z from "zod";
import { rowId } from "../../../lib/text";
import { createEpisode } from "../../../services/podcasts/episodes";
import {
  ZDurationSeconds,
  ZEpisodeDescription,
  ZEpisodeNumber,
  ZEpisodeTitle,
  ZEpisodeTeaser,
  ZEpisodeType,
  ZEpisodeVisibility,
  ZVisibilityEventId,
  ZVisibilityTierIds,
  ZSeasonNumber,
} from "../../../services/podcasts/validation";
import { workspaceProcedure } from "../../init";
import { ZEpisode } from "./schemas";

export const ZCreateEpisodeInput = z.object({
  showId: rowId("Unknown show."),
  title: ZEpisodeTitle,
  description: ZEpisodeDescription.default(""),
  episodeNumber: ZEpisodeNumber.nullable().default(null),
  seasonNumber: ZSeasonNumber.nullable().default(null),
  audioMediaId: rowId("Choose an audio file from the list.").nullable().default(null),
  /** Null: the audio's own duration, read from the file. */
  durationSeconds: ZDurationSeconds.nullable().default(null),
  episodeType: ZEpisodeType.default("full"),
  visibility: ZEpisodeVisibility.default("public"),
  visibilityTierIds: ZVisibilityTierIds.default([]),
  visibilityEventId: ZVisibilityEventId.default(null),
  teaser: ZEpisodeTeaser.default(""),
});
export const ZCreateEpisodeOutput = ZEpisode;

export const createEpisodeProcedure = workspaceProcedure("content.write")
  .input(ZCreateEpisodeInput)
  .output(ZCreateEpisodeOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, showId, ...fields } }) =>
    createEpisode({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      showId,
      fields,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
