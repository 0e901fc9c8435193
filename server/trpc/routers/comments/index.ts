import { router } from "../../init";
import { blockAuthorProcedure } from "./block-author";
import { createCommentProcedure } from "./create-comment";
import { deleteCommentProcedure } from "./delete-comment";
import { editCommentProcedure } from "./edit-comment";
import { listForModerationProcedure } from "./list-for-moderation";
import { listMyCommentsProcedure } from "./list-mine";
import { listThreadProcedure } from "./list-thread";
import { moderatorDeleteProcedure } from "./moderator-delete";
import { reportCommentProcedure } from "./report-comment";
import { resolveReportProcedure } from "./resolve-report";
import { setHiddenProcedure } from "./set-hidden";
import { getSettingsProcedure, updateSettingsProcedure } from "./settings";

export const commentsRouter = router({
  listThread: listThreadProcedure,
  create: createCommentProcedure,
  edit: editCommentProcedure,
  delete: deleteCommentProcedure,
  report: reportCommentProcedure,
  listMine: listMyCommentsProcedure,
  listForModeration: listForModerationProcedure,
  setHidden: setHiddenProcedure,
  moderatorDelete: moderatorDeleteProcedure,
  blockAuthor: blockAuthorProcedure,
  resolveReport: resolveReportProcedure,
  getSettings: getSettingsProcedure,
  updateSettings: updateSettingsProcedure,
});
