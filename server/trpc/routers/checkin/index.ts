import { router } from "../../init";
import { getCountsProcedure } from "./get-counts";
import { getOfflineListProcedure } from "./get-offline-list";
import { getTicketPassProcedure } from "./get-ticket-pass";
import { searchTicketsProcedure } from "./search-tickets";
import { syncScansProcedure } from "./sync-scans";
import { undoCheckInProcedure } from "./undo-check-in";

export const checkinRouter = router({
  getOfflineList: getOfflineListProcedure,
  syncScans: syncScansProcedure,
  undo: undoCheckInProcedure,
  searchTickets: searchTicketsProcedure,
  getCounts: getCountsProcedure,
  getTicketPass: getTicketPassProcedure,
});
