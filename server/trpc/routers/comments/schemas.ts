import * as z from "zod";
import { COMMENT_STATUSES, COMMENT_TARGET_KINDS } from "../../../../db/schema";
import { rowId, text } from "../../../lib/text";

/** Plain text; links are found when it is shown. */
export const ZCommentBody = text("comment", { min: 1, max: 5000 });
export const ZCommentId = rowId("Unknown comment.");
export const ZTargetKind = z.enum(COMMENT_TARGET_KINDS);
export const ZTargetId = rowId("Nothing to comment on here.");
export const ZCommentStatus = z.enum(COMMENT_STATUSES);
