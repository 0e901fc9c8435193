import { router } from "../../init";
import { createPostProcedure } from "./create-post";
import { deletePostProcedure } from "./delete-post";
import { getPostProcedure } from "./get-post";
import { getPublicPostProcedure } from "./get-public-post";
import { listEmbedChoicesProcedure } from "./list-embed-choices";
import { listPostsProcedure } from "./list-posts";
import { listPublicPostsProcedure } from "./list-public-posts";
import { searchPublicPostsProcedure } from "./search-public-posts";
import { describeUnsubscribeProcedure, unsubscribeProcedure } from "./unsubscribe";
import { updatePostProcedure } from "./update-post";

export const postsRouter = router({
  list: listPostsProcedure,
  get: getPostProcedure,
  create: createPostProcedure,
  update: updatePostProcedure,
  delete: deletePostProcedure,
  listEmbedChoices: listEmbedChoicesProcedure,
  getPublic: getPublicPostProcedure,
  listPublic: listPublicPostsProcedure,
  searchPublic: searchPublicPostsProcedure,
  describeUnsubscribe: describeUnsubscribeProcedure,
  unsubscribe: unsubscribeProcedure,
});
