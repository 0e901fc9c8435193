import * as z from "zod";
import { getStorageUsage } from "../../../services/media/library";
import { workspaceProcedure } from "../../init";

const ZKindUsage = z.object({ files: z.number().int(), bytes: z.number().int() });

export const ZGetStorageUsageOutput = z.object({
  usedBytes: z.number().int(),
  fileCount: z.number().int(),
  byKind: z.object({ audio: ZKindUsage, video: ZKindUsage, image: ZKindUsage }),
});

export const getStorageUsageProcedure = workspaceProcedure("content.read")
  .output(ZGetStorageUsageOutput)
  .query(({ ctx }) => getStorageUsage({ db: ctx.db, workspaceId: ctx.access.workspaceId }));
