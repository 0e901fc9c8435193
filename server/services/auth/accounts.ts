import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { users } from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { recordEmail } from "../email/outbox";
import { resetPasswordTemplate, verifyEmailTemplate } from "../email/templates";
import { acceptPendingInvitation } from "../workspaces/invitations";
import { createWorkspace } from "../workspaces/workspaces";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password";
import { AUTH_LIMITS, clearRateLimit, enforceRateLimits, hitRateLimit, ipKey, type RateLimitRule } from "./rate-limit";
import { createSession, deleteOneUserSession, deleteSession, deleteUserSessions, type RequestMeta } from "./sessions";
import { consumeUserToken, issueUserToken } from "./user-tokens";

export const LOGIN_LIMIT_PER_ACCOUNT: RateLimitRule = { limit: 8, windowSeconds: 15 * 60 };
export const LOGIN_LIMIT_PER_IP: RateLimitRule = { limit: 40, windowSeconds: 15 * 60 };
const MAIL_LIMIT_PER_ADDRESS: RateLimitRule = { limit: 5, windowSeconds: 3600 };
/** Each sign-up sends a verification email, so one address must not be able to mail the world. */
export const SIGNUP_LIMIT_PER_IP: RateLimitRule = { limit: 20, windowSeconds: 3600 };

interface AccountDeps {
  db: Database;
  appUrl: string;
  meta: RequestMeta;
  now: Date;
}

const firstName = (name: string) => name.split(/\s+/)[0] || name;

/**
 * Creates the account, its first workspace and a session, and mails the verification link. Signing up through an
 * invitation sent to this address joins that workspace instead, so no stray personal workspace appears; an
 * invitation that is no longer pending (or was sent to another address) falls back to a personal workspace.
 */
export async function signUp(
  opts: AccountDeps & { email: string; name: string; password: string; invitationToken?: string | null },
) {
  // Cloudflare always sends the client's address; without one (in-process callers) there is nothing to key on.
  if (opts.meta.ip) {
    const { allowed, retryAfterSeconds } = await hitRateLimit({
      db: opts.db,
      key: `signup:ip:${opts.meta.ip}`,
      rule: SIGNUP_LIMIT_PER_IP,
      now: opts.now,
    });
    if (!allowed) {
      const minutes = Math.ceil(retryAfterSeconds / 60);
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many accounts were created from your network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        { retryAfterSeconds },
      );
    }
  }
  const passwordHash = await hashPassword(opts.password);
  const created = await opts.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: opts.email, name: opts.name, passwordHash, createdAt: opts.now })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!user) {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        fieldErrors: { email: ["An account with this email already exists. Log in instead."] },
      });
    }
    const invited = opts.invitationToken
      ? await acceptPendingInvitation({
          tx,
          token: opts.invitationToken,
          user: { id: user.id, email: user.email },
          meta: opts.meta,
          now: opts.now,
        })
      : null;
    const workspace =
      invited && typeof invited === "object" && "workspaceId" in invited
        ? { id: invited.workspaceId, joined: true }
        : {
            id: (
              await createWorkspace({
                db: tx,
                userId: user.id,
                name: `${firstName(opts.name)}'s studio`,
                meta: opts.meta,
                now: opts.now,
              })
            ).id,
            joined: false,
          };
    const token = await issueUserToken({ db: tx, userId: user.id, purpose: "verify_email", now: opts.now });
    await recordEmail({
      db: tx,
      to: user.email,
      content: verifyEmailTemplate({ name: user.name, url: `${opts.appUrl}/verify-email?token=${token}` }),
    });
    const session = await createSession({ db: tx, userId: user.id, meta: opts.meta, now: opts.now });
    await recordAudit({ db: tx, action: "auth.signed_up", actorUserId: user.id, meta: opts.meta, now: opts.now });
    return { userId: user.id, workspaceId: workspace.id, joinedByInvitation: workspace.joined, session };
  });
  return {
    userId: created.userId,
    workspaceId: created.workspaceId,
    joinedByInvitation: created.joinedByInvitation,
    sessionToken: created.session.token,
  };
}

/**
 * Checks the per-IP and per-account limits before any password work, so a flood costs no scrypt time.
 * Wrong email and wrong password give the same answer.
 */
export async function logIn(opts: Omit<AccountDeps, "appUrl"> & { email: string; password: string }) {
  const accountKey = `login:account:${opts.email}`;
  for (const [key, rule] of [
    [`login:ip:${opts.meta.ip ?? "unknown"}`, LOGIN_LIMIT_PER_IP],
    [accountKey, LOGIN_LIMIT_PER_ACCOUNT],
  ] as const) {
    const { allowed, retryAfterSeconds } = await hitRateLimit({ db: opts.db, key, rule, now: opts.now });
    if (!allowed) {
      const minutes = Math.ceil(retryAfterSeconds / 60);
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many login attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        { retryAfterSeconds },
      );
    }
  }
  const [user] = await opts.db.select().from(users).where(eq(users.email, opts.email)).limit(1);
  const passwordOk = await verifyPassword(opts.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !passwordOk || user.disabledAt) {
    await recordAudit({
      db: opts.db,
      action: "auth.login_failed",
      actorUserId: user?.id ?? null,
      detail: { email: opts.email },
      meta: opts.meta,
      now: opts.now,
    });
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect.");
  }
  return opts.db.transaction(async (tx) => {
    await clearRateLimit({ db: tx, key: accountKey });
    const session = await createSession({ db: tx, userId: user.id, meta: opts.meta, now: opts.now });
    await recordAudit({ db: tx, action: "auth.logged_in", actorUserId: user.id, meta: opts.meta, now: opts.now });
    return { userId: user.id, sessionToken: session.token };
  });
}

export async function verifyEmail(opts: { db: Database; token: string; meta: RequestMeta; now: Date }) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("verify-email", opts.meta.ip), AUTH_LIMITS.verifyEmailPerIp]],
    message: (wait) => `Too many confirmation attempts from your network. Try again in ${wait}.`,
  });
  return opts.db.transaction(async (tx) => {
    const consumed = await consumeUserToken({ db: tx, token: opts.token, purpose: "verify_email", now: opts.now });
    if (!consumed) throw new AppError("NOT_FOUND", "This confirmation link is invalid, expired or already used.");
    await tx.update(users).set({ emailVerifiedAt: opts.now }).where(eq(users.id, consumed.userId));
    await recordAudit({
      db: tx,
      action: "auth.email_verified",
      actorUserId: consumed.userId,
      meta: opts.meta,
      now: opts.now,
    });
    return { userId: consumed.userId };
  });
}

export async function resendVerificationEmail(opts: AccountDeps & { userId: string }) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("mail:verify", opts.meta.ip), AUTH_LIMITS.resendVerificationPerIp]],
    message: (wait) => `We have sent several emails to your network already. Try again in ${wait}.`,
  });
  const [user] = await opts.db.select().from(users).where(eq(users.id, opts.userId)).limit(1);
  if (!user || user.emailVerifiedAt) return { sent: false };
  const { allowed, retryAfterSeconds } = await hitRateLimit({
    db: opts.db,
    key: `mail:verify:${user.id}`,
    rule: MAIL_LIMIT_PER_ADDRESS,
    now: opts.now,
  });
  if (!allowed)
    throw new AppError(
      "TOO_MANY_REQUESTS",
      "We have sent several emails already. Check your inbox or try again later.",
      { retryAfterSeconds },
    );
  await opts.db.transaction(async (tx) => {
    const token = await issueUserToken({ db: tx, userId: user.id, purpose: "verify_email", now: opts.now });
    await recordEmail({
      db: tx,
      to: user.email,
      content: verifyEmailTemplate({ name: user.name, url: `${opts.appUrl}/verify-email?token=${token}` }),
    });
    await recordAudit({
      db: tx,
      action: "auth.verification_resent",
      actorUserId: user.id,
      meta: opts.meta,
      now: opts.now,
    });
  });
  return { sent: true };
}

/** Always answers the same way, whether or not the address has an account (no account enumeration). */
export async function requestPasswordReset(opts: AccountDeps & { email: string }) {
  // Per network and before the lookup, so the answer stays the same whether or not the address has an account.
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("reset-request", opts.meta.ip), AUTH_LIMITS.resetRequestPerIp]],
    message: (wait) => `Too many reset requests from your network. Try again in ${wait}.`,
  });
  const [user] = await opts.db.select().from(users).where(eq(users.email, opts.email)).limit(1);
  if (!user || user.disabledAt) return;
  const { allowed } = await hitRateLimit({
    db: opts.db,
    key: `mail:reset:${user.id}`,
    rule: MAIL_LIMIT_PER_ADDRESS,
    now: opts.now,
  });
  if (!allowed) return;
  await opts.db.transaction(async (tx) => {
    const token = await issueUserToken({ db: tx, userId: user.id, purpose: "reset_password", now: opts.now });
    await recordEmail({
      db: tx,
      to: user.email,
      content: resetPasswordTemplate({ name: user.name, url: `${opts.appUrl}/reset-password?token=${token}` }),
    });
    await recordAudit({
      db: tx,
      action: "auth.password_reset_requested",
      actorUserId: user.id,
      meta: opts.meta,
      now: opts.now,
    });
  });
}

/** Ends one session (logging out); the audit row commits with the deletion. */
export async function logOut(opts: { db: Database; userId: string; sessionId: string; meta: RequestMeta; now: Date }) {
  await opts.db.transaction(async (tx) => {
    await deleteSession({ db: tx, sessionId: opts.sessionId });
    await recordAudit({ db: tx, action: "auth.logged_out", actorUserId: opts.userId, meta: opts.meta, now: opts.now });
  });
}

/**
 * Ends the user's other sessions, or only `sessionId` when given (another user's session id is NOT_FOUND).
 * Returns how many were ended.
 */
export async function revokeSessions(opts: {
  db: Database;
  userId: string;
  currentSessionId: string;
  sessionId?: string;
  meta: RequestMeta;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    let revoked: number;
    if (opts.sessionId === undefined) {
      revoked = await deleteUserSessions({ db: tx, userId: opts.userId, exceptSessionId: opts.currentSessionId });
    } else {
      if (!(await deleteOneUserSession({ db: tx, userId: opts.userId, sessionId: opts.sessionId })))
        throw notFound("Session");
      revoked = 1;
    }
    await recordAudit({
      db: tx,
      action: "auth.sessions_revoked",
      actorUserId: opts.userId,
      detail: { revoked },
      meta: opts.meta,
      now: opts.now,
    });
    return revoked;
  });
}

/**
 * Sets the new password, revokes every session and signs the user in afresh. The limit and the token lookup
 * come before the hash, so a flood of made-up tokens costs no scrypt time.
 */
export async function resetPassword(opts: {
  db: Database;
  token: string;
  password: string;
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("reset", opts.meta.ip), AUTH_LIMITS.resetPerIp]],
    message: (wait) => `Too many password reset attempts from your network. Try again in ${wait}.`,
  });
  return opts.db.transaction(async (tx) => {
    const consumed = await consumeUserToken({ db: tx, token: opts.token, purpose: "reset_password", now: opts.now });
    if (!consumed)
      throw new AppError("NOT_FOUND", "This reset link is invalid, expired or already used. Ask for a new one.");
    const passwordHash = await hashPassword(opts.password);
    // Receiving the reset email proves the address, so it counts as verified.
    await tx.update(users).set({ passwordHash, emailVerifiedAt: opts.now }).where(eq(users.id, consumed.userId));
    await deleteUserSessions({ db: tx, userId: consumed.userId });
    const session = await createSession({ db: tx, userId: consumed.userId, meta: opts.meta, now: opts.now });
    await recordAudit({
      db: tx,
      action: "auth.password_reset",
      actorUserId: consumed.userId,
      meta: opts.meta,
      now: opts.now,
    });
    return { userId: consumed.userId, sessionToken: session.token };
  });
}

/**
 * Revokes every session, the current one included, and issues a fresh one for this browser. Limited per account
 * and per network before the current password is checked, like login.
 */
export async function changePassword(opts: {
  db: Database;
  userId: string;
  currentPassword: string;
  newPassword: string;
  meta: RequestMeta;
  now: Date;
}) {
  const accountKey = `change-password:account:${opts.userId}`;
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [
      [ipKey("change-password", opts.meta.ip), AUTH_LIMITS.changePasswordPerIp],
      [accountKey, AUTH_LIMITS.changePasswordPerAccount],
    ],
    message: (wait) => `Too many password attempts. Try again in ${wait}.`,
  });
  const [user] = await opts.db.select().from(users).where(eq(users.id, opts.userId)).limit(1);
  if (!user || !(await verifyPassword(opts.currentPassword, user.passwordHash))) {
    throw new AppError("BAD_REQUEST", "Your current password is incorrect.", {
      fieldErrors: { currentPassword: ["Your current password is incorrect."] },
    });
  }
  await clearRateLimit({ db: opts.db, key: accountKey });
  const passwordHash = await hashPassword(opts.newPassword);
  return opts.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const revoked = await deleteUserSessions({ db: tx, userId: user.id });
    const session = await createSession({ db: tx, userId: user.id, meta: opts.meta, now: opts.now });
    await recordAudit({
      db: tx,
      action: "auth.password_changed",
      actorUserId: user.id,
      detail: { sessionsRevoked: revoked },
      meta: opts.meta,
      now: opts.now,
    });
    return { sessionToken: session.token };
  });
}
