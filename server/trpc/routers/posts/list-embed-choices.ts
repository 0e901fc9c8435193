import * as z from "zod";
import { TIER_KINDS } from "../../../../db/schema";
import { listEmbedChoices } from "../../../services/posts/embeds";
import { workspaceProcedure } from "../../init";

export const ZListEmbedChoicesInput = z.object({ limit: z.number().int().min(1).max(100).default(100) });
export const ZListEmbedChoicesOutput = z.object({
  images: z.array(z.object({ id: z.uuid(), filename: z.string() })),
  audio: z.array(z.object({ id: z.uuid(), filename: z.string() })),
  episodes: z.array(z.object({ id: z.uuid(), title: z.string(), showTitle: z.string(), published: z.boolean() })),
  tiers: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(TIER_KINDS) })),
});

/** What the editor's picker offers: this workspace's ready images and audio, and its episodes. */
export const listEmbedChoicesProcedure = workspaceProcedure("content.read")
  .input(ZListEmbedChoicesInput)
  .output(ZListEmbedChoicesOutput)
  .query(({ ctx, input }) => listEmbedChoices({ db: ctx.db, workspaceId: ctx.access.workspaceId, limit: input.limit }));
