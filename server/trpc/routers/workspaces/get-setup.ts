import * as z from "zod";
import { describeSetup, SETUP_AREAS } from "../../../services/platform/setup";
import { workspaceProcedure } from "../../init";

export const ZGetSetupOutput = z.object({
  items: z.array(z.object({ area: z.enum(SETUP_AREAS), ready: z.boolean(), summary: z.string() })),
});

/** Owner-only: what this Greenroom installation has set up, in plain words. No database read. */
export const getSetupProcedure = workspaceProcedure("setup.read")
  .output(ZGetSetupOutput)
  .query(({ ctx }) => ({ items: describeSetup(ctx.env) }));
