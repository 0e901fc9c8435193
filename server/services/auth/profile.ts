import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { users } from "../../../db/schema";
import { isUniqueViolation } from "../../../db/errors";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { recordEmail } from "../email/outbox";
import { confirmEmailChangeTemplate, emailChangedTemplate } from "../email/templates";
import { verifyPassword } from "./password";
import { AUTH_LIMITS, enforceRateLimits, ipKey } from "./rate-limit";
import type { RequestMeta } from "./sessions";
import { consumeUserToken, issueUserToken } from "./user-tokens";

const TAKEN = "An account with this email already exists.";

/** Renames the account; the change and its audit event commit together. */
export async function changeName(opts: { db: Database; userId: string; name: string; meta: RequestMeta; now: Date }) {
  return opts.db.transaction(async (tx) => {
    const [before] = await tx.select({ name: users.name }).from(users).where(eq(users.id, opts.userId)).for("update");
    if (!before) throw notFound("Account");
    await tx.update(users).set({ name: opts.name }).where(eq(users.id, opts.userId));
    await recordAudit({
      db: tx,
      action: "auth.name_changed",
      actorUserId: opts.userId,
      detail: { from: before.name, to: opts.name },
      meta: opts.meta,
      now: opts.now,
    });
    return { name: opts.name };
  });
}

/**
 * Starts an email change: checks the password (a borrowed session must not be enough to take the account), then
 * mails a link to the new address. Nothing changes until that link is opened, so a typo never locks anyone out.
 * Limited per account and per network like password changes, since each request sends an email.
 */
export async function requestEmailChange(opts: {
  db: Database;
  appUrl: string;
  userId: string;
  newEmail: string;
  currentPassword: string;
  meta: RequestMeta;
  now: Date;
}) {
  const accountKey = `change-email:account:${opts.userId}`;
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [
      [ipKey("change-email", opts.meta.ip), AUTH_LIMITS.changeEmailPerIp],
      [accountKey, AUTH_LIMITS.changeEmailPerAccount],
    ],
    message: (wait) => `Too many email changes. Try again in ${wait}.`,
  });
  const [user] = await opts.db.select().from(users).where(eq(users.id, opts.userId)).limit(1);
  if (!user) throw notFound("Account");
  if (!(await verifyPassword(opts.currentPassword, user.passwordHash))) {
    throw new AppError("BAD_REQUEST", "Your current password is incorrect.", {
      fieldErrors: { currentPassword: ["Your current password is incorrect."] },
    });
  }
  if (opts.newEmail === user.email) {
    throw new AppError("BAD_REQUEST", "That is already your email address.", {
      fieldErrors: { newEmail: ["That is already your email address. Enter the new one."] },
    });
  }
  const [taken] = await opts.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, opts.newEmail), ne(users.id, user.id)))
    .limit(1);
  if (taken) throw new AppError("CONFLICT", TAKEN, { fieldErrors: { newEmail: [TAKEN] } });

  await opts.db.transaction(async (tx) => {
    const token = await issueUserToken({
      db: tx,
      userId: user.id,
      purpose: "change_email",
      newEmail: opts.newEmail,
      now: opts.now,
    });
    await recordEmail({
      db: tx,
      to: opts.newEmail,
      content: confirmEmailChangeTemplate({
        name: user.name,
        url: `${opts.appUrl}/confirm-email-change?token=${token}`,
      }),
    });
    await recordAudit({
      db: tx,
      action: "auth.email_change_requested",
      actorUserId: user.id,
      detail: { to: opts.newEmail },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return { pendingEmail: opts.newEmail };
}

/**
 * Opens the link mailed to the new address: the account's email becomes it (verified, since the link reached it),
 * the old address is told, and the audit event commits with the change. Sessions stay as they are: the person
 * changing their address is usually logged in on the device they confirm from, and on others too.
 */
export async function confirmEmailChange(opts: {
  db: Database;
  appUrl: string;
  token: string;
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("verify-email", opts.meta.ip), AUTH_LIMITS.verifyEmailPerIp]],
    message: (wait) => `Too many confirmation attempts from your network. Try again in ${wait}.`,
  });
  const result = await confirmInTransaction(opts).catch((error: unknown) => {
    // Another account took the address between our check and our write (a concurrent sign-up or confirmation).
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `${TAKEN} Ask for a link to another address.`);
    throw error;
  });
  return { userId: result.userId, email: result.email };
}

function confirmInTransaction(opts: { db: Database; appUrl: string; token: string; meta: RequestMeta; now: Date }) {
  return opts.db.transaction(async (tx) => {
    const consumed = await consumeUserToken({ db: tx, token: opts.token, purpose: "change_email", now: opts.now });
    if (!consumed?.newEmail) {
      throw new AppError("NOT_FOUND", "This confirmation link is invalid, expired or already used.");
    }
    const [user] = await tx.select().from(users).where(eq(users.id, consumed.userId)).for("update");
    if (!user) throw new AppError("NOT_FOUND", "This confirmation link is invalid, expired or already used.");
    const newEmail = consumed.newEmail;
    // Someone may have signed up with the address since the link was sent.
    const [holder] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.email, newEmail), ne(users.id, user.id)))
      .limit(1);
    if (holder) throw new AppError("CONFLICT", `${TAKEN} Ask for a link to another address.`);
    await tx.update(users).set({ email: newEmail, emailVerifiedAt: opts.now }).where(eq(users.id, user.id));
    await recordEmail({
      db: tx,
      to: user.email,
      content: emailChangedTemplate({ name: user.name, newEmail, url: `${opts.appUrl}/login` }),
    });
    await recordAudit({
      db: tx,
      action: "auth.email_changed",
      actorUserId: user.id,
      detail: { from: user.email, to: newEmail },
      meta: opts.meta,
      now: opts.now,
    });
    return { userId: user.id, email: newEmail };
  });
}
