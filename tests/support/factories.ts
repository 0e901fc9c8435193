import { randomUUID } from "node:crypto";
import type { Database } from "../../db/client";
import { memberships, users, workspaces, type Role } from "../../db/schema";
import { hashPassword } from "../../server/services/auth/password";
import { createSession, type ValidSession } from "../../server/services/auth/sessions";

export const TEST_PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  session: ValidSession;
  sessionToken: string;
}

/** A verified user with a live session. Every user shares one real scrypt hash of TEST_PASSWORD. */
export async function createUser(
  db: Database,
  overrides: { email?: string; name?: string; verified?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = overrides.email ?? `user-${randomUUID().slice(0, 8)}@example.test`;
  const name = overrides.name ?? "Test User";
  const [user] = await db
    .insert(users)
    .values({
      email,
      name,
      passwordHash: await passwordHash,
      emailVerifiedAt: overrides.verified === false ? null : new Date(),
    })
    .returning();
  const { sessionId, token } = await createSession({
    db,
    userId: user.id,
    meta: { ip: "127.0.0.1", userAgent: "vitest" },
    now: new Date(),
  });
  return {
    id: user.id,
    email,
    name,
    sessionToken: token,
    session: { sessionId, user: { id: user.id, email, name, emailVerified: overrides.verified !== false } },
  };
}

export async function createWorkspace(db: Database, owner: { id: string }, name = "Test studio") {
  const [workspace] = await db.insert(workspaces).values({ name }).returning();
  await db.insert(memberships).values({ workspaceId: workspace.id, userId: owner.id, role: "owner" });
  return workspace;
}

export async function addMember(db: Database, workspaceId: string, user: { id: string }, role: Role) {
  await db.insert(memberships).values({ workspaceId, userId: user.id, role });
}

/** A workspace with an owner plus one member of each other role. */
export async function createTeam(db: Database, name = "Team studio") {
  const owner = await createUser(db, { name: "Olive Owner" });
  const workspace = await createWorkspace(db, owner, name);
  const admin = await createUser(db, { name: "Ada Admin" });
  const editor = await createUser(db, { name: "Ed Editor" });
  const viewer = await createUser(db, { name: "Vi Viewer" });
  await addMember(db, workspace.id, admin, "admin");
  await addMember(db, workspace.id, editor, "editor");
  await addMember(db, workspace.id, viewer, "viewer");
  return { workspace, owner, admin, editor, viewer };
}
