import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import type { Database } from "../../../db/client";
import type { Env } from "../../../server/env";
import { setPlanLocally } from "../../../server/services/billing/accounts";
import { createTeam, createUser, createWorkspace, type TestUser } from "../../support/factories";
import { callerFor } from "../../support/trpc";

/**
 * Shared by every `*.cases.ts` file here. Tenant A is a full team (owner, admin, editor, viewer); tenant B is an
 * outsider who owns another workspace with one pending invitation.
 */
export async function tenants(db: Database) {
  const a = await createTeam(db, "Tenant A");
  const outsider = await createUser(db, { name: "Oscar Outsider" });
  const b = await createWorkspace(db, outsider, "Tenant B");
  await callerFor(db, outsider).api.workspaces.inviteMember({
    workspaceId: b.id,
    email: "b-invitee@example.test",
    role: "viewer",
  });
  /** `env` adds bindings (R2, Stripe, Instagram) for the procedures that need them. */
  const api = (user: TestUser, opts: { env?: Partial<Env> } = {}) => callerFor(db, user, opts).api;
  return { db, a, b, outsider, api };
}
export type Tenants = Awaited<ReturnType<typeof tenants>>;

/** Tenant A (a team of four, on Free) needs a paid plan's seats before it can invite anyone more. */
export async function giveTenantASeats({ db, a }: Pick<Tenants, "db" | "a">) {
  await setPlanLocally({ db, workspaceId: a.workspace.id, plan: "pro", environment: "test", now: new Date() });
}

/**
 * allow: a member with the needed role succeeds. foreign: a user of another workspace gets NOT_FOUND, both for
 * the other tenant's workspace id and, where the procedure takes an object id, for the other tenant's object
 * addressed through the caller's own workspace.
 */
export interface TenancyCase {
  allow(x: Tenants): Promise<void>;
  foreign(x: Tenants): Promise<void>;
}

export async function expectNotFound(promise: Promise<unknown>) {
  const error = await promise.then(
    () => new Error("expected NOT_FOUND, the call succeeded"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("NOT_FOUND");
}
