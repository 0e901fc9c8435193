import { router } from "../../init";
import { getJobForMediaProcedure } from "./get-job-for-media";
import { getTranscriptProcedure } from "./get-transcript";
import { retryJobProcedure } from "./retry-job";
import { setLanguageProcedure } from "./set-language";
import { setPublicationProcedure } from "./set-publication";
import { setShowAutoPublishProcedure } from "./set-show-auto-publish";
import { summarizeProcedure } from "./summarize";
import { updateSegmentProcedure } from "./update-segment";

export const transcriptsRouter = router({
  getJobForMedia: getJobForMediaProcedure,
  get: getTranscriptProcedure,
  updateSegment: updateSegmentProcedure,
  setLanguage: setLanguageProcedure,
  retryJob: retryJobProcedure,
  summarize: summarizeProcedure,
  setPublication: setPublicationProcedure,
  setShowAutoPublish: setShowAutoPublishProcedure,
});
