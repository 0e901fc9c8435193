import { router } from "../../init";
import { createCheckoutSessionProcedure } from "./create-checkout-session";
import { createPortalSessionProcedure } from "./create-portal-session";
import { getOverviewProcedure } from "./get-overview";
import { getUsageProcedure } from "./get-usage";
import { listEventsProcedure } from "./list-events";
import { listInvoicesProcedure } from "./list-invoices";

export const billingRouter = router({
  getOverview: getOverviewProcedure,
  getUsage: getUsageProcedure,
  listEvents: listEventsProcedure,
  createCheckoutSession: createCheckoutSessionProcedure,
  createPortalSession: createPortalSessionProcedure,
  listInvoices: listInvoicesProcedure,
});
