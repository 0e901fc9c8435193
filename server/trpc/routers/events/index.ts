import { router } from "../../init";
import { acceptOfferProcedure } from "./accept-offer";
import { cancelEventProcedure } from "./cancel-event";
import { cancelMyOrderProcedure } from "./cancel-my-order";
import { createEventProcedure } from "./create-event";
import { createPromoCodeProcedure } from "./create-promo-code";
import { createTicketTypeProcedure } from "./create-ticket-type";
import { declineOfferProcedure } from "./decline-offer";
import { deletePromoCodeProcedure } from "./delete-promo-code";
import { getCancellationProcedure } from "./get-cancellation";
import { getEventProcedure } from "./get-event";
import { getOfferProcedure } from "./get-offer";
import { listEventsProcedure } from "./list-events";
import { publishEventProcedure } from "./publish-event";
import { refundOrderProcedure } from "./refund-order";
import { setRefundPolicyProcedure } from "./set-refund-policy";
import { setTicketTypeArchivedProcedure } from "./set-ticket-type-archived";
import { transferTicketProcedure } from "./transfer-ticket";
import { updateEventProcedure } from "./update-event";
import { updateTicketTypeProcedure } from "./update-ticket-type";

/** One procedure per file; add yours on its own line (kept alphabetical by file to ease merges). */
export const eventsRouter = router({
  create: createEventProcedure,
  createPromoCode: createPromoCodeProcedure,
  createTicketType: createTicketTypeProcedure,
  deletePromoCode: deletePromoCodeProcedure,
  get: getEventProcedure,
  list: listEventsProcedure,
  publish: publishEventProcedure,
  setTicketTypeArchived: setTicketTypeArchivedProcedure,
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
});
