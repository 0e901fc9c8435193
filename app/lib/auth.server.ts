import { redirect, type AppLoadContext } from "@remix-run/cloudflare";
import { loginUrl } from "./errors.server";

/** The signed-in user, or a redirect to the login page that brings them back here afterwards. */
export function requireUser(context: AppLoadContext, request: Request) {
  if (!context.auth) throw redirect(loginUrl(request));
  return context.auth.user;
}
