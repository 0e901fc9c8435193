import { router } from "../../init";
import { exportAudienceProcedure } from "./export-audience";
import { exportDownloadsProcedure } from "./export-downloads";
import { getDownloadsProcedure } from "./get-downloads";
import { getMethodologyProcedure } from "./get-methodology";

export const analyticsRouter = router({
  getDownloads: getDownloadsProcedure,
  exportDownloads: exportDownloadsProcedure,
  exportAudience: exportAudienceProcedure,
  getMethodology: getMethodologyProcedure,
});
