import type { Database } from "../../db/client";
import { grants, posts, supporters, tiers, type SupporterStatus, type Visibility } from "../../db/schema";
import { createTeam, createUser, type TestUser } from "./factories";
import { insertPublishedEpisode, insertShow } from "./podcasts";

/**
 * Audience rows for comment tests, written directly: the grants service (audcore) is the only writer in the app,
 * and these tests need only the rows the gate reads.
 */
export async function insertSupporter(
  db: Database,
  workspaceId: string,
  user: { id: string },
  status: SupporterStatus = "active",
) {
  const [row] = await db
    .insert(supporters)
    .values({
      workspaceId,
      userId: user.id,
      source: "email_link",
      status,
      blockedAt: status === "blocked" ? new Date() : null,
    })
    .returning();
  return row;
}

export async function insertTier(db: Database, workspaceId: string, name: string, kind: "free" | "paid") {
  const [row] = await db.insert(tiers).values({ workspaceId, name, kind }).returning();
  return row;
}

export async function insertTierGrant(
  db: Database,
  supporter: { id: string; workspaceId: string; userId: string },
  tier: { id: string },
  window: { startsAt?: Date; endsAt?: Date | null } = {},
) {
  const [row] = await db
    .insert(grants)
    .values({
      workspaceId: supporter.workspaceId,
      userId: supporter.userId,
      supporterId: supporter.id,
      kind: "tier",
      tierId: tier.id,
      source: "complimentary",
      startsAt: window.startsAt ?? new Date(Date.now() - 86_400_000),
      endsAt: window.endsAt ?? null,
    })
    .returning();
  return row;
}

/** A member of the audience on `tier` (or on none), with the given relationship status. */
export async function audienceMember(
  db: Database,
  workspaceId: string,
  tier: { id: string } | null,
  opts: { name?: string; status?: SupporterStatus } = {},
): Promise<TestUser & { supporterId: string }> {
  const user = await createUser(db, { name: opts.name ?? "Sam Supporter" });
  const supporter = await insertSupporter(db, workspaceId, user, opts.status);
  if (tier) await insertTierGrant(db, supporter, tier);
  return { ...user, supporterId: supporter.id };
}

/**
 * A creator's team, one published episode, a free tier and two paid tiers, and one person for each way a reader can
 * stand towards the workspace.
 */
export async function commentsWorld(db: Database) {
  const team = await createTeam(db, "Comment studio");
  const workspaceId = team.workspace.id;
  const show = await insertShow(db, workspaceId, { title: "The Show" });
  const { episode } = await insertPublishedEpisode(db, show, { title: "Episode one" });
  const free = await insertTier(db, workspaceId, "Free", "free");
  const gold = await insertTier(db, workspaceId, "Gold", "paid");
  const silver = await insertTier(db, workspaceId, "Silver", "paid");
  const readers = {
    signedIn: await createUser(db, { name: "Nora Nonmember" }),
    freeMember: await audienceMember(db, workspaceId, free, { name: "Fay Free" }),
    wrongTier: await audienceMember(db, workspaceId, silver, { name: "Will Wrongtier" }),
    rightTier: await audienceMember(db, workspaceId, gold, { name: "Rita Righttier" }),
    blocked: await audienceMember(db, workspaceId, gold, { name: "Bo Blocked", status: "blocked" }),
  };
  const target = { targetKind: "episode" as const, targetId: episode.id, workspaceId };
  return { team, workspaceId, show, episode, tiers: { free, gold, silver }, readers, target };
}

/** A published post with the given visibility (the posts service is the app's writer; tests need only the row). */
export async function insertCommentablePost(
  db: Database,
  workspaceId: string,
  values: { title: string; visibility: Visibility; visibilityTierIds?: string[] },
) {
  const [row] = await db
    .insert(posts)
    .values({
      workspaceId,
      title: values.title,
      slug: values.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      bodyHtml: "<p>The paywalled body: the butler did it.</p>",
      excerpt: "A teaser anyone may read.",
      visibility: values.visibility,
      visibilityTierIds: values.visibilityTierIds ?? [],
      status: "published",
      publishedAt: new Date(),
    })
    .returning();
  return row;
}
