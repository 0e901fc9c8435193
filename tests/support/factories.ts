import { randomUUID } from "node:crypto";
import type { Database } from "../../db/client";
import {
  advertisers,
  campaignCreatives,
  campaignFlights,
  campaignFlightTargets,
  campaigns,
  memberships,
  users,
  workspaces,
  type Role,
} from "../../db/schema";
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

/**
 * An advertiser with a draft campaign and one booked flight targeting `showId` (when given), written straight to
 * the tables: a starting point for campaign, ad-slot and delivery tests.
 */
export async function createCampaign(
  db: Database,
  workspaceId: string,
  opts: {
    showId?: string;
    startsOn?: string;
    endsOn?: string;
    campaign?: Partial<typeof campaigns.$inferInsert>;
    flight?: Partial<typeof campaignFlights.$inferInsert>;
  } = {},
) {
  const startsOn = opts.startsOn ?? "2026-01-01";
  const endsOn = opts.endsOn ?? "2026-01-31";
  const [advertiser] = await db
    .insert(advertisers)
    .values({
      workspaceId,
      name: "Acme Coffee",
      contacts: [{ name: "Ana Buyer", email: "ana@acme.test", role: "Buyer" }],
    })
    .returning();
  const [campaign] = await db
    .insert(campaigns)
    .values({
      workspaceId,
      advertiserId: advertiser.id,
      name: "Spring",
      budgetCents: 500_000,
      currency: "USD",
      pricing: "cpm",
      rateCents: 2_500,
      startsOn,
      endsOn,
      ...opts.campaign,
    })
    .returning();
  const [flight] = await db
    .insert(campaignFlights)
    .values({
      workspaceId,
      campaignId: campaign.id,
      name: "Flight 1",
      startsOn,
      endsOn,
      position: "pre",
      impressionsGoal: 10_000,
      status: "booked",
      ...opts.flight,
    })
    .returning();
  if (opts.showId) {
    await db.insert(campaignFlightTargets).values({ workspaceId, flightId: flight.id, showId: opts.showId });
  }
  return { advertiser, campaign, flight };
}

/** A creative of a campaign (host read unless `mediaId` is given, then pre-recorded audio). */
export async function createCreative(
  db: Database,
  campaign: { id: string; workspaceId: string },
  values: Partial<typeof campaignCreatives.$inferInsert> = {},
) {
  const [creative] = await db
    .insert(campaignCreatives)
    .values({
      workspaceId: campaign.workspaceId,
      campaignId: campaign.id,
      name: "Host read",
      kind: values.mediaId ? "audio" : "host_read",
      script: "Acme Coffee keeps this show going. Use code SPRING for 20% off at acme.test.",
      talkingPoints: ["Fair trade beans", "Roasted weekly"],
      promoCode: "SPRING",
      url: "https://acme.test/spring",
      ...values,
    })
    .returning();
  return creative;
}
