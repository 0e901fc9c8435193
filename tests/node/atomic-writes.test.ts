import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emails, events, sandboxSubscriptions } from "../../db/schema";
import type { Env } from "../../server/env";
import { appRouter } from "../../server/trpc/router";
import { unsubscribeToken } from "../../server/services/posts/unsubscribe";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createCampaign, createUser, TEST_PASSWORD, type TestUser } from "../support/factories";
import { insertEvent } from "../support/events";
import { createPaidTier } from "../support/payments";
import { insertSupporter } from "../support/private-feeds";
import { tableSnapshot } from "../support/snapshot";
import { audienceMember, insertTier } from "../support/comments";
import { insertPublishedEpisode, insertShow } from "../support/podcasts";
import { callerFor, testEnv } from "../support/trpc";
import { giveTenantASeats, tenants, type TenancyCase, type Tenants } from "./tenancy/harness";
import { cancelOrder, registerEventsPaymentHandler } from "../../server/services/events/orders";
import { reserveTickets } from "../../server/services/events/reserve";
import { joinWaitlist } from "../../server/services/events/waitlist";

/**
 * A mutation's change and its audit row commit together or not at all (ADR 013). A trigger makes every audit insert
 * fail while a session setting is on; each mutation of the router is run with valid input and that setting on
 * around exactly one call, and every table must be unchanged afterwards and no queue message sent. Workspace
 * mutations reuse the tenancy suite's allow cases (they already know a valid call); the rest are listed below.
 * The router is walked, so a new mutation without a case fails here.
 */

const tenancyModules = import.meta.glob<{ cases: Record<string, TenancyCase> }>("./tenancy/*.cases.ts", {
  eager: true,
});
const tenancyCases = new Map<string, TenancyCase>(
  Object.values(tenancyModules).flatMap((m) => Object.entries(m.cases)),
);

/** Mutations that by design change nothing stored: the test proves they still write nothing. */
const WRITES_NOTHING = new Set(["socialInsights.suggestCaption"]);

/**
 * Rate-limit counters are deliberately written outside the call's transaction: an attempt counts even when the
 * call then fails, or a failing call would be a free retry.
 */
const NOT_COMPARED = new Set(["rate_limits"]);

type Api = ReturnType<typeof callerFor>["api"];
interface Armed extends Omit<Tenants, "api"> {
  api: (user: TestUser | null, opts?: { env?: Partial<Env> }) => Api;
  user: (overrides?: { verified?: boolean }) => Promise<TestUser>;
}
type Run = (x: Armed) => Promise<unknown>;

/** The token in the newest email to `to` whose link matches `link` (the token is its first group). */
async function tokenFromEmail(x: Armed, to: string, link: RegExp) {
  const rows = await x.db.select().from(emails).where(eq(emails.to, to));
  const match = rows
    .reverse()
    .map((row) => link.exec(row.text))
    .find(Boolean);
  if (!match) throw new Error(`no email to ${to} with a link like ${String(link)}`);
  return match[1];
}

/** A supporter's open sandbox checkout of a paid tier of tenant A, made outside the armed call. */
async function sandboxCheckoutInA(x: Armed) {
  const tier = await createPaidTier(x.db, x.a.workspace.id);
  const buyer = await x.user();
  const checkout = await callerFor(x.db, buyer).api.payments.createTierCheckout({
    workspaceId: x.a.workspace.id,
    tierId: tier.id,
    interval: "month",
  });
  return { buyer, checkoutId: checkout.id };
}

/** The messages of an error and of every cause beneath it (drizzle wraps the database's error). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(" / ");
}

/** The audience side's comment mutations (not workspace procedures): a supporter under a published episode. */
async function commentScene(x: Armed) {
  const show = await insertShow(x.db, x.a.workspace.id);
  const { episode } = await insertPublishedEpisode(x.db, show);
  const tier = await insertTier(x.db, x.a.workspace.id, "Free", "free");
  const author = await audienceMember(x.db, x.a.workspace.id, tier);
  const replier = await audienceMember(x.db, x.a.workspace.id, tier);
  const target = { workspaceId: x.a.workspace.id, targetKind: "episode" as const, targetId: episode.id };
  const root = await callerFor(x.db, author).api.comments.create({ ...target, body: "First" });
  return { target, author, replier, root };
}
/** Tenant A's free event (1 seat, buyers may cancel until 1 h before) with a ticket of `holder`. */
async function ticketScene(x: Armed) {
  registerEventsPaymentHandler("http://localhost:5173");
  const { event, types } = await insertEvent(x.db, x.a.workspace.id, { capacity: 1 });
  await x.db.update(events).set({ refundWindowHours: 1 }).where(eq(events.id, event.id));
  const holder = await x.user();
  const reserved = await reserveTickets({
    db: x.db,
    workspaceId: x.a.workspace.id,
    eventId: event.id,
    userId: holder.id,
    lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
    now: new Date(),
    appUrl: "http://localhost:5173",
  });
  if (reserved.status !== "issued") throw new Error("expected a free ticket");
  return { event, types, holder, orderId: reserved.orderId, ticketId: reserved.ticketIds[0] };
}

/** The ticket's order canceled by the creator: its seat is offered to `waiter`, whose email carries the token. */
async function offerScene(x: Armed) {
  const { event, types, orderId } = await ticketScene(x);
  const waiter = await x.user();
  await joinWaitlist({
    db: x.db,
    workspaceId: x.a.workspace.id,
    eventId: event.id,
    ticketTypeId: types[0].id,
    userId: waiter.id,
    quantity: 1,
    tierIds: [],
    now: new Date(),
  });
  await cancelOrder({
    db: x.db,
    workspaceId: x.a.workspace.id,
    orderId,
    cancelTickets: true,
    refundCents: 0,
    actorUserId: null,
    now: new Date(),
    appUrl: "http://localhost:5173",
  });
  const token = await tokenFromEmail(x, waiter.email, /\/offers\/([\w-]+)/);
  return { waiter, token };
}

/** Events' buyer-side changes (ADR 032): each writes its audit rows (grants, orders, waitlist) with the change. */
const eventChangeCases: Record<string, Run> = {
  "events.cancelMyOrder": async (x) => {
    const { holder, orderId } = await ticketScene(x);
    return x.api(holder).events.cancelMyOrder({ workspaceId: x.a.workspace.id, orderId });
  },
  "events.transferTicket": async (x) => {
    const { holder, ticketId } = await ticketScene(x);
    return x
      .api(holder)
      .events.transferTicket({ workspaceId: x.a.workspace.id, ticketId, email: "friend@example.test", name: "Friend" });
  },
  "events.acceptOffer": async (x) => {
    const { waiter, token } = await offerScene(x);
    return x.api(waiter).events.acceptOffer({ workspaceId: x.a.workspace.id, token });
  },
  "events.declineOffer": async (x) => {
    const { waiter, token } = await offerScene(x);
    return x.api(waiter).events.declineOffer({ workspaceId: x.a.workspace.id, token });
  },
};

const commentCases: Record<string, Run> = {
  // A reply: the comment, its audit row, both notifications and the reply email commit together.
  "comments.create": async (x) => {
    const { target, replier, root } = await commentScene(x);
    return x.api(replier).comments.create({ ...target, parentId: root.id, body: "A reply" });
  },
  "comments.edit": async (x) => {
    const { target, author, root } = await commentScene(x);
    return x.api(author).comments.edit({ workspaceId: target.workspaceId, commentId: root.id, body: "Edited" });
  },
  "comments.delete": async (x) => {
    const { target, author, root } = await commentScene(x);
    return x.api(author).comments.delete({ workspaceId: target.workspaceId, commentId: root.id });
  },
  "comments.report": async (x) => {
    const { target, replier, root } = await commentScene(x);
    return x
      .api(replier)
      .comments.report({ workspaceId: target.workspaceId, commentId: root.id, reason: "spam", note: "" });
  },
};

/** Valid calls of the mutations that are not workspace procedures (so have no tenancy case). */
const otherCases = new Map<string, Run>(
  Object.entries<Run>({
    "auth.signUp": (x) =>
      x.api(null).auth.signUp({ name: "Nina New", email: "nina@example.test", password: "a long enough passphrase" }),
    "auth.logIn": async (x) => {
      const user = await x.user();
      return x.api(null).auth.logIn({ email: user.email, password: TEST_PASSWORD });
    },
    "auth.logOut": async (x) => x.api(await x.user()).auth.logOut(),
    "auth.verifyEmail": async (x) => {
      const user = await x.user({ verified: false });
      await callerFor(x.db, user).api.auth.resendVerification();
      return x
        .api(null)
        .auth.verifyEmail({ token: await tokenFromEmail(x, user.email, /\/verify-email\?token=([\w-]+)/) });
    },
    "auth.resendVerification": async (x) => x.api(await x.user({ verified: false })).auth.resendVerification(),
    "auth.requestPasswordReset": async (x) => x.api(null).auth.requestPasswordReset({ email: (await x.user()).email }),
    "auth.resetPassword": async (x) => {
      const user = await x.user();
      await callerFor(x.db, null).api.auth.requestPasswordReset({ email: user.email });
      const token = await tokenFromEmail(x, user.email, /\/reset-password\?token=([\w-]+)/);
      return x.api(null).auth.resetPassword({ token, password: "a brand new passphrase" });
    },
    "auth.changePassword": async (x) =>
      x.api(await x.user()).auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "another passphrase" }),
    "auth.changeName": async (x) => x.api(await x.user()).auth.changeName({ name: "Renamed Person" }),
    "auth.requestEmailChange": async (x) =>
      x.api(await x.user()).auth.requestEmailChange({ newEmail: "moved@example.test", currentPassword: TEST_PASSWORD }),
    "auth.confirmEmailChange": async (x) => {
      const user = await x.user();
      await callerFor(x.db, user).api.auth.requestEmailChange({
        newEmail: "confirmed@example.test",
        currentPassword: TEST_PASSWORD,
      });
      const token = await tokenFromEmail(x, "confirmed@example.test", /\/confirm-email-change\?token=([\w-]+)/);
      return x.api(null).auth.confirmEmailChange({ token });
    },
    "auth.revokeOtherSessions": async (x) => {
      const user = await x.user();
      await callerFor(x.db, null).api.auth.logIn({ email: user.email, password: TEST_PASSWORD });
      return x.api(user).auth.revokeOtherSessions();
    },
    "auth.revokeSession": async (x) => {
      const user = await x.user();
      await callerFor(x.db, null).api.auth.logIn({ email: user.email, password: TEST_PASSWORD });
      const other = (await callerFor(x.db, user).api.auth.listSessions()).find((s) => !s.current);
      return x.api(user).auth.revokeSession({ sessionId: other?.id ?? "" });
    },
    "workspaces.create": async (x) => x.api(x.outsider).workspaces.create({ name: "Second studio" }),
    ...commentCases,
    ...eventChangeCases,
    "privateFeeds.rotate": async (x) => {
      const person = await x.user();
      await insertSupporter(x.db, x.a.workspace.id, person.id);
      const show = await insertShow(x.db, x.a.workspace.id);
      return x.api(person).privateFeeds.rotate({ workspaceId: x.a.workspace.id, showId: show.id });
    },
    "workspaces.acceptInvitation": async (x) => {
      await giveTenantASeats(x);
      const invitee = await x.user();
      await callerFor(x.db, x.a.admin).api.workspaces.inviteMember({
        workspaceId: x.a.workspace.id,
        email: invitee.email,
        role: "editor",
      });
      const token = await tokenFromEmail(x, invitee.email, /\/invite\/([\w-]+)/);
      return x.api(invitee).workspaces.acceptInvitation({ token });
    },
    // The import's preview writes nothing, so the armed call is the import itself.
    "audience.importMembers": (x) =>
      x.api(x.a.owner).audience.importMembers({
        workspaceId: x.a.workspace.id,
        csv: "email,name\nimported@example.test,Imported Person\n",
        apply: true,
      }),
    "audience.join": async (x) => x.api(await x.user()).audience.join({ workspaceId: x.a.workspace.id }),
    "audience.joinWithPassword": (x) =>
      x.api(null).audience.joinWithPassword({
        workspaceId: x.a.workspace.id,
        name: "Jo Fan",
        email: "jo.fan@example.test",
        password: "a long enough passphrase",
      }),
    "audience.requestJoinLink": (x) =>
      x.api(null).audience.requestJoinLink({ workspaceId: x.a.workspace.id, email: "link.fan@example.test" }),
    "audience.signInWithLink": async (x) => {
      await callerFor(x.db, null).api.audience.requestJoinLink({
        workspaceId: x.a.workspace.id,
        email: "opened.link@example.test",
      });
      const token = await tokenFromEmail(x, "opened.link@example.test", /\/sign-in\?token=([\w-]+)/);
      return x.api(null).audience.signInWithLink({ workspaceId: x.a.workspace.id, token });
    },
    "posts.unsubscribe": async (x) => {
      const fan = await x.user();
      const { supporterId } = await callerFor(x.db, fan).api.audience.join({ workspaceId: x.a.workspace.id });
      return x
        .api(null)
        .posts.unsubscribe({ token: unsubscribeToken(testEnv().env.UPLOAD_SIGNING_SECRET, supporterId) });
    },
    "campaigns.decideApproval": async (x) => {
      const { campaign } = await createCampaign(x.db, x.a.workspace.id);
      const link = await callerFor(x.db, x.a.editor).api.campaigns.createShareLink({
        workspaceId: x.a.workspace.id,
        campaignId: campaign.id,
        purpose: "approval",
      });
      const token = link.url.split("/approve/")[1];
      return x.api(null).campaigns.decideApproval({ token, decision: "approved", decidedByName: "Ana Buyer" });
    },
    // A paid reservation: the order, its holds and the audit row commit together.
    "events.reserve": async (x) => {
      const { event, types } = await insertEvent(x.db, x.a.workspace.id, { types: [{ priceCents: 2500 }] });
      return x.api(await x.user()).events.reserve({
        workspaceId: x.a.workspace.id,
        eventId: event.id,
        lines: [{ ticketTypeId: types[0].id, quantity: 2 }],
      });
    },
    // The extended hold, the sandbox checkout, the order's link to it and the audit row commit together.
    "events.startCheckout": async (x) => {
      const { event, types } = await insertEvent(x.db, x.a.workspace.id, { types: [{ priceCents: 2500 }] });
      const buyer = await x.user();
      const held = await callerFor(x.db, buyer).api.events.reserve({
        workspaceId: x.a.workspace.id,
        eventId: event.id,
        lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      });
      return x.api(buyer).events.startCheckout({ workspaceId: x.a.workspace.id, orderId: held.orderId });
    },
    "events.joinWaitlist": async (x) => {
      const { event, types } = await insertEvent(x.db, x.a.workspace.id, { capacity: 1 });
      await callerFor(x.db, await x.user()).api.events.reserve({
        workspaceId: x.a.workspace.id,
        eventId: event.id,
        lines: [{ ticketTypeId: types[0].id, quantity: 1 }],
      });
      return x.api(await x.user()).events.joinWaitlist({
        workspaceId: x.a.workspace.id,
        eventId: event.id,
        ticketTypeId: types[0].id,
        quantity: 1,
      });
    },
    "payments.createTierCheckout": async (x) => {
      const tier = await createPaidTier(x.db, x.a.workspace.id);
      return x
        .api(await x.user())
        .payments.createTierCheckout({ workspaceId: x.a.workspace.id, tierId: tier.id, interval: "month" });
    },
    "payments.createPortal": async (x) =>
      x.api(await x.user()).payments.createPortal({ workspaceId: x.a.workspace.id }),
    "payments.sandboxConfirmCheckout": async (x) => {
      const { buyer, checkoutId } = await sandboxCheckoutInA(x);
      return x.api(buyer).payments.sandboxConfirmCheckout({ checkoutId });
    },
    "payments.sandboxDeclineCheckout": async (x) => {
      const { buyer, checkoutId } = await sandboxCheckoutInA(x);
      return x.api(buyer).payments.sandboxDeclineCheckout({ checkoutId });
    },
    "payments.sandboxControlOwnSubscription": async (x) => {
      const { buyer, checkoutId } = await sandboxCheckoutInA(x);
      await callerFor(x.db, buyer).api.payments.sandboxConfirmCheckout({ checkoutId });
      const [subscription] = await x.db
        .select()
        .from(sandboxSubscriptions)
        .where(eq(sandboxSubscriptions.userId, buyer.id));
      return x.api(buyer).payments.sandboxControlOwnSubscription({
        workspaceId: x.a.workspace.id,
        subscriptionId: subscription.id,
        control: "cancel_at_period_end",
      });
    },
  }),
);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.pglite.exec(`
    create function fail_audit_when_asked() returns trigger language plpgsql as $$
    begin
      if current_setting('greenroom.fail_audit', true) = 'on' then
        raise exception 'injected audit failure';
      end if;
      return new;
    end $$;
    create trigger fail_audit before insert on audit_events
      for each row execute function fail_audit_when_asked();
  `);
});
afterAll(() => t.close());

const snapshot = () => tableSnapshot(t.pglite, NOT_COMPARED);

interface Probe {
  fired: boolean;
  error?: unknown;
  before?: Map<string, string[]>;
  after?: Map<string, string[]>;
  queued: number;
}

/**
 * The router as `user` calls it, except that the first call of `target` runs with audit inserts failing, between
 * two snapshots. Every other call (the case's setup) runs normally.
 */
function armedApi(
  target: string,
  probe: Probe,
  failAudit: boolean,
  user: TestUser | null,
  opts: { env?: Partial<Env> } = {},
): Api {
  const caller = callerFor(t.db, user, opts);
  const queued = () => Object.values(caller.queues).reduce((n, q) => n + q.sent.length, 0);
  const wrap = (node: unknown, path: string[]): unknown =>
    new Proxy(() => undefined, {
      get: (_, key) =>
        typeof key === "string" && key !== "then" ? wrap(Reflect.get(node as object, key), [...path, key]) : undefined,
      apply: async (_, __, args: unknown[]) => {
        const call = () => (node as (...a: unknown[]) => Promise<unknown>)(...args);
        if (path.join(".") !== target || probe.fired) return call();
        probe.fired = true;
        probe.before = await snapshot();
        const queuedBefore = queued();
        if (failAudit) await t.pglite.exec(`set greenroom.fail_audit = 'on'`);
        try {
          return await call();
        } catch (error) {
          probe.error = error;
          throw error;
        } finally {
          await t.pglite.exec(`reset greenroom.fail_audit`);
          probe.after = await snapshot();
          probe.queued = queued() - queuedBefore;
        }
      },
    });
  return wrap(caller.api, []) as Api;
}

async function runArmed(path: string, failAudit: boolean) {
  const probe: Probe = { fired: false, queued: 0 };
  const base = await tenants(t.db);
  const x: Armed = {
    ...base,
    api: (user, opts) => armedApi(path, probe, failAudit, user, opts),
    user: (overrides: { verified?: boolean } = {}) => createUser(t.db, overrides),
  };
  const run: Run | undefined = otherCases.get(path) ?? tenancyCases.get(path)?.allow;
  // The case's own expectations fail once the armed call throws; the probe holds what this test checks.
  await run?.(x).catch(() => undefined);
  return probe;
}

const mutations = Object.entries(appRouter._def.procedures)
  .filter(([, procedure]) => (procedure as unknown as { _def: { type: string } })._def.type === "mutation")
  .map(([path]) => path)
  .sort();

describe("atomic writes", () => {
  it("has a valid call for every mutation in the router", () => {
    expect(mutations.length).toBeGreaterThan(40);
    const missing = mutations.filter((path) => !otherCases.has(path) && !tenancyCases.has(path));
    expect(missing).toEqual([]);
  });

  for (const path of mutations) {
    if (WRITES_NOTHING.has(path)) {
      it(`${path} writes nothing at all`, async () => {
        const probe = await runArmed(path, false);
        expect(probe.fired).toBe(true);
        expect(probe.error).toBeUndefined();
        expect(probe.after).toEqual(probe.before);
      });
      continue;
    }
    it(`${path} writes nothing when its audit row cannot be written`, async () => {
      const probe = await runArmed(path, true);
      expect(probe.fired, "the case never called the procedure").toBe(true);
      expect(messages(probe.error), "the call succeeded without its audit row").toMatch(/injected audit failure/);
      expect(probe.after).toEqual(probe.before);
      expect(probe.queued, "a queue message was sent for a call that did not commit").toBe(0);
    });
  }
});
