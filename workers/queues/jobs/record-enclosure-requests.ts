import { ingestEnclosureRequests } from "../../../server/services/analytics/ingest";
import { RECORD_REQUESTS_JOB, ZRecordRequestsPayload } from "../../../server/services/analytics/recording";
import { defineJob } from "../define-job";

/** Stores a batch of enclosure requests gathered at the edge; a redelivery inserts nothing twice. */
export const recordEnclosureRequestsJob = defineJob({
  id: RECORD_REQUESTS_JOB,
  payload: ZRecordRequestsPayload,
  async handle({ requests }, ctx) {
    await ingestEnclosureRequests({ db: ctx.db, requests });
  },
});
