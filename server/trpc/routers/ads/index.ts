import { router } from "../../init";
import { bookSlotProcedure } from "./book-slot";
import { createSlotProcedure } from "./create-slot";
import { deleteSlotProcedure } from "./delete-slot";
import { listSlotsProcedure } from "./list-slots";
import { unbookSlotProcedure } from "./unbook-slot";
import { updateSlotProcedure } from "./update-slot";

export const adsRouter = router({
  listSlots: listSlotsProcedure,
  createSlot: createSlotProcedure,
  updateSlot: updateSlotProcedure,
  deleteSlot: deleteSlotProcedure,
  bookSlot: bookSlotProcedure,
  unbookSlot: unbookSlotProcedure,
});
