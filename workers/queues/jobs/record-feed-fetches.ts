import { ingestFeedFetches } from "../../../server/services/analytics/ingest";
import { RECORD_FEED_FETCHES_JOB, ZRecordFeedFetchesPayload } from "../../../server/services/analytics/recording";
import { defineJob } from "../define-job";

/** Stores a batch of public feed fetches gathered at the edge (subscriber estimate); a redelivery inserts nothing twice. */
export const recordFeedFetchesJob = defineJob({
  id: RECORD_FEED_FETCHES_JOB,
  payload: ZRecordFeedFetchesPayload,
  async handle({ requests }, ctx) {
    await ingestFeedFetches({ db: ctx.db, fetches: requests });
  },
});
