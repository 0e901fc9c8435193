import * as z from "zod";
import { SOCIAL_ACCOUNT_STATUSES, SOCIAL_PROVIDERS } from "../../../../db/schema";
import { listAccountChoices } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";

export const ZListAccountChoicesOutput = z.array(
  z.object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string().nullable(),
    provider: z.enum(SOCIAL_PROVIDERS),
    status: z.enum(SOCIAL_ACCOUNT_STATUSES),
  }),
);

/** Accounts a post can be scheduled for (connected or needing a reconnect), for the composer. */
export const listAccountChoicesProcedure = workspaceProcedure("content.read")
  .output(ZListAccountChoicesOutput)
  .query(({ ctx }) => listAccountChoices({ db: ctx.db, workspaceId: ctx.access.workspaceId }));
