import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db/client";
import { auditEvents, grants, paymentLedger, supporters, tiers, users, type SupporterStatus } from "../../../db/schema";
import { AppError } from "../../lib/errors";
import { readBatch } from "../../../db/batch";
import { recordAudit } from "../audit/audit";
import { endGrant, extendGrant, issueGrant, type EndedGrantStatus, type GrantActor } from "./grants";
import { parseCsv } from "./csv";
import { ensureSupporter, findOrCreatePerson } from "./supporters";
import { getTier } from "./tiers";
import { requireSupporter, viewerQuery } from "./viewer";

/**
 * The creator's side of the audience (issue 12 item 7): the members list, a member's page, blocking, manual grants.
 * Every read is filtered by the workspace and reads only its own `supporters`/`grants`/`payment_ledger` rows, so a
 * creator never learns whom else a person supports (AUDIENCE.md invariant 1).
 */

export const MEMBERS_PAGE_SIZE = 50;

export interface MemberFilters {
  /** A tier id: members with an active grant of it; "none": members with no active tier grant. */
  tier?: string | "none";
  status?: SupporterStatus;
  joinedFrom?: Date;
  /** Exclusive. */
  joinedTo?: Date;
}

const activeGrantOf = (now: Date, tierFilter?: SQL) => sql`exists (
  select 1 from ${grants} g where g.supporter_id = ${supporters.id} and g.workspace_id = ${supporters.workspaceId}
    and g.kind = 'tier' and g.status = 'active' and g.starts_at <= ${now.toISOString()}::timestamptz and (g.ends_at is null or g.ends_at > ${now.toISOString()}::timestamptz)
    ${tierFilter ? sql`and ${tierFilter}` : sql``}
)`;

function memberWhere(workspaceId: string, filters: MemberFilters, now: Date) {
  return and(
    eq(supporters.workspaceId, workspaceId),
    filters.status ? eq(supporters.status, filters.status) : undefined,
    filters.joinedFrom ? gte(supporters.joinedAt, filters.joinedFrom) : undefined,
    filters.joinedTo ? lt(supporters.joinedAt, filters.joinedTo) : undefined,
    filters.tier === "none"
      ? sql`not ${activeGrantOf(now)}`
      : filters.tier
        ? activeGrantOf(now, sql`g.tier_id = ${filters.tier}`)
        : undefined,
  );
}

/** The active tiers' names of a member, as JSON, for the list. */
const currentTiers = (now: Date) => sql<{ id: string | null; name: string | null; paid: boolean }[]>`coalesce((
  select json_agg(json_build_object('id', t.id, 'name', t.name, 'paid', coalesce(t.kind = 'paid', false)))
  from ${grants} g left join ${tiers} t on t.id = g.tier_id
  where g.supporter_id = ${supporters.id} and g.workspace_id = ${supporters.workspaceId} and g.kind = 'tier'
    and g.status = 'active' and g.starts_at <= ${now.toISOString()}::timestamptz and (g.ends_at is null or g.ends_at > ${now.toISOString()}::timestamptz)
), '[]'::json)`;

export function listMembersQuery(opts: {
  db: DbOrTx;
  workspaceId: string;
  filters: MemberFilters;
  page: number;
  now: Date;
}) {
  return opts.db
    .select({
      supporterId: supporters.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      status: supporters.status,
      source: supporters.source,
      joinedAt: supporters.joinedAt,
      tiers: currentTiers(opts.now),
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(supporters)
    .innerJoin(users, eq(users.id, supporters.userId))
    .where(memberWhere(opts.workspaceId, opts.filters, opts.now))
    .orderBy(desc(supporters.joinedAt), desc(supporters.id))
    .limit(MEMBERS_PAGE_SIZE)
    .offset((opts.page - 1) * MEMBERS_PAGE_SIZE);
}

export async function listMembers(opts: {
  db: DbOrTx;
  workspaceId: string;
  filters: MemberFilters;
  page: number;
  now: Date;
}) {
  const rows = await listMembersQuery(opts);
  return {
    total: rows[0]?.total ?? 0,
    page: opts.page,
    pageSize: MEMBERS_PAGE_SIZE,
    members: rows.map(({ total: _total, ...row }) => row),
  };
}

/** Every member matching the filters, for the CSV export (no paging; the list page is paged). */
export async function exportMembers(opts: { db: DbOrTx; workspaceId: string; filters: MemberFilters; now: Date }) {
  const rows = await opts.db
    .select({
      name: users.name,
      email: users.email,
      status: supporters.status,
      source: supporters.source,
      joinedAt: supporters.joinedAt,
      emailNewsletters: supporters.emailNewsletters,
      tiers: currentTiers(opts.now),
    })
    .from(supporters)
    .innerJoin(users, eq(users.id, supporters.userId))
    .where(memberWhere(opts.workspaceId, opts.filters, opts.now))
    .orderBy(desc(supporters.joinedAt), desc(supporters.id));
  return rows.map((row) => ({
    name: row.name,
    email: row.email,
    status: row.status,
    source: row.source,
    joinedAt: row.joinedAt.toISOString(),
    newsletters: row.emailNewsletters,
    tiers: row.tiers.map((tier) => tier.name ?? "Members").join("; "),
  }));
}

/**
 * One member's page in one batch: the person and relationship, every grant with its tier (history included), the
 * payments of this workspace's ledger, and the audit trail of their grants.
 */
export async function getMember(opts: { db: DbOrTx; workspaceId: string; supporterId: string }) {
  const where = and(eq(supporters.id, opts.supporterId), eq(supporters.workspaceId, opts.workspaceId));
  const [member, memberGrants, payments, history] = await readBatch(opts.db, [
    opts.db
      .select({
        supporterId: supporters.id,
        userId: users.id,
        name: users.name,
        email: users.email,
        status: supporters.status,
        source: supporters.source,
        note: supporters.note,
        joinedAt: supporters.joinedAt,
        blockedAt: supporters.blockedAt,
        blockedReason: supporters.blockedReason,
        emailNewsletters: supporters.emailNewsletters,
        emailNotifications: supporters.emailNotifications,
      })
      .from(supporters)
      .innerJoin(users, eq(users.id, supporters.userId))
      .where(where)
      .limit(1),
    opts.db
      .select({
        id: grants.id,
        kind: grants.kind,
        tierId: grants.tierId,
        tierName: tiers.name,
        source: grants.source,
        status: grants.status,
        startsAt: grants.startsAt,
        endsAt: grants.endsAt,
        endedReason: grants.endedReason,
        createdAt: grants.createdAt,
        updatedAt: grants.updatedAt,
      })
      .from(grants)
      .leftJoin(tiers, eq(tiers.id, grants.tierId))
      .where(and(eq(grants.supporterId, opts.supporterId), eq(grants.workspaceId, opts.workspaceId)))
      .orderBy(desc(grants.startsAt)),
    opts.db
      .select({
        id: paymentLedger.id,
        eventType: paymentLedger.eventType,
        amountCents: paymentLedger.amountCents,
        currency: paymentLedger.currency,
        provider: paymentLedger.provider,
        outcome: paymentLedger.outcome,
        createdAt: paymentLedger.createdAt,
      })
      .from(paymentLedger)
      .innerJoin(supporters, and(eq(supporters.userId, paymentLedger.userId), where))
      .where(eq(paymentLedger.workspaceId, opts.workspaceId))
      .orderBy(desc(paymentLedger.createdAt))
      .limit(100),
    opts.db
      .select({
        id: auditEvents.id,
        action: auditEvents.action,
        detail: auditEvents.detail,
        createdAt: auditEvents.createdAt,
        actorName: users.name,
      })
      .from(auditEvents)
      .innerJoin(supporters, and(sql`${auditEvents.detail}->>'userId' = ${supporters.userId}::text`, where))
      .leftJoin(users, eq(users.id, auditEvents.actorUserId))
      .where(and(eq(auditEvents.workspaceId, opts.workspaceId), sql`${auditEvents.action} like 'grant.%'`))
      .orderBy(desc(auditEvents.createdAt))
      .limit(100),
  ]);
  const person = member[0];
  if (!person) throw new AppError("NOT_FOUND", "Member not found.");
  return {
    member: person,
    grants: memberGrants,
    payments,
    history: history.map((row) => ({
      id: row.id,
      action: row.action,
      createdAt: row.createdAt,
      actorName: row.actorName,
      grantId: typeof row.detail.grantId === "string" ? row.detail.grantId : null,
      status: typeof row.detail.status === "string" ? row.detail.status : null,
      reason: typeof row.detail.reason === "string" ? row.detail.reason : null,
    })),
  };
}

async function lockSupporter(db: DbOrTx, workspaceId: string, supporterId: string) {
  const [supporter] = await db
    .select()
    .from(supporters)
    .where(and(eq(supporters.id, supporterId), eq(supporters.workspaceId, workspaceId)))
    .for("update")
    .limit(1);
  if (!supporter) throw new AppError("NOT_FOUND", "Member not found.");
  return supporter;
}

/**
 * Blocks or unblocks a member. The gate denies a blocked supporter everything (reason `blocked`) from this
 * transaction's commit on, on every surface, whatever their grants; unblocking gives back what their grants allow.
 */
export async function setMemberBlocked(opts: {
  db: Database;
  workspaceId: string;
  supporterId: string;
  blocked: boolean;
  reason: string;
  actor: GrantActor;
  now: Date;
}) {
  return opts.db.transaction((tx) => setMemberBlockedInTx({ ...opts, tx }));
}

/**
 * `setMemberBlocked` inside the caller's transaction, for a cause that blocks with more writes of its own (a
 * moderator blocking a comment's author hides their comments in the same transaction).
 */
export async function setMemberBlockedInTx(opts: {
  tx: DbOrTx;
  workspaceId: string;
  supporterId: string;
  blocked: boolean;
  reason: string;
  actor: GrantActor;
  now: Date;
}) {
  const { tx } = opts;
  const supporter = await lockSupporter(tx, opts.workspaceId, opts.supporterId);
  const status: SupporterStatus = opts.blocked ? "blocked" : "active";
  if (supporter.status === status) return { status };
  await tx
    .update(supporters)
    .set({
      status,
      blockedAt: opts.blocked ? opts.now : null,
      blockedReason: opts.blocked ? opts.reason || null : null,
      updatedAt: opts.now,
    })
    .where(eq(supporters.id, supporter.id));
  await recordAudit({
    db: tx,
    action: opts.blocked ? "supporter.blocked" : "supporter.unblocked",
    actorUserId: opts.actor.userId,
    workspaceId: opts.workspaceId,
    detail: { supporterId: supporter.id, userId: supporter.userId, reason: opts.reason || null },
    meta: opts.actor.meta,
    now: opts.now,
  });
  return { status };
}

export async function setMemberNote(opts: {
  db: Database;
  workspaceId: string;
  supporterId: string;
  note: string;
  actor: GrantActor;
  now: Date;
}) {
  await opts.db.transaction(async (tx) => {
    const [row] = await tx
      .update(supporters)
      .set({ note: opts.note, updatedAt: opts.now })
      .where(and(eq(supporters.id, opts.supporterId), eq(supporters.workspaceId, opts.workspaceId)))
      .returning({ id: supporters.id });
    if (!row) throw new AppError("NOT_FOUND", "Member not found.");
    // The note's text stays out of the audit detail: it is the creator's private note about a person.
    await recordAudit({
      db: tx,
      action: "supporter.note_changed",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { supporterId: opts.supporterId },
      meta: opts.actor.meta,
      now: opts.now,
    });
  });
}

/**
 * A complimentary or gift membership the creator grants by hand: a tier for a window, with a reason. The person is
 * found or created (passwordless) by email, and joins the audience if they had not.
 */
export async function grantMembership(opts: {
  db: Database;
  workspaceId: string;
  email: string;
  tierId: string;
  source: "complimentary" | "gift";
  startsAt: Date;
  endsAt: Date | null;
  reason: string;
  actor: GrantActor;
  now: Date;
}) {
  const tier = await getTier({ db: opts.db, workspaceId: opts.workspaceId, tierId: opts.tierId });
  if (tier.archivedAt) {
    throw new AppError("BAD_REQUEST", "This tier is archived.", {
      fieldErrors: { tierId: ["Choose a tier that is not archived."] },
    });
  }
  return opts.db.transaction(async (tx) => {
    const person = await findOrCreatePerson({ db: tx, email: opts.email, name: "", now: opts.now });
    const { supporter } = await ensureSupporter({
      db: tx,
      workspaceId: opts.workspaceId,
      userId: person.id,
      source: "creator_grant",
      actor: opts.actor,
      now: opts.now,
    });
    const { grant } = await issueGrant({
      db: tx,
      workspaceId: opts.workspaceId,
      userId: person.id,
      supporterId: supporter.id,
      kind: "tier",
      tierId: tier.id,
      source: opts.source,
      startsAt: opts.startsAt,
      endsAt: opts.endsAt,
      grantedBy: opts.actor.userId,
      reason: opts.reason,
      actor: opts.actor,
      now: opts.now,
    });
    return { supporterId: supporter.id, grantId: grant.id };
  });
}

/** The creator ends one of a member's grants (revocation takes effect on the gate at commit). */
export async function revokeMemberGrant(opts: {
  db: Database;
  workspaceId: string;
  supporterId: string;
  grantId: string;
  reason: string;
  actor: GrantActor;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [grant] = await tx
      .select({ id: grants.id, source: grants.source })
      .from(grants)
      .where(
        and(
          eq(grants.id, opts.grantId),
          eq(grants.supporterId, opts.supporterId),
          eq(grants.workspaceId, opts.workspaceId),
        ),
      )
      .limit(1);
    if (!grant) throw new AppError("NOT_FOUND", "Membership not found.");
    const status: EndedGrantStatus = "revoked";
    const { grant: ended } = await endGrant({
      db: tx,
      workspaceId: opts.workspaceId,
      grantId: grant.id,
      status,
      reason: opts.reason || "Ended by the creator",
      actor: opts.actor,
      now: opts.now,
    });
    return { grantId: ended.id, status: ended.status };
  });
}

/** The creator moves the end of a manual grant (complimentary, gift, import). Paid ones follow the provider. */
export async function extendMemberGrant(opts: {
  db: Database;
  workspaceId: string;
  supporterId: string;
  grantId: string;
  endsAt: Date | null;
  actor: GrantActor;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const [grant] = await tx
      .select({ id: grants.id, source: grants.source })
      .from(grants)
      .where(
        and(
          eq(grants.id, opts.grantId),
          eq(grants.supporterId, opts.supporterId),
          eq(grants.workspaceId, opts.workspaceId),
        ),
      )
      .limit(1);
    if (!grant) throw new AppError("NOT_FOUND", "Membership not found.");
    if (grant.source === "subscription" || grant.source === "payment") {
      throw new AppError("BAD_REQUEST", "A paid membership follows its payments; grant a complimentary one instead.");
    }
    const { grant: updated } = await extendGrant({
      db: tx,
      workspaceId: opts.workspaceId,
      grantId: grant.id,
      endsAt: opts.endsAt,
      reason: "Changed by the creator",
      actor: opts.actor,
      now: opts.now,
    });
    return { grantId: updated.id, endsAt: updated.endsAt };
  });
}

/**
 * Members and monthly recurring revenue per day over `days` days: members = people with an active tier grant that
 * day; MRR = the monthly amount of the subscriptions whose grant was active that day (yearly / 12).
 */
export async function audienceGrowth(opts: { db: DbOrTx; workspaceId: string; days: number; now: Date }) {
  const end = new Date(Date.UTC(opts.now.getUTCFullYear(), opts.now.getUTCMonth(), opts.now.getUTCDate()));
  const start = new Date(end.getTime() - (opts.days - 1) * 86_400_000);
  const rows = await opts.db.execute<{ day: string; members: number; mrr_cents: number }>(sql`
    select to_char(d.day, 'YYYY-MM-DD') as day,
      (select count(distinct g.user_id)::int from ${grants} g
        where g.workspace_id = ${opts.workspaceId} and g.kind = 'tier'
          and g.starts_at < d.day + interval '1 day' and (g.ends_at is null or g.ends_at > d.day + interval '1 day')
          and (g.status = 'active' or g.updated_at > d.day + interval '1 day')) as members,
      (select coalesce(sum(case when s.interval = 'year' then s.amount_cents / 12 else s.amount_cents end), 0)::int
        from ${grants} g join audience_subscriptions s on s.grant_id = g.id
        where g.workspace_id = ${opts.workspaceId}
          and g.starts_at < d.day + interval '1 day' and (g.ends_at is null or g.ends_at > d.day + interval '1 day')
          and (g.status = 'active' or g.updated_at > d.day + interval '1 day')) as mrr_cents
    from generate_series(${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, interval '1 day') as d(day)
    order by d.day`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    day: string;
    members: number;
    mrr_cents: number;
  }[];
  return list.map((row) => ({ day: row.day, members: Number(row.members), mrrCents: Number(row.mrr_cents) }));
}

export interface ImportRow {
  email: string;
  name: string;
  tierId: string | null;
}

export interface ImportProblem {
  line: number;
  message: string;
}

/**
 * Checks a CSV import (email, name, tier name) without writing: each row is an email (required, valid), a name and
 * an optional tier named as the creator named it. Returns the rows that would be imported and per-line problems.
 */
export async function previewImport(opts: { db: DbOrTx; workspaceId: string; csv: string }) {
  const workspaceTiers = await opts.db
    .select({ id: tiers.id, name: tiers.name })
    .from(tiers)
    .where(eq(tiers.workspaceId, opts.workspaceId));
  const byName = new Map(workspaceTiers.map((tier) => [tier.name.trim().toLowerCase(), tier.id]));
  const records = parseCsv(opts.csv);
  const problems: ImportProblem[] = [];
  const rows: ImportRow[] = [];
  const seen = new Set<string>();
  const header = records[0]?.map((cell) => cell.trim().toLowerCase()) ?? [];
  const emailAt = header.indexOf("email");
  if (emailAt < 0)
    return { rows, problems: [{ line: 1, message: "The first line must name the columns, with an email column." }] };
  const nameAt = header.indexOf("name");
  const tierAt = header.indexOf("tier");
  for (const [index, record] of records.slice(1).entries()) {
    const line = index + 2;
    if (record.every((cell) => cell.trim() === "")) continue;
    const email = (record[emailAt] ?? "").trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || email.length > 254) {
      problems.push({ line, message: `"${email || "(empty)"}" is not an email address.` });
      continue;
    }
    if (seen.has(email)) {
      problems.push({ line, message: `${email} appears twice; the first line is used.` });
      continue;
    }
    const tierName = tierAt >= 0 ? (record[tierAt] ?? "").trim() : "";
    const tierId = tierName ? (byName.get(tierName.toLowerCase()) ?? null) : null;
    if (tierName && !tierId) {
      problems.push({ line, message: `There is no tier called "${tierName}".` });
      continue;
    }
    seen.add(email);
    rows.push({ email, name: nameAt >= 0 ? (record[nameAt] ?? "").trim().slice(0, 100) : "", tierId });
  }
  return { rows, problems };
}

/**
 * Imports the checked rows: each person found or created (passwordless, no email sent), joined with source
 * `import`, and given an open-ended grant of their tier with source `import` (ref: the supporter), so running the
 * same file twice imports nobody twice.
 */
export async function importMembers(opts: {
  db: Database;
  workspaceId: string;
  csv: string;
  actor: GrantActor;
  now: Date;
}) {
  const { rows, problems } = await previewImport(opts);
  let imported = 0;
  await opts.db.transaction(async (tx) => {
    for (const row of rows) {
      const person = await findOrCreatePerson({ db: tx, email: row.email, name: row.name, now: opts.now });
      const { supporter, created } = await ensureSupporter({
        db: tx,
        workspaceId: opts.workspaceId,
        userId: person.id,
        source: "import",
        actor: opts.actor,
        now: opts.now,
      });
      const { created: granted } = await issueGrant({
        db: tx,
        workspaceId: opts.workspaceId,
        userId: person.id,
        supporterId: supporter.id,
        kind: "tier",
        tierId: row.tierId,
        source: "import",
        sourceRef: `import:${supporter.id}`,
        startsAt: opts.now,
        endsAt: null,
        reason: "CSV import",
        actor: opts.actor,
        now: opts.now,
      });
      if (created || granted) imported++;
    }
    await recordAudit({
      db: tx,
      action: "supporter.imported",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { rows: rows.length, imported, problems: problems.length },
      meta: opts.actor.meta,
      now: opts.now,
    });
  });
  return { imported, skipped: rows.length - imported, problems };
}

/**
 * The supporter's own view of their relationship (the portal), in one batch: the rung's statement (checked with
 * `requireSupporter`) beside the relationship's preferences and grants, all keyed by the person and the workspace.
 * Only this workspace's rows.
 */
export async function getPortal(opts: { db: DbOrTx; workspaceId: string; userId: string }) {
  const mine = and(eq(supporters.workspaceId, opts.workspaceId), eq(supporters.userId, opts.userId));
  const [viewerRows, member, memberGrants] = await readBatch(opts.db, [
    viewerQuery({ db: opts.db, workspaceId: opts.workspaceId, userId: opts.userId }),
    opts.db
      .select({
        status: supporters.status,
        joinedAt: supporters.joinedAt,
        emailNewsletters: supporters.emailNewsletters,
        emailNotifications: supporters.emailNotifications,
      })
      .from(supporters)
      .where(mine)
      .limit(1),
    opts.db
      .select({
        id: grants.id,
        tierName: tiers.name,
        tierKind: tiers.kind,
        source: grants.source,
        status: grants.status,
        startsAt: grants.startsAt,
        endsAt: grants.endsAt,
        cancelAtPeriodEnd: sql<
          boolean | null
        >`(select s.cancel_at_period_end from audience_subscriptions s where s.grant_id = ${grants.id} limit 1)`,
      })
      .from(grants)
      .innerJoin(supporters, and(eq(supporters.id, grants.supporterId), mine))
      .leftJoin(tiers, eq(tiers.id, grants.tierId))
      .where(and(eq(grants.workspaceId, opts.workspaceId), eq(grants.kind, "tier")))
      .orderBy(desc(grants.startsAt)),
  ]);
  const supporter = requireSupporter(viewerRows[0]);
  return { workspaceName: supporter.workspaceName, ...member[0]!, grants: memberGrants };
}

export async function setEmailPreferences(opts: {
  db: Database;
  workspaceId: string;
  supporterId: string;
  emailNewsletters: boolean;
  emailNotifications: boolean;
  actor: GrantActor;
  now: Date;
}) {
  await opts.db.transaction(async (tx) => {
    await tx
      .update(supporters)
      .set({
        emailNewsletters: opts.emailNewsletters,
        emailNotifications: opts.emailNotifications,
        updatedAt: opts.now,
      })
      .where(and(eq(supporters.id, opts.supporterId), eq(supporters.workspaceId, opts.workspaceId)));
    await recordAudit({
      db: tx,
      action: "supporter.email_preferences_changed",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: {
        supporterId: opts.supporterId,
        emailNewsletters: opts.emailNewsletters,
        emailNotifications: opts.emailNotifications,
      },
      meta: opts.actor.meta,
      now: opts.now,
    });
  });
  return { emailNewsletters: opts.emailNewsletters, emailNotifications: opts.emailNotifications };
}

/**
 * The supporter leaves the audience: free and manual grants end now (a paid subscription is cancelled through the
 * billing portal first, so the service refuses while one is active), newsletters stop, and the relationship turns
 * `left` — kept, with its grants, as the creator's history; joining again reopens it.
 */
export async function leaveAudience(opts: {
  db: Database;
  workspaceId: string;
  supporterId: string;
  actor: GrantActor;
  now: Date;
}) {
  return opts.db.transaction(async (tx) => {
    const supporter = await lockSupporter(tx, opts.workspaceId, opts.supporterId);
    const active = await tx
      .select({ id: grants.id, source: grants.source })
      .from(grants)
      .where(
        and(
          eq(grants.supporterId, supporter.id),
          eq(grants.workspaceId, opts.workspaceId),
          eq(grants.status, "active"),
        ),
      );
    if (active.some((grant) => grant.source === "subscription")) {
      throw new AppError("PRECONDITION_FAILED", "Cancel your paid membership first (Manage billing), then leave.");
    }
    for (const grant of active) {
      await endGrant({
        db: tx,
        workspaceId: opts.workspaceId,
        grantId: grant.id,
        status: "canceled",
        reason: "Left the audience",
        actor: opts.actor,
        now: opts.now,
      });
    }
    await tx
      .update(supporters)
      .set({ status: "left", emailNewsletters: false, emailNotifications: false, updatedAt: opts.now })
      .where(eq(supporters.id, supporter.id));
    await recordAudit({
      db: tx,
      action: "supporter.left",
      actorUserId: opts.actor.userId,
      workspaceId: opts.workspaceId,
      detail: { supporterId: supporter.id, userId: supporter.userId },
      meta: opts.actor.meta,
      now: opts.now,
    });
    return { left: true as const };
  });
}
