import * as z from "zod";
import { rowId } from "../../../lib/text";
import { setSandboxBehaviour } from "../../../services/social/sandbox-feed";
import { workspaceProcedure } from "../../init";
import { ZSandboxBehaviour } from "./list-feed";

export const ZSetBehaviourInput = z.object({
  accountId: rowId("Unknown account."),
  failNext: ZSandboxBehaviour.shape.failNext.nullable(),
  times: ZSandboxBehaviour.shape.times,
  message: ZSandboxBehaviour.shape.message,
  processingSeconds: ZSandboxBehaviour.shape.processingSeconds,
  publishingLimit: ZSandboxBehaviour.shape.publishingLimit,
});
export const ZSetBehaviourOutput = z.object({ behaviour: ZSandboxBehaviour });

/** Test control: the failures the sandbox account injects into its next publishing calls. */
export const setBehaviourProcedure = workspaceProcedure("social.accounts.manage")
  .input(ZSetBehaviourInput)
  .output(ZSetBehaviourOutput)
  .mutation(({ ctx, input }) =>
    setSandboxBehaviour({
      db: ctx.db,
      workspaceId: ctx.access.workspaceId,
      accountId: input.accountId,
      behaviour: {
        failNext: input.failNext ?? undefined,
        times: input.times,
        message: input.message,
        processingSeconds: input.processingSeconds,
        publishingLimit: input.publishingLimit,
      },
      actorUserId: ctx.auth.user.id,
      meta: ctx.meta,
      now: ctx.clock(),
    }),
  );
