import { router } from "../../init";
import { listForMemberPrivateFeedsProcedure } from "./list-for-member";
import { listMinePrivateFeedsProcedure } from "./list-mine";
import { rotatePrivateFeedProcedure } from "./rotate";

export const privateFeedsRouter = router({
  listMine: listMinePrivateFeedsProcedure,
  rotate: rotatePrivateFeedProcedure,
  listForMember: listForMemberPrivateFeedsProcedure,
});
