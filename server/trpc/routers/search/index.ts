import { router } from "../../init";
import { searchWorkspaceProcedure } from "./search-workspace";

export const searchRouter = router({
  query: searchWorkspaceProcedure,
});
