import { clearedSessionCookie, sessionCookie } from "../http/session-cookie";
import type { TrpcContext } from "./context";

export const startSession = (ctx: TrpcContext, token: string) =>
  ctx.responseHeaders.append("set-cookie", sessionCookie(ctx.config, token));

export const endSession = (ctx: TrpcContext) =>
  ctx.responseHeaders.append("set-cookie", clearedSessionCookie(ctx.config));
