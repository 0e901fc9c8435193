import { backfillCreativeEncodings } from "../../../server/services/ads/creative-audio";
import { defineCron } from "../define-cron";

export const backfillCreativeEncodingsCron = defineCron({
  id: "backfill-creative-encodings",
  schedule: "17 * * * *",
  run: (ctx) => backfillCreativeEncodings({ db: ctx.db, bucket: ctx.env.MEDIA }),
});
