import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { and, asc, count, eq, lt, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { socialAccounts, socialOauthStates, type SocialAccountStatus, type SocialProvider } from "../../../db/schema";
import type { Env } from "../../env";
import { AppError, notFound, type AppErrorCode } from "../../lib/errors";
import { assertCanConnectAccount, lockWorkspaceQuota } from "../billing/usage";
import { notifyWorkspace } from "../notifications/notify";
import { authorizeWorkspace } from "../workspaces/workspaces";
import {
  createInstagramPublisher,
  exchangeForLongLivedToken,
  exchangeInstagramCode,
  instagramAuthorizeUrl,
  isInstagramConfigured,
} from "./instagram-client";
import { instagramRedirectUri, type ConnectOutcome } from "./instagram-oauth";
import { SocialProviderError, type ProviderProfile } from "./provider";
import { encryptToken } from "./token-crypto";
import { randomToken, sha256Hex } from "../../lib/crypto";

const STATE_LIFETIME_MS = 10 * 60_000;

/** What leaves this service about an account: everything a member may see, never a token. */
export interface SocialAccountView extends ProviderProfile {
  id: string;
  provider: SocialProvider;
  status: SocialAccountStatus;
  statusReason: string | null;
  tokenExpiresAt: Date | null;
  lastRefreshError: string | null;
  lastSyncedAt: Date | null;
  lastSyncError: string | null;
  publishQuotaUsage: number | null;
  publishQuotaTotal: number | null;
  connectedAt: Date;
  disconnectedAt: Date | null;
}

const viewColumns = {
  id: socialAccounts.id,
  provider: socialAccounts.provider,
  externalId: socialAccounts.externalId,
  username: socialAccounts.username,
  displayName: socialAccounts.displayName,
  profilePictureUrl: socialAccounts.profilePictureUrl,
  followersCount: socialAccounts.followersCount,
  followsCount: socialAccounts.followsCount,
  mediaCount: socialAccounts.mediaCount,
  status: socialAccounts.status,
  statusReason: socialAccounts.statusReason,
  tokenExpiresAt: socialAccounts.tokenExpiresAt,
  lastRefreshError: socialAccounts.lastRefreshError,
  lastSyncedAt: socialAccounts.lastSyncedAt,
  lastSyncError: socialAccounts.lastSyncError,
  publishQuotaUsage: socialAccounts.publishQuotaUsage,
  publishQuotaTotal: socialAccounts.publishQuotaTotal,
  connectedAt: socialAccounts.connectedAt,
  disconnectedAt: socialAccounts.disconnectedAt,
} as const;

/** A failed connect, with the outcome code the callback shows (see instagram-oauth.ts) and, once known, the workspace. */
export class InstagramConnectError extends AppError {
  constructor(
    readonly outcome: ConnectOutcome,
    code: AppErrorCode,
    message: string,
    readonly workspaceId: string | null = null,
  ) {
    super(code, message);
  }
}

/** Accounts that take a place in the plan's allowance: every one not disconnected (needs-reconnect included). */
async function connectedAccountCount(db: DbOrTx, workspaceId: string, exceptAccountId?: string): Promise<number> {
  const conditions = [eq(socialAccounts.workspaceId, workspaceId), ne(socialAccounts.status, "disconnected")];
  if (exceptAccountId) conditions.push(ne(socialAccounts.id, exceptAccountId));
  const [row] = await db
    .select({ n: count() })
    .from(socialAccounts)
    .where(and(...conditions));
  return Number(row?.n ?? 0);
}

/**
 * Begins Business Login for Instagram: a random state goes to Instagram, only its SHA-256 is stored (with the
 * member and workspace, for ten minutes), so a database read cannot complete someone's connect.
 */
export async function startInstagramConnect(opts: {
  db: DbOrTx;
  env: Env;
  workspaceId: string;
  userId: string;
  appUrl: string;
  meta: RequestMeta;
  now: Date;
}): Promise<{ url: string }> {
  if (!isInstagramConfigured(opts.env)) {
    throw new InstagramConnectError("not_configured", "PRECONDITION_FAILED", "Instagram is not configured");
  }
  const state = randomToken();
  await opts.db.transaction(async (tx) => {
    await tx.delete(socialOauthStates).where(lt(socialOauthStates.expiresAt, opts.now));
    await tx.insert(socialOauthStates).values({
      stateHash: sha256Hex(state),
      workspaceId: opts.workspaceId,
      userId: opts.userId,
      provider: "instagram",
      expiresAt: new Date(opts.now.getTime() + STATE_LIFETIME_MS),
      createdAt: opts.now,
    });
    await recordAudit({
      db: tx,
      action: "social.account_connect_started",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { provider: "instagram" },
      meta: opts.meta,
      now: opts.now,
    });
  });
  return { url: instagramAuthorizeUrl({ env: opts.env, redirectUri: instagramRedirectUri(opts.appUrl), state }) };
}

/**
 * Consumes a state: it must exist, belong to `userId` and be unexpired. Deleting it with the user in the
 * condition makes it single-use under concurrent callbacks, and another member's attempt cannot burn it.
 */
async function consumeState(db: DbOrTx, state: string, userId: string, now: Date): Promise<{ workspaceId: string }> {
  const stateHash = sha256Hex(state);
  const [consumed] = await db
    .delete(socialOauthStates)
    .where(
      and(
        eq(socialOauthStates.stateHash, stateHash),
        eq(socialOauthStates.userId, userId),
        eq(socialOauthStates.provider, "instagram"),
      ),
    )
    .returning();
  if (!consumed) {
    const [someoneElses] = await db
      .select({ userId: socialOauthStates.userId })
      .from(socialOauthStates)
      .where(eq(socialOauthStates.stateHash, stateHash));
    if (someoneElses)
      throw new InstagramConnectError(
        "state_other_user",
        "FORBIDDEN",
        "This connection was started by another member.",
      );
    throw new InstagramConnectError(
      "state_expired",
      "BAD_REQUEST",
      "This connection link expired or was already used.",
    );
  }
  if (consumed.expiresAt <= now)
    throw new InstagramConnectError(
      "state_expired",
      "BAD_REQUEST",
      "This connection link expired.",
      consumed.workspaceId,
    );
  return { workspaceId: consumed.workspaceId };
}

/**
 * Instagram redirected back with an error (the member declined): the state is spent all the same. Returns the
 * workspace the attempt was for, when the state was this member's.
 */
export async function abandonInstagramConnect(opts: {
  db: DbOrTx;
  userId: string;
  state: string;
}): Promise<{ workspaceId: string } | null> {
  const [consumed] = await opts.db
    .delete(socialOauthStates)
    .where(and(eq(socialOauthStates.stateHash, sha256Hex(opts.state)), eq(socialOauthStates.userId, opts.userId)))
    .returning({ workspaceId: socialOauthStates.workspaceId });
  return consumed ?? null;
}

interface ExchangedAccount {
  profile: ProviderProfile;
  accessToken: string;
  expiresInSeconds: number;
}

async function exchangeCode(opts: {
  env: Env;
  code: string;
  appUrl: string;
  workspaceId: string;
  fetch?: typeof fetch;
}): Promise<ExchangedAccount> {
  try {
    const redirectUri = instagramRedirectUri(opts.appUrl);
    const short = await exchangeInstagramCode({ env: opts.env, code: opts.code, redirectUri, fetch: opts.fetch });
    const long = await exchangeForLongLivedToken({
      env: opts.env,
      shortLivedToken: short.accessToken,
      fetch: opts.fetch,
    });
    const profile = await createInstagramPublisher({
      env: opts.env,
      accessToken: long.accessToken,
      igUserId: short.userId,
      fetch: opts.fetch,
    }).getProfile();
    return { profile, accessToken: long.accessToken, expiresInSeconds: long.expiresInSeconds };
  } catch (error) {
    if (!(error instanceof SocialProviderError)) throw error;
    throw new InstagramConnectError(
      "exchange_failed",
      "BAD_REQUEST",
      `Instagram did not accept the authorization: ${error.message}`,
      opts.workspaceId,
    );
  }
}

/**
 * Finishes the connect from Instagram's redirect: checks the state, exchanges the code for a short-lived and
 * then a long-lived token, reads the profile and upserts the account by its Instagram id with the token
 * encrypted. Reconnecting an account already counted does not count it twice against the plan.
 */
export async function completeInstagramConnect(opts: {
  db: DbOrTx;
  env: Env;
  userId: string;
  state: string;
  code: string;
  appUrl: string;
  meta: RequestMeta;
  now: Date;
  fetch?: typeof fetch;
}): Promise<{ workspaceId: string; account: SocialAccountView; reconnected: boolean }> {
  if (!isInstagramConfigured(opts.env)) {
    throw new InstagramConnectError("not_configured", "PRECONDITION_FAILED", "Instagram is not configured");
  }
  const { workspaceId } = await consumeState(opts.db, opts.state, opts.userId, opts.now);
  try {
    await authorizeWorkspace({ db: opts.db, workspaceId, userId: opts.userId, permission: "social.accounts.manage" });
  } catch (error) {
    if (error instanceof AppError && error.code === "FORBIDDEN") {
      throw new InstagramConnectError(
        "forbidden",
        "FORBIDDEN",
        "Only owners and admins can connect social accounts.",
        workspaceId,
      );
    }
    throw error;
  }
  const exchanged = await exchangeCode({ ...opts, workspaceId });
  const encrypted = await encryptToken(opts.env.SOCIAL_TOKEN_KEYS, exchanged.accessToken);
  const { profile } = exchanged;

  return opts.db.transaction(async (tx) => {
    await lockWorkspaceQuota(tx, workspaceId);
    const [existing] = await tx
      .select({ id: socialAccounts.id, status: socialAccounts.status })
      .from(socialAccounts)
      .where(
        and(
          eq(socialAccounts.workspaceId, workspaceId),
          eq(socialAccounts.provider, "instagram"),
          eq(socialAccounts.externalId, profile.externalId),
        ),
      );
    if (!existing || existing.status === "disconnected") {
      try {
        await assertCanConnectAccount({
          db: tx,
          workspaceId,
          connectedAccounts: await connectedAccountCount(tx, workspaceId),
          now: opts.now,
        });
      } catch (error) {
        if (error instanceof AppError) throw new InstagramConnectError("quota", error.code, error.message, workspaceId);
        throw error;
      }
    }
    const fresh = {
      username: profile.username,
      displayName: profile.displayName,
      profilePictureUrl: profile.profilePictureUrl,
      followersCount: profile.followersCount,
      followsCount: profile.followsCount,
      mediaCount: profile.mediaCount,
      status: "active" as const,
      statusReason: null,
      accessTokenEncrypted: encrypted,
      tokenIssuedAt: opts.now,
      tokenExpiresAt: new Date(opts.now.getTime() + exchanged.expiresInSeconds * 1000),
      lastRefreshAttemptAt: null,
      lastRefreshError: null,
      reconnectNotifiedAt: null,
      connectedBy: opts.userId,
      connectedAt: opts.now,
      disconnectedAt: null,
      updatedAt: opts.now,
    };
    const [row] = await tx
      .insert(socialAccounts)
      .values({ workspaceId, provider: "instagram", externalId: profile.externalId, createdAt: opts.now, ...fresh })
      .onConflictDoUpdate({
        target: [socialAccounts.workspaceId, socialAccounts.provider, socialAccounts.externalId],
        set: fresh,
      })
      .returning(viewColumns);
    await recordAudit({
      db: tx,
      action: "social.account_connected",
      actorUserId: opts.userId,
      workspaceId,
      detail: { accountId: row.id, provider: "instagram", username: profile.username, reconnected: Boolean(existing) },
      meta: opts.meta,
      now: opts.now,
    });
    return { workspaceId, account: row, reconnected: Boolean(existing) };
  });
}

const SANDBOX_USERNAME = /^[A-Za-z0-9._]{1,30}$/;

/**
 * A Sandbox account: no token and no network, publishing into the in-app sandbox feed. It takes a place in the
 * plan's allowance like any account, so trying the pipeline cannot exceed what the plan could publish to.
 */
export async function connectSandboxAccount(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  username: string;
  meta: RequestMeta;
  now: Date;
}): Promise<SocialAccountView> {
  const username = opts.username.trim().replace(/^@/, "");
  if (!SANDBOX_USERNAME.test(username)) {
    throw new AppError("BAD_REQUEST", "Use 1–30 letters, numbers, periods or underscores, as on Instagram.", {
      fieldErrors: { username: ["Use 1–30 letters, numbers, periods or underscores."] },
    });
  }
  return opts.db.transaction(async (tx) => {
    await lockWorkspaceQuota(tx, opts.workspaceId);
    await assertCanConnectAccount({
      db: tx,
      workspaceId: opts.workspaceId,
      connectedAccounts: await connectedAccountCount(tx, opts.workspaceId),
      now: opts.now,
    });
    const [row] = await tx
      .insert(socialAccounts)
      .values({
        workspaceId: opts.workspaceId,
        provider: "sandbox",
        externalId: `sandbox_${crypto.randomUUID()}`,
        username,
        displayName: `${username} (Sandbox)`,
        followersCount: 0,
        followsCount: 0,
        mediaCount: 0,
        status: "active",
        connectedBy: opts.userId,
        connectedAt: opts.now,
        createdAt: opts.now,
        updatedAt: opts.now,
      })
      .returning(viewColumns);
    await recordAudit({
      db: tx,
      action: "social.account_connected",
      actorUserId: opts.userId,
      workspaceId: opts.workspaceId,
      detail: { accountId: row.id, provider: "sandbox", username },
      meta: opts.meta,
      now: opts.now,
    });
    return row;
  });
}

/** The workspace's accounts, oldest connection first; disconnected ones only when asked. */
export async function listAccounts(opts: {
  db: DbOrTx;
  workspaceId: string;
  includeDisconnected?: boolean;
}): Promise<SocialAccountView[]> {
  const conditions = [eq(socialAccounts.workspaceId, opts.workspaceId)];
  if (!opts.includeDisconnected) conditions.push(ne(socialAccounts.status, "disconnected"));
  return opts.db
    .select(viewColumns)
    .from(socialAccounts)
    .where(and(...conditions))
    .orderBy(asc(socialAccounts.connectedAt), asc(socialAccounts.id));
}

export async function getAccount(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
}): Promise<SocialAccountView> {
  const [row] = await opts.db
    .select(viewColumns)
    .from(socialAccounts)
    .where(and(eq(socialAccounts.workspaceId, opts.workspaceId), eq(socialAccounts.id, opts.accountId)));
  if (!row) throw notFound("Social account");
  return row;
}

/**
 * Forgets the token and frees the plan place. The row stays so post history keeps its account; posts still
 * scheduled to it stay too, and the pipeline fails or defers them since the account cannot publish.
 */
export async function disconnectAccount(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
  actorUserId: string;
  meta: RequestMeta;
  now: Date;
}): Promise<SocialAccountView> {
  return opts.db.transaction(async (tx) => {
    const [row] = await tx
      .update(socialAccounts)
      .set({
        status: "disconnected",
        statusReason: null,
        accessTokenEncrypted: null,
        tokenIssuedAt: null,
        tokenExpiresAt: null,
        lastRefreshError: null,
        disconnectedAt: opts.now,
        updatedAt: opts.now,
      })
      .where(and(eq(socialAccounts.workspaceId, opts.workspaceId), eq(socialAccounts.id, opts.accountId)))
      .returning(viewColumns);
    if (!row) throw notFound("Social account");
    await recordAudit({
      db: tx,
      action: "social.account_disconnected",
      actorUserId: opts.actorUserId,
      workspaceId: opts.workspaceId,
      detail: { accountId: row.id, provider: row.provider, username: row.username },
      meta: opts.meta,
      now: opts.now,
    });
    return row;
  });
}

/**
 * Flags an account whose token was refused or could not be refreshed, and tells owners and admins (in the app
 * and by email) once per token: the dedupe key names the token's issue time, so repeated failures of the same
 * token notify nothing new while a reconnected account that fails again does. Returns the email ids to enqueue
 * after the caller's transaction commits. A disconnected account is left alone.
 */
export async function markAccountNeedsReconnect(opts: {
  db: DbOrTx;
  workspaceId: string;
  accountId: string;
  reason: string;
  now: Date;
  appUrl: string;
}): Promise<{ changed: boolean; emailIds: string[] }> {
  return opts.db.transaction(async (tx) => {
    const [account] = await tx
      .select({
        status: socialAccounts.status,
        username: socialAccounts.username,
        provider: socialAccounts.provider,
        tokenIssuedAt: socialAccounts.tokenIssuedAt,
      })
      .from(socialAccounts)
      .where(and(eq(socialAccounts.workspaceId, opts.workspaceId), eq(socialAccounts.id, opts.accountId)))
      .for("update");
    if (!account || account.status === "disconnected") return { changed: false, emailIds: [] };
    await tx
      .update(socialAccounts)
      .set({
        status: "needs_reconnect",
        statusReason: opts.reason,
        reconnectNotifiedAt: sql`coalesce(${socialAccounts.reconnectNotifiedAt}, ${opts.now.toISOString()}::timestamptz)`,
        updatedAt: opts.now,
      })
      .where(eq(socialAccounts.id, opts.accountId));
    const network = account.provider === "sandbox" ? "the Sandbox" : "Instagram";
    const { emailIds } = await notifyWorkspace({
      db: tx,
      workspaceId: opts.workspaceId,
      kind: "social.account_needs_reconnect",
      title: `Reconnect @${account.username}`,
      body:
        `Greenroom can no longer post to @${account.username} on ${network}: ${opts.reason.replace(/\.?\s*$/, ".")} ` +
        "Scheduled posts to this account wait until an owner or admin reconnects it on the Social accounts page.",
      link: `/w/${opts.workspaceId}/social/accounts`,
      dedupeKey: `social.account_needs_reconnect:${opts.accountId}:${account.tokenIssuedAt?.toISOString() ?? "no-token"}`,
      email: true,
      appUrl: opts.appUrl,
    });
    return { changed: account.status !== "needs_reconnect", emailIds };
  });
}
