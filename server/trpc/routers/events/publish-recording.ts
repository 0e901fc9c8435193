import * as z from "zod";
import { rowId, text } from "../../../lib/text";
import { publishEventRecording } from "../../../services/events/recordings";
import { ZEpisodeDescription, ZEpisodeTitle } from "../../../services/podcasts/validation";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { isWebUrl, ZEventId, ZEventRecording } from "./schemas";

const ZRecordingTitle = text("title", { min: 1, max: 200, empty: "Name the recording." });

export const ZPublishRecordingInput = z.object({
  eventId: ZEventId,
  recording: z.discriminatedUnion(
    "kind",
    [
      z.object({
        kind: z.literal("episode"),
        showId: rowId("Choose a show from the list."),
        audioMediaId: rowId("Choose an audio file from the media library."),
        title: ZEpisodeTitle,
        description: ZEpisodeDescription.default(""),
        publish: z.boolean().default(false),
      }),
      z.object({
        kind: z.literal("post"),
        url: text("recording link", { min: 1, max: 2000, empty: "Paste the recording's link." }).refine(
          isWebUrl,
          "Enter the recording's link as a web address.",
        ),
        title: ZRecordingTitle,
        note: text("note", { max: 5000 }).default(""),
        publish: z.boolean().default(false),
      }),
    ],
    { error: "Choose an episode from audio or a post with a link." },
  ),
  /** Make another recording although the event has one (otherwise the existing one is returned). */
  another: z.boolean().default(false),
});
export const ZPublishRecordingOutput = z.object({ created: z.boolean(), recording: ZEventRecording });

/**
 * After the event: its recording as an episode or a post for its ticket holders (ADR 034). Idempotent: while the
 * event has a recording, the call returns it unless `another` is set.
 */
export const publishRecordingProcedure = workspaceProcedure("events.manage")
  .input(ZPublishRecordingInput)
  .output(ZPublishRecordingOutput)
  .mutation(({ ctx, input }) =>
    publishEventRecording({
      ...actorOf(ctx),
      eventId: input.eventId,
      recording: input.recording,
      another: input.another,
    }),
  );
