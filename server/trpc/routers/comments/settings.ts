import * as z from "zod";
import { COMMENT_OPEN_TO } from "../../../../db/schema";
import { rowId } from "../../../lib/text";
import { getCommentSettings, updateCommentSettings } from "../../../services/comments/moderation";
import { workspaceProcedure } from "../../init";
import { ZTargetId, ZTargetKind } from "./schemas";

const ZSetting = z.object({ openTo: z.enum(COMMENT_OPEN_TO), tierIds: z.array(z.uuid()), overridden: z.boolean() });

export const ZGetSettingsInput = z.object({ targetKind: ZTargetKind.optional(), targetId: ZTargetId.optional() });
export const ZGetSettingsOutput = z.object({
  setting: ZSetting,
  tiers: z.array(z.object({ id: z.uuid(), name: z.string() })),
});

/** Who may comment: the workspace default, or (with a target) what applies to that target. */
export const getSettingsProcedure = workspaceProcedure("content.read")
  .input(ZGetSettingsInput)
  .output(ZGetSettingsOutput)
  .query(({ ctx, input }) =>
    getCommentSettings({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      target: input.targetId ? { kind: input.targetKind ?? "episode", id: input.targetId } : undefined,
    }),
  );

export const ZUpdateSettingsInput = z.object({
  targetKind: ZTargetKind.optional(),
  targetId: ZTargetId.optional(),
  /** `inherit` (targets only) drops the target's override. */
  openTo: z.enum([...COMMENT_OPEN_TO, "inherit"]),
  tierIds: z.array(rowId("Unknown tier.")).max(50).default([]),
});

export const updateSettingsProcedure = workspaceProcedure("content.write")
  .input(ZUpdateSettingsInput)
  .output(ZSetting)
  .mutation(({ ctx, input }) =>
    updateCommentSettings({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      target: input.targetId ? { kind: input.targetKind ?? "episode", id: input.targetId } : undefined,
      openTo: input.openTo,
      tierIds: input.tierIds,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
