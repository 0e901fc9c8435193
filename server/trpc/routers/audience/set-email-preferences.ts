import * as z from "zod";
import { setEmailPreferences } from "../../../services/audience/members";
import { supporterProcedure } from "../../init";

export const ZSetEmailPreferencesInput = z.object({ emailNewsletters: z.boolean(), emailNotifications: z.boolean() });
export const ZSetEmailPreferencesOutput = ZSetEmailPreferencesInput;

export const setEmailPreferencesProcedure = supporterProcedure
  .input(ZSetEmailPreferencesInput)
  .output(ZSetEmailPreferencesOutput)
  .mutation(({ ctx, input }) =>
    setEmailPreferences({
      db: ctx.db,
      workspaceId: input.workspaceId,
      supporterId: ctx.supporter.id,
      emailNewsletters: input.emailNewsletters,
      emailNotifications: input.emailNotifications,
      actor: { userId: ctx.auth.user.id, meta: ctx.meta },
      now: ctx.clock(),
    }),
  );
