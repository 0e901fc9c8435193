import { router } from "../../init";
import { listFeedProcedure } from "./list-feed";
import { setBehaviourProcedure } from "./set-behaviour";

export const socialSandboxRouter = router({
  listFeed: listFeedProcedure,
  setBehaviour: setBehaviourProcedure,
});
