import * as z from "zod";
import { rowId } from "../../../lib/text";
import { updateShow } from "../../../services/podcasts/shows";
import {
  ZAuthor,
  ZCategory,
  ZLanguageTag,
  ZOwnerEmail,
  ZShowDescription,
  ZShowTitle,
} from "../../../services/podcasts/validation";
import { ZListenLinks } from "../../../services/podcasts/listen-links";
import { workspaceProcedure } from "../../init";
import { ZShow } from "./schemas";
import { purgePublicShow } from "../../../lib/edge-cache";

/** Only the fields given change; `artworkMediaId: null` removes the artwork. */
export const ZUpdateShowInput = z.object({
  showId: rowId("Unknown show."),
  title: ZShowTitle.optional(),
  description: ZShowDescription.optional(),
  category: ZCategory.optional(),
  language: ZLanguageTag.optional(),
  author: ZAuthor.optional(),
  explicit: z.boolean().optional(),
  artworkMediaId: rowId("Choose an image from the list.").nullable().optional(),
  /** Null: back to the workspace owner's address. */
  ownerEmail: ZOwnerEmail.nullable().optional(),
  locked: z.boolean().optional(),
  /** Replaces the show's "Listen on" links. */
  listenLinks: ZListenLinks.optional(),
});
export const ZUpdateShowOutput = ZShow;

export const updateShowProcedure = workspaceProcedure("content.write")
  .input(ZUpdateShowInput)
  .output(ZUpdateShowOutput)
  .mutation(async ({ ctx, input: { workspaceId: _workspaceId, showId, ...changes } }) => {
    const result = await updateShow({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      actorUserId: ctx.auth.user.id,
      showId,
      changes,
      appUrl: ctx.config.appUrl,
      meta: ctx.meta,
      now: ctx.clock(),
    });
    // The public feed and pages change with this write; drop this colo's cached copies (ADR 017).
    await purgePublicShow({ appUrl: ctx.config.appUrl, showId });
    return result;
  });
