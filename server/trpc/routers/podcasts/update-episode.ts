import * as z from "zod";
import { rowId } from "../../../lib/text";
import { updateEpisode } from "../../../services/podcasts/episodes";
import {
  ZDurationSeconds,
  ZEpisodeDescription,
  ZEpisodeNumber,
  ZEpisodeStatus,
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
import { purgePublicShow } from "../../../lib/edge-cache";

/** Only the fields given change. `status` moves the episode: scheduled needs `publishAt` in the future. */
export const ZUpdateEpisodeInput = z.object({
  episodeId: rowId("Unknown episode."),
  title: ZEpisodeTitle.optional(),
  description: ZEpisodeDescription.optional(),
  episodeNumber: ZEpisodeNumber.nullable().optional(),
  seasonNumber: ZSeasonNumber.nullable().optional(),
  audioMediaId: rowId("Choose an audio file from the list.").nullable().optional(),
  durationSeconds: ZDurationSeconds.nullable().optional(),
  episodeType: ZEpisodeType.optional(),
  visibility: ZEpisodeVisibility.optional(),
  visibilityTierIds: ZVisibilityTierIds.optional(),
  visibilityEventId: ZVisibilityEventId.optional(),
  teaser: ZEpisodeTeaser.optional(),
  status: ZEpisodeStatus.optional(),
  publishAt: z.date({ error: "Enter a date and time." }).nullable().optional(),
});
export const ZUpdateEpisodeOutput = ZEpisode;

export const updateEpisodeProcedure = workspaceProcedure("content.write")
  .input(ZUpdateEpisodeInput)
  .output(ZUpdateEpisodeOutput)
  .mutation(async ({ ctx, input: { workspaceId: _workspaceId, episodeId, ...changes } }) => {
    const result = await updateEpisode({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      episodeId,
      changes,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    // The public feed and pages change with this write; drop this colo's cached copies (ADR 017).
    await purgePublicShow({ appUrl: ctx.config.appUrl, showId: result.showId, episodeIds: [result.id] });
    return result;
  });
