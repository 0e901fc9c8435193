import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { supporters, tiers, users, workspaces, type SupporterSource } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import { hashPassword } from "../auth/password";
import { enforceRateLimits, hitRateLimit, ipKey } from "../auth/rate-limit";
import { createSession, type RequestMeta } from "../auth/sessions";
import { consumeUserToken, issueUserToken } from "../auth/user-tokens";
import { recordEmail } from "../email/outbox";
import { signInLinkTemplate, verifyEmailTemplate } from "../email/templates";
import { extendGrant, issueGrant, type GrantActor } from "./grants";
import { ensureSupporter, findOrCreatePerson } from "./supporters";

/**
 * Joining a creator's audience (issue 12 item 1): free, from the creator's public home. A person who already has
 * a Greenroom account (team member, supporter of someone else) just gets the relationship; a new person joins
 * with a password or, as members expect, with a single-use email link (15 minutes) and no password at all.
 * Paid tiers go through the payments domain's checkout; joining here grants the free tier (or, without one, a
 * tier-less membership: the `members` visibility).
 */

const JOIN_LINK_LIMIT = { limit: 5, windowSeconds: 3600 };
const JOIN_LINK_PER_IP = { limit: 30, windowSeconds: 3600 };

async function workspaceName(db: DbOrTx, workspaceId: string) {
  const [workspace] = await db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  if (!workspace) throw new AppError("NOT_FOUND", "Creator not found.");
  return workspace.name;
}

/** The free tier the person asked for, or the workspace's first free tier, or none (a tier-less membership). */
async function freeTierFor(db: DbOrTx, workspaceId: string, tierId: string | null) {
  const free = await db
    .select({ id: tiers.id })
    .from(tiers)
    .where(and(eq(tiers.workspaceId, workspaceId), eq(tiers.kind, "free"), isNull(tiers.archivedAt)))
    .orderBy(tiers.position);
  if (tierId) {
    if (!free.some((tier) => tier.id === tierId)) {
      throw new AppError("BAD_REQUEST", "That tier cannot be joined for free.", {
        fieldErrors: { tierId: ["Choose a free tier, or pay for this one."] },
      });
    }
    return tierId;
  }
  return free[0]?.id ?? null;
}

/**
 * The relationship and its free grant, in the caller's transaction. Joining again changes nothing (the free grant
 * is one per supporter: its ref is the supporter id). A blocked person stays blocked.
 */
export async function joinInTransaction(opts: {
  tx: DbOrTx;
  workspaceId: string;
  userId: string;
  tierId: string | null;
  source: SupporterSource;
  actor: GrantActor;
  now: Date;
}) {
  const tierId = await freeTierFor(opts.tx, opts.workspaceId, opts.tierId);
  const { supporter, created } = await ensureSupporter({
    db: opts.tx,
    workspaceId: opts.workspaceId,
    userId: opts.userId,
    source: opts.source,
    actor: opts.actor,
    now: opts.now,
  });
  if (supporter.status === "blocked") {
    throw new AppError("FORBIDDEN", "This creator has removed you from their audience.");
  }
  if (supporter.status === "left") {
    await opts.tx
      .update(supporters)
      .set({ status: "active", emailNewsletters: true, emailNotifications: true, updatedAt: opts.now })
      .where(eq(supporters.id, supporter.id));
  }
  const { grant, created: granted } = await issueGrant({
    db: opts.tx,
    workspaceId: opts.workspaceId,
    userId: opts.userId,
    supporterId: supporter.id,
    kind: "tier",
    tierId,
    source: "free_signup",
    sourceRef: `free:${supporter.id}`,
    startsAt: opts.now,
    endsAt: null,
    actor: opts.actor,
    now: opts.now,
  });
  // Joining again after leaving reopens the one free grant (its ref is the supporter) rather than minting another.
  if (!granted && (grant.status !== "active" || grant.tierId !== tierId)) {
    await extendGrant({
      db: opts.tx,
      workspaceId: opts.workspaceId,
      grantId: grant.id,
      endsAt: null,
      tierId,
      reactivate: true,
      reason: "Joined again",
      actor: opts.actor,
      now: opts.now,
    });
  }
  return { supporterId: supporter.id, created };
}

/** A signed-in person joins (free). */
export async function joinSignedIn(opts: {
  db: Database;
  workspaceId: string;
  userId: string;
  tierId: string | null;
  meta: RequestMeta;
  now: Date;
}) {
  await workspaceName(opts.db, opts.workspaceId);
  return opts.db.transaction((tx) =>
    joinInTransaction({
      tx,
      workspaceId: opts.workspaceId,
      userId: opts.userId,
      tierId: opts.tierId,
      source: "password",
      actor: { userId: opts.userId, meta: opts.meta },
      now: opts.now,
    }),
  );
}

/**
 * A new person joins with a password: the account, the relationship, the free grant and a session in one
 * transaction, and the verification email. An address that already has an account is told to sign in (as sign-up
 * does), never joined without proving it is theirs.
 */
export async function joinWithPassword(opts: {
  db: Database;
  appUrl: string;
  workspaceId: string;
  tierId: string | null;
  email: string;
  name: string;
  password: string;
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("audience-join", opts.meta.ip), JOIN_LINK_PER_IP]],
    message: (wait) => `Too many sign-ups from your network. Try again in ${wait}.`,
  });
  await workspaceName(opts.db, opts.workspaceId);
  const passwordHash = await hashPassword(opts.password);
  const result = await opts.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: opts.email, name: opts.name, passwordHash, createdAt: opts.now })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!user) {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        fieldErrors: { email: ["You already have a Greenroom account: sign in, or join with an email link."] },
      });
    }
    const actor = { userId: user.id, meta: opts.meta };
    await joinInTransaction({
      tx,
      workspaceId: opts.workspaceId,
      userId: user.id,
      tierId: opts.tierId,
      source: "password",
      actor,
      now: opts.now,
    });
    await recordAudit({ db: tx, action: "auth.signed_up", actorUserId: user.id, meta: opts.meta, now: opts.now });
    const token = await issueUserToken({ db: tx, userId: user.id, purpose: "verify_email", now: opts.now });
    await recordEmail({
      db: tx,
      to: user.email,
      content: verifyEmailTemplate({ name: user.name, url: `${opts.appUrl}/verify-email?token=${token}` }),
    });
    const session = await createSession({ db: tx, userId: user.id, meta: opts.meta, now: opts.now });
    return { userId: user.id, sessionToken: session.token };
  });
  return { userId: result.userId, sessionToken: result.sessionToken };
}

/**
 * Mails a single-use sign-in link (15 minutes) that joins the audience when opened. The answer is the same whether
 * or not the address has an account; a new address gets a passwordless account now (it can set a password later
 * with a reset link).
 */
export async function requestJoinLink(opts: {
  db: Database;
  appUrl: string;
  workspaceId: string;
  tierId: string | null;
  email: string;
  name: string;
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("audience-link", opts.meta.ip), JOIN_LINK_PER_IP]],
    message: (wait) => `Too many sign-in links from your network. Try again in ${wait}.`,
  });
  const name = await workspaceName(opts.db, opts.workspaceId);
  if (opts.tierId) await freeTierFor(opts.db, opts.workspaceId, opts.tierId);
  const { allowed } = await hitRateLimit({
    db: opts.db,
    key: `mail:join:${opts.email}`,
    rule: JOIN_LINK_LIMIT,
    now: opts.now,
  });
  if (!allowed) return;
  await opts.db.transaction(async (tx) => {
    const person = await findOrCreatePerson({ db: tx, email: opts.email, name: opts.name, now: opts.now });
    const [user] = await tx
      .select({ disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, person.id))
      .limit(1);
    if (user?.disabledAt) return;
    const token = await issueUserToken({ db: tx, userId: person.id, purpose: "sign_in_link", now: opts.now });
    await recordAudit({
      db: tx,
      action: "supporter.sign_in_link_sent",
      actorUserId: person.id,
      workspaceId: opts.workspaceId,
      detail: {},
      meta: opts.meta,
      now: opts.now,
    });
    const query = new URLSearchParams({ token });
    if (opts.tierId) query.set("tier", opts.tierId);
    await recordEmail({
      db: tx,
      to: person.email,
      content: signInLinkTemplate({
        name: person.name,
        creatorName: name,
        url: `${opts.appUrl}/c/${opts.workspaceId}/sign-in?${query.toString()}`,
      }),
    });
  });
}

/**
 * Opens a sign-in link: consumes the token (single use, 15 minutes), confirms the address (the link proved it),
 * joins the audience and starts a session.
 */
export async function signInWithLink(opts: {
  db: Database;
  workspaceId: string;
  token: string;
  tierId: string | null;
  meta: RequestMeta;
  now: Date;
}) {
  await workspaceName(opts.db, opts.workspaceId);
  return opts.db.transaction(async (tx) => {
    const consumed = await consumeUserToken({ db: tx, token: opts.token, purpose: "sign_in_link", now: opts.now });
    if (!consumed) {
      throw new AppError("BAD_REQUEST", "This sign-in link has expired or was already used. Ask for a new one.");
    }
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${opts.now.toISOString()}::timestamptz)` })
      .where(and(eq(users.id, consumed.userId), isNull(users.disabledAt)))
      .returning({ id: users.id, emailVerifiedAt: users.emailVerifiedAt });
    if (!user) throw new AppError("FORBIDDEN", "This account is disabled.");
    const actor = { userId: user.id, meta: opts.meta };
    await joinInTransaction({
      tx,
      workspaceId: opts.workspaceId,
      userId: user.id,
      tierId: opts.tierId,
      source: "email_link",
      actor,
      now: opts.now,
    });
    await recordAudit({ db: tx, action: "auth.logged_in", actorUserId: user.id, meta: opts.meta, now: opts.now });
    const session = await createSession({ db: tx, userId: user.id, meta: opts.meta, now: opts.now });
    return { userId: user.id, sessionToken: session.token };
  });
}
