import { router } from "../../init";
import { createAdvertiserProcedure } from "./create-advertiser";
import { createCampaignProcedure } from "./create-campaign";
import { createCreativeProcedure } from "./create-creative";
import { createFlightProcedure } from "./create-flight";
import { createInvoiceProcedure } from "./create-invoice";
import { createShareLinkProcedure } from "./create-share-link";
import { decideApprovalProcedure } from "./decide-approval";
import { deleteAdvertiserProcedure } from "./delete-advertiser";
import { deleteCampaignProcedure } from "./delete-campaign";
import { deleteCreativeProcedure } from "./delete-creative";
import { deleteFlightProcedure } from "./delete-flight";
import { getAdvertiserProcedure } from "./get-advertiser";
import { getCalendarProcedure } from "./get-calendar";
import { getCampaignProcedure } from "./get-campaign";
import { getInvoiceProcedure } from "./get-invoice";
import { getReportProcedure } from "./get-report";
import { listAdvertisersProcedure } from "./list-advertisers";
import { listCampaignsProcedure } from "./list-campaigns";
import { listEpisodeChoicesProcedure } from "./list-episode-choices";
import { openApprovalLinkProcedure } from "./open-approval-link";
import { openReportLinkProcedure } from "./open-report-link";
import { recheckHostReadsProcedure } from "./recheck-host-reads";
import { revokeShareLinkProcedure } from "./revoke-share-link";
import { setInvoiceStatusProcedure } from "./set-invoice-status";
import { updateAdvertiserProcedure } from "./update-advertiser";
import { updateCampaignProcedure } from "./update-campaign";
import { updateCreativeProcedure } from "./update-creative";
import { updateFlightProcedure } from "./update-flight";

export const campaignsRouter = router({
  listAdvertisers: listAdvertisersProcedure,
  getAdvertiser: getAdvertiserProcedure,
  createAdvertiser: createAdvertiserProcedure,
  updateAdvertiser: updateAdvertiserProcedure,
  deleteAdvertiser: deleteAdvertiserProcedure,
  listCampaigns: listCampaignsProcedure,
  getCampaign: getCampaignProcedure,
  createCampaign: createCampaignProcedure,
  updateCampaign: updateCampaignProcedure,
  deleteCampaign: deleteCampaignProcedure,
  createFlight: createFlightProcedure,
  updateFlight: updateFlightProcedure,
  deleteFlight: deleteFlightProcedure,
  listEpisodeChoices: listEpisodeChoicesProcedure,
  recheckHostReads: recheckHostReadsProcedure,
  createCreative: createCreativeProcedure,
  updateCreative: updateCreativeProcedure,
  deleteCreative: deleteCreativeProcedure,
  createShareLink: createShareLinkProcedure,
  revokeShareLink: revokeShareLinkProcedure,
  getCalendar: getCalendarProcedure,
  getReport: getReportProcedure,
  createInvoice: createInvoiceProcedure,
  setInvoiceStatus: setInvoiceStatusProcedure,
  getInvoice: getInvoiceProcedure,
  openApprovalLink: openApprovalLinkProcedure,
  decideApproval: decideApprovalProcedure,
  openReportLink: openReportLinkProcedure,
});
