import * as z from "zod";
import { TIER_KINDS } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { getEpisode } from "../../../services/podcasts/episodes";
import { configuredTranscriptionProviders, transcriptionSetup } from "../../../services/transcription/provider-config";
import { workspaceProcedure } from "../../init";
import { ZGetJobForMediaOutput } from "../transcripts/get-job-for-media";
import { ZEpisode, ZEpisodeAudio } from "./schemas";

export const ZGetEpisodeInput = z.object({ episodeId: rowId("Unknown episode.") });
export const ZGetEpisodeOutput = ZEpisode.extend({
  showTitle: z.string(),
  audio: ZEpisodeAudio.nullable(),
  publicUrl: z.string().nullable(),
  /** The audio's transcription state (as `transcripts.getJobForMedia` gives it), read with the episode; null without audio. */
  transcription: ZGetJobForMediaOutput.nullable(),
  /** The workspace's tiers, for the "who may listen" picker. */
  tiers: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(TIER_KINDS) })),
});

export const getEpisodeProcedure = workspaceProcedure("content.read")
  .input(ZGetEpisodeInput)
  .output(ZGetEpisodeOutput)
  .query(async ({ ctx, input }) => {
    const episode = await getEpisode({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      episodeId: input.episodeId,
      appUrl: ctx.config.appUrl,
    });
    const providersConfigured = configuredTranscriptionProviders(ctx.env).length > 0;
    const localEngine = transcriptionSetup(ctx.env) === "local";
    return {
      ...episode,
      transcription: episode.transcription && { ...episode.transcription, providersConfigured, localEngine },
    };
  });
