import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emails, invitations } from "../../db/schema";
import { AppError } from "../../server/lib/errors";
import { setPlanLocally } from "../../server/services/billing/accounts";
import { SEND_EMAIL_JOB, recordEmail, requeueStuckEmails } from "../../server/services/email/outbox";
import { createCallerFactory, publicProcedure, router } from "../../server/trpc/init";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTeam } from "../support/factories";
import { memoryQueue } from "../support/memory-queue";
import { callerFor } from "../support/trpc";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // The same switch the atomic-writes walker uses: an audit insert fails on demand, rolling its transaction back.
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

const content = (subject: string) => ({ subject, text: subject, html: `<p>${subject}</p>` });
/** The messages along an error's cause chain (the database error sits under the tRPC one). */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.join("\n");
}
const emailTo = (to: string) => t.db.select().from(emails).where(eq(emails.to, to));

describe("a workspace invitation (a mutation outside events)", () => {
  it("queues the invitation email as soon as the mutation returns", async () => {
    const { workspace, admin } = await createTeam(t.db);
    await setPlanLocally({ db: t.db, workspaceId: workspace.id, plan: "pro", environment: "test", now: new Date() });
    const { api, emails: queue } = callerFor(t.db, admin);
    await api.workspaces.inviteMember({ workspaceId: workspace.id, email: "guest@example.test", role: "viewer" });
    const [mail] = await emailTo("guest@example.test");
    expect(mail).toMatchObject({ status: "queued", attempts: 0 });
    expect(queue.jobs(SEND_EMAIL_JOB)).toEqual([{ emailId: mail.id }]);
  });

  it("queues nothing when the invitation rolls back after its email row was written", async () => {
    const { workspace, admin } = await createTeam(t.db);
    await setPlanLocally({ db: t.db, workspaceId: workspace.id, plan: "pro", environment: "test", now: new Date() });
    const { api, emails: queue } = callerFor(t.db, admin);
    await t.pglite.exec(`set greenroom.fail_audit = 'on'`);
    const failure = await api.workspaces
      .inviteMember({ workspaceId: workspace.id, email: "never@example.test", role: "viewer" })
      .then(
        () => null,
        (error: unknown) => error,
      );
    await t.pglite.exec(`reset greenroom.fail_audit`);
    expect(causes(failure)).toMatch(/injected audit failure/);
    expect(await emailTo("never@example.test")).toEqual([]);
    expect(await t.db.select().from(invitations).where(eq(invitations.email, "never@example.test"))).toEqual([]);
    expect(queue.sent).toEqual([]);
  });
});

describe("the procedure ladder", () => {
  // Procedures built on the real ladder, recording email the way any service does, so the rule is checked apart
  // from every service that relies on it.
  const probe = router({
    recordTwice: publicProcedure.mutation(async ({ ctx }) => {
      const first = await ctx.db.transaction((tx) =>
        recordEmail({ db: tx, to: "a@example.test", content: content("A") }),
      );
      const second = await ctx.db.transaction((tx) =>
        recordEmail({ db: tx, to: "b@example.test", content: content("B") }),
      );
      return [first, second];
    }),
    recordThenRefuse: publicProcedure.mutation(({ ctx }) =>
      ctx.db.transaction(async (tx) => {
        await recordEmail({ db: tx, to: "refused@example.test", content: content("Refused") });
        throw new AppError("CONFLICT", "Refused after writing.");
      }),
    ),
    commitThenFail: publicProcedure.mutation(async ({ ctx }) => {
      await ctx.db.transaction((tx) => recordEmail({ db: tx, to: "stranded@example.test", content: content("S") }));
      throw new Error("failed after the commit");
    }),
  });
  const call = () => {
    const { ctx, emails: queue } = callerFor(t.db, null);
    return { api: createCallerFactory(probe)(ctx), queue };
  };

  it("queues every email a mutation recorded, across its transactions, once it returns", async () => {
    const { api, queue } = call();
    const ids = await api.recordTwice();
    expect(queue.jobs(SEND_EMAIL_JOB)).toEqual(ids.map((emailId) => ({ emailId })));
  });

  it("queues nothing for a mutation whose transaction rolled back, and leaves no row", async () => {
    const { api, queue } = call();
    await expect(api.recordThenRefuse()).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await emailTo("refused@example.test")).toEqual([]);
    expect(queue.sent).toEqual([]);
  });

  it("leaves a committed row of a failed mutation to the outbox sweep", async () => {
    const { api, queue } = call();
    await expect(api.commitThenFail()).rejects.toThrow();
    expect(queue.sent).toEqual([]);
    const [stranded] = await emailTo("stranded@example.test");
    const sweep = memoryQueue();
    await requeueStuckEmails({ db: t.db, emailQueue: sweep.queue, olderThan: new Date(Date.now() + 60_000) });
    expect(sweep.jobs(SEND_EMAIL_JOB)).toContainEqual({ emailId: stranded.id });
  });
});
