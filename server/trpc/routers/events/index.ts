import { router } from "../../init";
import { createEventProcedure } from "./create-event";
import { createPromoCodeProcedure } from "./create-promo-code";
import { createTicketTypeProcedure } from "./create-ticket-type";
import { deletePromoCodeProcedure } from "./delete-promo-code";
import { getEventProcedure } from "./get-event";
import { listEventsProcedure } from "./list-events";
import { publishEventProcedure } from "./publish-event";
import { setTicketTypeArchivedProcedure } from "./set-ticket-type-archived";
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
});
