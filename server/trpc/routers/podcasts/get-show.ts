import * as z from "zod";
import { rowId } from "../../../lib/text";
import { getShow } from "../../../services/podcasts/shows";
import { workspaceProcedure } from "../../init";
import { ZShow } from "./schemas";

export const ZGetShowInput = z.object({ showId: rowId("Unknown show.") });
export const ZGetShowOutput = ZShow;

export const getShowProcedure = workspaceProcedure("content.read")
  .input(ZGetShowInput)
  .output(ZGetShowOutput)
  .query(({ ctx, input }) =>
    getShow({ db: ctx.db, workspaceId: ctx.access.workspaceId, showId: input.showId, appUrl: ctx.config.appUrl }),
  );
