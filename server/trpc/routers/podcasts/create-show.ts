import * as z from "zod";
import { rowId } from "../../../lib/text";
import { createShow } from "../../../services/podcasts/shows";
import {
  ZAuthor,
  ZCategory,
  ZLanguageTag,
  ZOwnerEmail,
  ZShowDescription,
  ZShowTitle,
} from "../../../services/podcasts/validation";
import { workspaceProcedure } from "../../init";
import { ZShow } from "./schemas";

export const ZCreateShowInput = z.object({
  title: ZShowTitle,
  description: ZShowDescription.default(""),
  category: ZCategory,
  language: ZLanguageTag,
  author: ZAuthor.default(""),
  explicit: z.boolean().default(false),
  artworkMediaId: rowId("Choose an image from the list.").nullable().default(null),
  /** Null: the workspace owner's address, stored as the show's. */
  ownerEmail: ZOwnerEmail.nullable().default(null),
  locked: z.boolean().default(true),
});
export const ZCreateShowOutput = ZShow;

export const createShowProcedure = workspaceProcedure("content.write")
  .input(ZCreateShowInput)
  .output(ZCreateShowOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, ...fields } }) =>
    createShow({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      fields,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
