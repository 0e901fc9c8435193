import { router } from "../../init";
import { getOverviewProcedure } from "./get-overview";
import { listEventsProcedure } from "./list-events";

export const billingRouter = router({
  getOverview: getOverviewProcedure,
  listEvents: listEventsProcedure,
});
