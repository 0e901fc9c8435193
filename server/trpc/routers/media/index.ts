import { router } from "../../init";
import { abortUploadProcedure } from "./abort-upload";
import { completeUploadProcedure } from "./complete-upload";
import { createUploadProcedure } from "./create-upload";
import { deleteMediaProcedure } from "./delete-media";
import { getStorageUsageProcedure } from "./get-storage-usage";
import { getUploadProcedure } from "./get-upload";
import { listMediaProcedure } from "./list-media";

export const mediaRouter = router({
  createUpload: createUploadProcedure,
  getUpload: getUploadProcedure,
  completeUpload: completeUploadProcedure,
  abortUpload: abortUploadProcedure,
  list: listMediaProcedure,
  delete: deleteMediaProcedure,
  getStorageUsage: getStorageUsageProcedure,
});
