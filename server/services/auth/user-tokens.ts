import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { userTokens } from "../../../db/schema";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { addSeconds } from "../../lib/clock";

export type UserTokenPurpose = "verify_email" | "reset_password" | "change_email" | "sign_in_link";

const LIFETIME_SECONDS: Record<UserTokenPurpose, number> = {
  verify_email: 48 * 3600,
  reset_password: 3600,
  change_email: 24 * 3600,
  /** Passwordless sign-in and audience join (ADR 022): short, since the link alone signs the person in. */
  sign_in_link: 15 * 60,
};

/** Issues a fresh single-use token and invalidates earlier unused ones of the same purpose. */
export async function issueUserToken(opts: {
  db: DbOrTx;
  userId: string;
  purpose: UserTokenPurpose;
  now: Date;
  newEmail?: string;
}) {
  await opts.db
    .update(userTokens)
    .set({ usedAt: opts.now })
    .where(and(eq(userTokens.userId, opts.userId), eq(userTokens.purpose, opts.purpose), isNull(userTokens.usedAt)));
  const token = randomToken(32);
  await opts.db.insert(userTokens).values({
    userId: opts.userId,
    purpose: opts.purpose,
    tokenHash: sha256Hex(token),
    expiresAt: addSeconds(opts.now, LIFETIME_SECONDS[opts.purpose]),
    newEmail: opts.newEmail ?? null,
    createdAt: opts.now,
  });
  return token;
}

/** Marks the token used in the same statement that finds it, so two racing requests cannot both consume it. */
export async function consumeUserToken(opts: { db: DbOrTx; token: string; purpose: UserTokenPurpose; now: Date }) {
  const [row] = await opts.db
    .update(userTokens)
    .set({ usedAt: opts.now })
    .where(
      and(
        eq(userTokens.tokenHash, sha256Hex(opts.token)),
        eq(userTokens.purpose, opts.purpose),
        isNull(userTokens.usedAt),
      ),
    )
    .returning();
  if (!row || row.expiresAt <= opts.now) return null;
  return { userId: row.userId, newEmail: row.newEmail };
}
