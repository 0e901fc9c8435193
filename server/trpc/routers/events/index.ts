import { router } from "../../init";
import { acceptOfferProcedure } from "./accept-offer";
import { cancelEventProcedure } from "./cancel-event";
import { cancelMyOrderProcedure } from "./cancel-my-order";
import { createEventProcedure } from "./create-event";
import { createPromoCodeProcedure } from "./create-promo-code";
import { createTicketTypeProcedure } from "./create-ticket-type";
import { declineOfferProcedure } from "./decline-offer";
import { deletePromoCodeProcedure } from "./delete-promo-code";
import { exportAttendeesProcedure } from "./export-attendees";
import { getDashboardProcedure } from "./get-dashboard";
import { getEventProcedure } from "./get-event";
import { getPublicEventProcedure } from "./get-public-event";
import { joinWaitlistProcedure } from "./join-waitlist";
import { listAttendeesProcedure } from "./list-attendees";
import { getCancellationProcedure } from "./get-cancellation";
import { getOfferProcedure } from "./get-offer";
import { listEventsProcedure } from "./list-events";
import { listMyTicketsProcedure } from "./list-my-tickets";
import { listUpcomingEventsProcedure } from "./list-upcoming-events";
import { publishEventProcedure } from "./publish-event";
import { publishRecordingProcedure } from "./publish-recording";
import { reserveTicketsProcedure } from "./reserve-tickets";
import { setTicketTypeArchivedProcedure } from "./set-ticket-type-archived";
import { startCheckoutProcedure } from "./start-checkout";
import { refundOrderProcedure } from "./refund-order";
import { setRefundPolicyProcedure } from "./set-refund-policy";
import { transferTicketProcedure } from "./transfer-ticket";
import { updateEventProcedure } from "./update-event";
import { updateTicketTypeProcedure } from "./update-ticket-type";

/** One procedure per file; add yours on its own line (kept alphabetical by file to ease merges). */
export const eventsRouter = router({
  create: createEventProcedure,
  createPromoCode: createPromoCodeProcedure,
  createTicketType: createTicketTypeProcedure,
  deletePromoCode: deletePromoCodeProcedure,
  exportAttendees: exportAttendeesProcedure,
  getDashboard: getDashboardProcedure,
  get: getEventProcedure,
  getPublic: getPublicEventProcedure,
  joinWaitlist: joinWaitlistProcedure,
  listAttendees: listAttendeesProcedure,
  list: listEventsProcedure,
  listMyTickets: listMyTicketsProcedure,
  listUpcoming: listUpcomingEventsProcedure,
  publish: publishEventProcedure,
  reserve: reserveTicketsProcedure,
  setTicketTypeArchived: setTicketTypeArchivedProcedure,
  startCheckout: startCheckoutProcedure,
  update: updateEventProcedure,
  updateTicketType: updateTicketTypeProcedure,
  acceptOffer: acceptOfferProcedure,
  cancelEvent: cancelEventProcedure,
  cancelMyOrder: cancelMyOrderProcedure,
  declineOffer: declineOfferProcedure,
  getCancellation: getCancellationProcedure,
  getOffer: getOfferProcedure,
  refundOrder: refundOrderProcedure,
  setRefundPolicy: setRefundPolicyProcedure,
  transferTicket: transferTicketProcedure,
  publishRecording: publishRecordingProcedure,
});
