import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  notifications,
  socialAccounts,
  socialPosts,
  type SocialAccountStatus,
  type SocialPostStatus,
} from "../../db/schema";

/** A connected Sandbox (or Instagram, without a usable token) account row for composer tests. */
export async function insertSocialAccount(
  db: Database,
  workspaceId: string,
  opts: { username?: string; provider?: "sandbox" | "instagram"; status?: SocialAccountStatus } = {},
) {
  const [account] = await db
    .insert(socialAccounts)
    .values({
      workspaceId,
      provider: opts.provider ?? "sandbox",
      externalId: crypto.randomUUID(),
      username: opts.username ?? "sandbox_studio",
      status: opts.status ?? "active",
    })
    .returning();
  return account;
}

/** Moves a post to a status directly, as the pipeline would (e.g. queued by the claim cron). */
export async function setPostStatus(
  db: Database,
  postId: string,
  status: SocialPostStatus,
  extra: Partial<typeof socialPosts.$inferInsert> = {},
) {
  await db
    .update(socialPosts)
    .set({ status, ...extra })
    .where(eq(socialPosts.id, postId));
}

export async function insertNotification(db: Database, workspaceId: string, userId: string, title = "Post published") {
  const [row] = await db
    .insert(notifications)
    .values({
      workspaceId,
      userId,
      kind: "social.post_published",
      title,
      body: "Your post went out.",
      link: `/w/${workspaceId}/social/posts`,
      dedupeKey: crypto.randomUUID(),
    })
    .returning();
  return row;
}
