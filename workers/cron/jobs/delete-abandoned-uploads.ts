import { deleteAbandonedUploads } from "../../../server/services/media/cleanup";
import { defineCron } from "../define-cron";

export const deleteAbandonedUploadsCron = defineCron({
  id: "delete-abandoned-uploads",
  schedule: "17 * * * *",
  run: async (ctx) => ({ deleted: await deleteAbandonedUploads({ db: ctx.db, bucket: ctx.env.MEDIA, now: ctx.now }) }),
});
