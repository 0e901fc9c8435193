import { and, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { sessions, users } from "../../../db/schema";
import { constantTimeEqual, randomToken, sha256Hex } from "../../lib/crypto";
import type { Clock } from "../../lib/clock";
import { parseShellWorkspaces, shellWorkspacesJson, type ShellWorkspace } from "../workspaces/workspaces";

/** Sliding expiry: a session unused for this long is dead. */
export const SESSION_INACTIVITY_SECONDS = 30 * 24 * 3600;
/** Absolute lifetime: even an active session must log in again after this. */
export const SESSION_MAX_AGE_SECONDS = 90 * 24 * 3600;
/** Refresh last_seen_at at most this often, so reads do not become writes on every request. */
const TOUCH_INTERVAL_SECONDS = 3600;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

export interface ValidSession {
  sessionId: string;
  user: SessionUser;
  /**
   * The user's workspaces with their roles and the shell's data, read in the same statement as the session
   * (ADR 016), so workspaceProcedure authorizes and the layout renders without another round trip. Absent when a
   * session was built without them (in-process tests); then both are read from the database.
   */
  memberships?: readonly ShellWorkspace[];
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export async function createSession(opts: { db: DbOrTx; userId: string; meta: RequestMeta; now: Date }) {
  const id = randomToken(15);
  const secret = randomToken(32);
  await opts.db.insert(sessions).values({
    id,
    userId: opts.userId,
    secretHash: sha256Hex(secret),
    createdAt: opts.now,
    lastSeenAt: opts.now,
    ip: opts.meta.ip,
    userAgent: opts.meta.userAgent?.slice(0, 512) ?? null,
  });
  return { sessionId: id, token: `${id}.${secret}` };
}

export function isSessionExpired(session: { createdAt: Date; lastSeenAt: Date }, now: Date): boolean {
  const idle = (now.getTime() - session.lastSeenAt.getTime()) / 1000;
  const age = (now.getTime() - session.createdAt.getTime()) / 1000;
  return idle >= SESSION_INACTIVITY_SECONDS || age >= SESSION_MAX_AGE_SECONDS;
}

/**
 * Resolves a cookie token to its session, user and workspaces (memberships and shell data) in one statement, or null. Expired sessions are
 * deleted on sight. The sliding-expiry refresh is handed to `background` (the Worker's waitUntil) when given, so it
 * never adds a round trip before the page.
 */
export async function validateSessionToken(opts: {
  db: DbOrTx;
  token: string;
  clock: Clock;
  background?: (work: Promise<unknown>) => void;
}): Promise<ValidSession | null> {
  const [id, secret] = opts.token.split(".");
  if (!id || !secret) return null;
  const [row] = await opts.db
    .select({ session: sessions, user: users, memberships: shellWorkspacesJson(users.id) })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (!row || !constantTimeEqual(row.session.secretHash, sha256Hex(secret))) return null;
  const now = opts.clock();
  if (row.user.disabledAt || isSessionExpired(row.session, now)) {
    await opts.db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  if ((now.getTime() - row.session.lastSeenAt.getTime()) / 1000 >= TOUCH_INTERVAL_SECONDS) {
    const touch = opts.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
    if (opts.background) opts.background(touch.then(() => undefined));
    else await touch;
  }
  return {
    sessionId: id,
    user: {
      id: row.user.id,
      email: row.user.email,
      name: row.user.name,
      emailVerified: row.user.emailVerifiedAt !== null,
    },
    memberships: parseShellWorkspaces(row.memberships),
  };
}

export async function deleteSession(opts: { db: DbOrTx; sessionId: string }) {
  await opts.db.delete(sessions).where(eq(sessions.id, opts.sessionId));
}

/** Revokes every session of the user, optionally keeping the one making the request. */
export async function deleteUserSessions(opts: { db: DbOrTx; userId: string; exceptSessionId?: string }) {
  const where = opts.exceptSessionId
    ? and(eq(sessions.userId, opts.userId), ne(sessions.id, opts.exceptSessionId))
    : eq(sessions.userId, opts.userId);
  const removed = await opts.db.delete(sessions).where(where).returning({ id: sessions.id });
  return removed.length;
}

export async function listUserSessions(opts: { db: DbOrTx; userId: string; currentSessionId: string; now: Date }) {
  const rows = await opts.db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, opts.userId))
    .orderBy(sessions.lastSeenAt);
  return rows
    .filter((s) => !isSessionExpired(s, opts.now))
    .reverse()
    .map((s) => ({
      id: s.id,
      current: s.id === opts.currentSessionId,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      ip: s.ip,
      userAgent: s.userAgent,
    }));
}

export async function deleteOneUserSession(opts: { db: DbOrTx; userId: string; sessionId: string }) {
  const removed = await opts.db
    .delete(sessions)
    .where(and(eq(sessions.userId, opts.userId), eq(sessions.id, opts.sessionId)))
    .returning({ id: sessions.id });
  return removed.length > 0;
}
