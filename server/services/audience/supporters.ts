import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { supporters, users, type SupporterSource } from "../../../db/schema";
import { recordAudit } from "../audit/audit";
import { PASSWORDLESS_HASH } from "../auth/password";
import type { GrantActor } from "./grants";

export type Supporter = typeof supporters.$inferSelect;

/**
 * The person with this address, created without a password when there is none yet (a gift's recipient, an
 * imported member, an email-link join). Returns whether the row was created.
 */
export async function findOrCreatePerson(opts: {
  db: DbOrTx;
  email: string;
  name: string;
  now: Date;
}): Promise<{ id: string; email: string; name: string; created: boolean }> {
  const email = opts.email.trim().toLowerCase();
  const [inserted] = await opts.db
    .insert(users)
    .values({
      email,
      name: opts.name.trim() || email.split("@")[0]!,
      passwordHash: PASSWORDLESS_HASH,
      createdAt: opts.now,
    })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, name: users.name });
  if (inserted) return { ...inserted, created: true };
  const [existing] = await opts.db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return { ...existing!, created: false };
}

/**
 * The person's relationship with the workspace's audience, created when missing (concurrent callers converge on
 * the one row by the unique index). An existing row is returned as it is: a blocked supporter stays blocked.
 */
export async function ensureSupporter(opts: {
  db: DbOrTx;
  workspaceId: string;
  userId: string;
  source: SupporterSource;
  actor: GrantActor;
  now: Date;
}): Promise<{ supporter: Supporter; created: boolean }> {
  const [inserted] = await opts.db
    .insert(supporters)
    .values({
      workspaceId: opts.workspaceId,
      userId: opts.userId,
      source: opts.source,
      joinedAt: opts.now,
      updatedAt: opts.now,
    })
    .onConflictDoNothing({ target: [supporters.workspaceId, supporters.userId] })
    .returning();
  if (inserted) {
    await recordAudit({
      db: opts.db,
      action: "supporter.joined",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { supporterId: inserted.id, userId: opts.userId, source: opts.source },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return { supporter: inserted, created: true };
  }
  const [existing] = await opts.db
    .select()
    .from(supporters)
    .where(and(eq(supporters.workspaceId, opts.workspaceId), eq(supporters.userId, opts.userId)))
    .limit(1);
  return { supporter: existing!, created: false };
}
