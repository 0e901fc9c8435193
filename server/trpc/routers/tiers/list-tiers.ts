import * as z from "zod";
import { listTiersQuery } from "../../../services/audience/tiers";
import { workspaceProcedure } from "../../init";
import { ZTier } from "./schemas";

export const ZListTiersOutput = z.array(ZTier.extend({ activeMembers: z.number().int() }));

export const listTiersProcedure = workspaceProcedure("audience.read")
  .output(ZListTiersOutput)
  .query(async ({ ctx }) => {
    const rows = await listTiersQuery({ db: ctx.db, workspaceId: ctx.access.workspaceId, now: ctx.clock() });
    return rows.map(({ tier, activeMembers }) => ({ ...tier, activeMembers }));
  });
