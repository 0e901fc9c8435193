import type { AppConfig } from "../env";
import { SESSION_INACTIVITY_SECONDS } from "../services/auth/sessions";

/** `__Host-` binds the cookie to our exact origin over HTTPS; plain http://localhost cannot use it. */
export const sessionCookieName = (config: Pick<AppConfig, "secureCookies">) =>
  config.secureCookies ? "__Host-greenroom_session" : "greenroom_session";

function serialize(name: string, value: string, maxAgeSeconds: number, secure: boolean) {
  return [
    `${name}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export const sessionCookie = (config: AppConfig, token: string) =>
  serialize(sessionCookieName(config), token, SESSION_INACTIVITY_SECONDS, config.secureCookies);

export const clearedSessionCookie = (config: AppConfig) =>
  serialize(sessionCookieName(config), "", 0, config.secureCookies);

export function readSessionToken(cookieHeader: string | null, config: AppConfig): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(config);
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=") || null;
  }
  return null;
}
