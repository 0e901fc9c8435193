import * as z from "zod";
import { getPost } from "../../../services/social/posts";
import { workspaceProcedure } from "../../init";
import { ZPostDetail, ZPostId } from "./schemas";

export const ZGetPostInput = z.object({ postId: ZPostId });
export const ZGetPostOutput = ZPostDetail;

export const getPostProcedure = workspaceProcedure("content.read")
  .input(ZGetPostInput)
  .output(ZGetPostOutput)
  .query(({ ctx, input }) => getPost({ db: ctx.db, workspaceId: ctx.access.workspaceId, postId: input.postId }));
