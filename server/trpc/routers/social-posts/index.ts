import { router } from "../../init";
import { cancelPostProcedure } from "./cancel-post";
import { createPostProcedure } from "./create-post";
import { getPostProcedure } from "./get-post";
import { listAccountChoicesProcedure } from "./list-account-choices";
import { listCalendarProcedure } from "./list-calendar";
import { listMediaChoicesProcedure } from "./list-media-choices";
import { listPostsProcedure } from "./list-posts";
import { reschedulePostProcedure } from "./reschedule-post";
import { updatePostProcedure } from "./update-post";

export const socialPostsRouter = router({
  createPost: createPostProcedure,
  updatePost: updatePostProcedure,
  reschedulePost: reschedulePostProcedure,
  cancelPost: cancelPostProcedure,
  getPost: getPostProcedure,
  listPosts: listPostsProcedure,
  listCalendar: listCalendarProcedure,
  listMediaChoices: listMediaChoicesProcedure,
  listAccountChoices: listAccountChoicesProcedure,
});
