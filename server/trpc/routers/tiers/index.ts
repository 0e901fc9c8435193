import { router } from "../../init";
import { createTierProcedure } from "./create-tier";
import { listTiersProcedure } from "./list-tiers";
import { moveTierProcedure } from "./move-tier";
import { setTierArchivedProcedure } from "./set-tier-archived";
import { updateTierProcedure } from "./update-tier";

export const tiersRouter = router({
  list: listTiersProcedure,
  create: createTierProcedure,
  update: updateTierProcedure,
  setArchived: setTierArchivedProcedure,
  move: moveTierProcedure,
});
