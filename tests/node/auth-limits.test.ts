import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { hashPassword, verifyPassword } from "../../server/services/auth/password";
import { AUTH_LIMITS } from "../../server/services/auth/rate-limit";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { TEST_PASSWORD, createUser } from "../support/factories";
import { callerFor } from "../support/trpc";

// Spies that still run the real scrypt: the tests count how often the costly work happens, they never skip it.
vi.mock(import("../../server/services/auth/password"), async (importOriginal) => {
  const real = await importOriginal();
  return { ...real, hashPassword: vi.fn(real.hashPassword), verifyPassword: vi.fn(real.verifyPassword) };
});

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
beforeEach(() => {
  vi.mocked(hashPassword).mockClear();
  vi.mocked(verifyPassword).mockClear();
});

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

const BOGUS_TOKEN = "not-a-real-token-0000000000";
const NEW_PASSWORD = "a brand new passphrase";

/** Calls `attempt` until the rule's limit is used up, then returns the first refused call's error and context. */
async function exhaust(limit: number, attempt: () => { call: Promise<unknown>; headers: Headers }) {
  for (let i = 0; i < limit; i++) {
    const error = await attempt().call.catch((e: unknown) => e);
    if (error instanceof TRPCError) expect(error.code).not.toBe("TOO_MANY_REQUESTS");
  }
  const refused = attempt();
  const error = await rejection(refused.call);
  expect(error.code).toBe("TOO_MANY_REQUESTS");
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(error.message).toMatch(/Try again in \d+ minutes?\./);
  return error;
}

describe("password reset", () => {
  it("looks the token up before hashing, so a made-up token costs no scrypt", async () => {
    const error = await rejection(
      callerFor(t.db, null, { ip: "198.51.100.1" }).api.auth.resetPassword({
        token: BOGUS_TOKEN,
        password: NEW_PASSWORD,
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(hashPassword).not.toHaveBeenCalled();
  });

  it("limits reset attempts per network before looking at the token", async () => {
    const error = await exhaust(AUTH_LIMITS.resetPerIp.limit, () => {
      const { api, ctx } = callerFor(t.db, null, { ip: "198.51.100.2" });
      return {
        call: api.auth.resetPassword({ token: BOGUS_TOKEN, password: NEW_PASSWORD }),
        headers: ctx.responseHeaders,
      };
    });
    expect(error.message).toContain("password reset attempts");
    const other = await rejection(
      callerFor(t.db, null, { ip: "198.51.100.3" }).api.auth.resetPassword({
        token: BOGUS_TOKEN,
        password: NEW_PASSWORD,
      }),
    );
    expect(other.code).toBe("NOT_FOUND");
  });

  it("limits reset requests per network, whether or not the address has an account", async () => {
    const user = await createUser(t.db);
    let i = 0;
    await exhaust(AUTH_LIMITS.resetRequestPerIp.limit, () => {
      const { api, ctx } = callerFor(t.db, null, { ip: "198.51.100.4" });
      const email = i++ % 2 === 0 ? user.email : `nobody${i}@example.test`;
      return { call: api.auth.requestPasswordReset({ email }), headers: ctx.responseHeaders };
    });
  });
});

describe("change password", () => {
  it("locks the account after repeated wrong current passwords, before checking the next one", async () => {
    const user = await createUser(t.db);
    await exhaust(AUTH_LIMITS.changePasswordPerAccount.limit, () => {
      const { api, ctx } = callerFor(t.db, user, { ip: "198.51.100.5" });
      return {
        call: api.auth.changePassword({ currentPassword: "wrong password!", newPassword: NEW_PASSWORD }),
        headers: ctx.responseHeaders,
      };
    });
    expect(verifyPassword).toHaveBeenCalledTimes(AUTH_LIMITS.changePasswordPerAccount.limit);
    // The right password is refused too while the account is locked: the limit is checked first.
    const error = await rejection(
      callerFor(t.db, user, { ip: "198.51.100.6" }).api.auth.changePassword({
        currentPassword: TEST_PASSWORD,
        newPassword: NEW_PASSWORD,
      }),
    );
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(verifyPassword).toHaveBeenCalledTimes(AUTH_LIMITS.changePasswordPerAccount.limit);
  }, 120_000);

  it("reopens after the window", async () => {
    const user = await createUser(t.db);
    const start = Date.now();
    for (let i = 0; i < AUTH_LIMITS.changePasswordPerAccount.limit; i++) {
      await rejection(
        callerFor(t.db, user, { clock: () => new Date(start) }).api.auth.changePassword({
          currentPassword: "wrong password!",
          newPassword: NEW_PASSWORD,
        }),
      );
    }
    const later = () => new Date(start + (AUTH_LIMITS.changePasswordPerAccount.windowSeconds + 60) * 1000);
    await expect(
      callerFor(t.db, user, { clock: later }).api.auth.changePassword({
        currentPassword: TEST_PASSWORD,
        newPassword: NEW_PASSWORD,
      }),
    ).resolves.toEqual({ ok: true });
  }, 120_000);
});

describe("email verification", () => {
  it("limits confirmation attempts per network", async () => {
    await exhaust(AUTH_LIMITS.verifyEmailPerIp.limit, () => {
      const { api, ctx } = callerFor(t.db, null, { ip: "198.51.100.7" });
      return { call: api.auth.verifyEmail({ token: BOGUS_TOKEN }), headers: ctx.responseHeaders };
    });
  });

  it("limits resends per network across accounts", async () => {
    const ip = "198.51.100.8";
    const users = await Promise.all(
      Array.from({ length: AUTH_LIMITS.resendVerificationPerIp.limit + 1 }, () =>
        createUser(t.db, { verified: false }),
      ),
    );
    let next = 0;
    await exhaust(AUTH_LIMITS.resendVerificationPerIp.limit, () => {
      const { api, ctx } = callerFor(t.db, users[next++]!, { ip });
      return { call: api.auth.resendVerification(), headers: ctx.responseHeaders };
    });
  });
});

describe("invitations", () => {
  it("limits previews of invitation links per network", async () => {
    await exhaust(AUTH_LIMITS.invitationPreviewPerIp.limit, () => {
      const { api, ctx } = callerFor(t.db, null, { ip: "198.51.100.9" });
      return { call: api.workspaces.previewInvitation({ token: BOGUS_TOKEN }), headers: ctx.responseHeaders };
    });
  });

  it("limits accept attempts per account, then per network", async () => {
    const owner = await createUser(t.db);
    await exhaust(AUTH_LIMITS.invitationAcceptPerAccount.limit, () => {
      const { api, ctx } = callerFor(t.db, owner, { ip: "198.51.100.10" });
      return { call: api.workspaces.acceptInvitation({ token: BOGUS_TOKEN }), headers: ctx.responseHeaders };
    });
    const others = await Promise.all(
      Array.from({ length: AUTH_LIMITS.invitationAcceptPerIp.limit + 1 }, () => createUser(t.db)),
    );
    let next = 0;
    await exhaust(AUTH_LIMITS.invitationAcceptPerIp.limit, () => {
      const { api, ctx } = callerFor(t.db, others[next++]!, { ip: "198.51.100.11" });
      return { call: api.workspaces.acceptInvitation({ token: BOGUS_TOKEN }), headers: ctx.responseHeaders };
    });
  });
});
