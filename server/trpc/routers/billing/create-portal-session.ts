import * as z from "zod";
import { createPortalSession } from "../../../services/billing/checkout";
import { workspaceProcedure } from "../../init";
import { EXPENSIVE_CALL } from "../../batch-cost";

export const ZCreatePortalSessionOutput = z.object({ url: z.url() });

/** Input is the workspace only (from workspaceProcedure). */
export const createPortalSessionProcedure = workspaceProcedure("billing.manage")
  .meta({ cost: EXPENSIVE_CALL })
  .output(ZCreatePortalSessionOutput)
  .mutation(({ ctx }) =>
    createPortalSession({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      env: ctx.env,
      appUrl: ctx.config.appUrl,
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
