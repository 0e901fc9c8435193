import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { newsletterDeliveries, supporters, workspaces } from "../../../db/schema";
import { constantTimeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { isRowId } from "../../lib/text";

/**
 * One-click unsubscribe links (RFC 8058). The token is derived, never stored: `v1<supporter id><HMAC>` (fixed widths,
 * URL-safe characters only), where the
 * HMAC (SHA-256, keyed by the signing secret) covers the purpose, version and supporter. Nothing in the database or
 * the outbox holds it, so a leaked table mints no links; rotating the secret (or the version) retires every link
 * at once. Callers never log it.
 */
const VERSION = "v1";
const MIN_SECRET_LENGTH = 16;

function signature(secret: string, supporterId: string) {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error('UPLOAD_SIGNING_SECRET must be set to at least 16 characters (see README "Configuration").');
  return createHmac("sha256", secret).update(`newsletter-unsubscribe:${VERSION}:${supporterId}`).digest("base64url");
}

export function unsubscribeToken(secret: string, supporterId: string) {
  return `${VERSION}${supporterId}${signature(secret, supporterId)}`;
}

/** The supporter a token names, or null when it is malformed or its signature does not match. */
export function supporterOfToken(secret: string, token: string): string | null {
  const version = token.slice(0, VERSION.length);
  const supporterId = token.slice(VERSION.length, VERSION.length + 36);
  const mac = token.slice(VERSION.length + 36);
  if (version !== VERSION || !isRowId(supporterId) || supporterId !== supporterId.toLowerCase() || !mac) return null;
  return constantTimeEqual(mac, signature(secret, supporterId)) ? supporterId : null;
}

const invalid = () =>
  new AppError("NOT_FOUND", "This unsubscribe link is not valid. Use the link in a more recent newsletter.");

async function supporterFor(db: DbOrTx, secret: string, token: string) {
  const supporterId = supporterOfToken(secret, token);
  if (!supporterId) throw invalid();
  const [row] = await db
    .select({
      id: supporters.id,
      workspaceId: supporters.workspaceId,
      userId: supporters.userId,
      emailNewsletters: supporters.emailNewsletters,
      workspaceName: workspaces.name,
    })
    .from(supporters)
    .innerJoin(workspaces, eq(workspaces.id, supporters.workspaceId))
    .where(eq(supporters.id, supporterId))
    .limit(1);
  if (!row) throw invalid();
  return row;
}

/** What the confirmation page says before the click: whose newsletter, and whether it is already off. */
export async function describeUnsubscribe(opts: { db: DbOrTx; secret: string; token: string }) {
  const row = await supporterFor(opts.db, opts.secret, opts.token);
  return { workspaceName: row.workspaceName, subscribed: row.emailNewsletters };
}

/**
 * Turns newsletters off for the supporter the token names, and marks their copies not yet sent as unsubscribed so
 * a newsletter in progress does not reach them. Repeating it changes nothing.
 */
export async function unsubscribeFromNewsletters(opts: {
  db: DbOrTx;
  secret: string;
  token: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const row = await supporterFor(tx, opts.secret, opts.token);
    await tx.update(supporters).set({ emailNewsletters: false, updatedAt: opts.now }).where(eq(supporters.id, row.id));
    await tx
      .update(newsletterDeliveries)
      .set({ status: "unsubscribed", reason: "Unsubscribed before this copy was sent." })
      .where(and(eq(newsletterDeliveries.supporterId, row.id), eq(newsletterDeliveries.status, "queued")));
    await recordAudit({
      db: tx,
      action: "supporter.newsletters_unsubscribed",
      actorUserId: row.userId,
      workspaceId: row.workspaceId,
      detail: { supporterId: row.id, wasSubscribed: row.emailNewsletters },
      meta: opts.meta,
      now: opts.now,
    });
    return { workspaceName: row.workspaceName, subscribed: false };
  });
}
