import { lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { analyticsSalts } from "../../../db/schema";
import { toBase64Url } from "../../lib/base64url";

/** UTC calendar day (YYYY-MM-DD): the counting window, and the salt a listener key is made with. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The part of an address that identifies a listener: an IPv4 address whole, an IPv6 address cut to its /64
 * (IAB v2.2: the rest changes per device and per privacy extension), an IPv4-mapped IPv6 address as IPv4.
 */
export function ipPrefix(ip: string): string {
  const address = ip.trim().toLowerCase();
  if (!address.includes(":")) return address;
  // IPv4-mapped (::ffff:192.0.2.1): the listener is the IPv4 address.
  if (address.includes(".")) return address.slice(address.lastIndexOf(":") + 1);
  const [head, tail] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":");
}

const encoder = new TextEncoder();

export const importSalt = (secret: string) =>
  crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);

/** HMAC-SHA-256 of the address prefix and user agent under the day's salt, 128 bits, base64url. */
export async function listenerKey(opts: { salt: CryptoKey; ip: string; userAgent: string }): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", opts.salt, encoder.encode(`${ipPrefix(opts.ip)}\n${opts.userAgent}`));
  return toBase64Url(new Uint8Array(mac, 0, 16));
}

/** The day's salt, created by whichever request needs it first (one statement; concurrent creators agree). */
export async function daySalt(opts: { db: DbOrTx; day: string }): Promise<string> {
  const candidate = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const [row] = await opts.db
    .insert(analyticsSalts)
    .values({ day: opts.day, secret: candidate })
    // A no-op update so RETURNING yields the stored secret when another request created it first.
    .onConflictDoUpdate({ target: analyticsSalts.day, set: { day: sql`excluded.day` } })
    .returning({ secret: analyticsSalts.secret });
  return row.secret;
}

/** Forgets salts of days before `keepFrom`: their listener keys can then never be recomputed from an address. */
export async function deleteSaltsBefore(opts: { db: DbOrTx; keepFrom: string }) {
  const deleted = await opts.db
    .delete(analyticsSalts)
    .where(lt(analyticsSalts.day, opts.keepFrom))
    .returning({ day: analyticsSalts.day });
  return deleted.length;
}
