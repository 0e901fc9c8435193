import { Hono } from "hono";
import type { Env } from "../env";
import { systemClock } from "../lib/clock";
import { resolveSocialMediaLink } from "../services/social/media-links";
import type { TrpcContext } from "../trpc/context";
import { notFoundResponse, serveR2Object } from "./r2-range";
import { isLinkToken } from "../lib/text";

type SocialMediaEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

/** Library files of scheduled posts, for Instagram to download while it processes a container (signed, expiring). */
export const socialMediaRoutes = new Hono<SocialMediaEnv>();

socialMediaRoutes.get("/api/social/media/:token", async (c) => {
  const token = c.req.param("token");
  if (!isLinkToken(token)) return notFoundResponse();
  const object = await resolveSocialMediaLink({
    db: c.var.trpc.db,
    secret: c.env.UPLOAD_SIGNING_SECRET,
    token,
    now: systemClock(),
  });
  if (!object) return notFoundResponse();
  return serveR2Object({ bucket: c.env.MEDIA, request: c.req.raw, object, cacheControl: "private, max-age=3600" });
});
