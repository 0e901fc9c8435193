import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { readBatch } from "../../../db/batch";
import {
  advertisers,
  campaignApprovals,
  campaignCreatives,
  campaignFlights,
  campaigns,
  campaignShareLinks,
  workspaces,
  type ApprovalDecision,
  type CampaignSharePurpose,
} from "../../../db/schema";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/audit";
import type { RequestMeta } from "../auth/sessions";
import { enforceRateLimits, ipKey } from "../auth/rate-limit";
import { auditAs, type Actor } from "./records";
import { missingMentionsQuery, presentCreative, requireCampaign } from "./campaigns";

/** Approval links last long enough for an agency's review cycle; report links for the campaign and its invoice. */
export const SHARE_LINK_DAYS: Record<CampaignSharePurpose, number> = { approval: 30, report: 180 };

const QUARTER_HOUR = 15 * 60;
/** Opening a link is one indexed read; deciding writes. Both are anonymous, so both are limited per address. */
export const SHARE_LINK_LIMITS = {
  openPerIp: { limit: 120, windowSeconds: QUARTER_HOUR },
  decidePerIp: { limit: 40, windowSeconds: QUARTER_HOUR },
};

/** The path a share link opens: the approval page or the report page. */
export const shareLinkPath = (purpose: CampaignSharePurpose, token: string) =>
  purpose === "approval" ? `/approve/${token}` : `/campaign-report/${token}`;

/**
 * A new link; the token is returned once and only its SHA-256 is stored (like user_tokens). A report link is
 * refused while a host read lacks a mention in its transcript, unless the sender says to share it anyway (the
 * report itself flags each miss to the advertiser).
 */
export async function createShareLink(
  input: Actor & { campaignId: string; purpose: CampaignSharePurpose; shareDespiteMissingMentions?: boolean },
) {
  return input.db.transaction(async (tx) => {
    const campaign = await requireCampaign({ db: tx, workspaceId: input.workspaceId, campaignId: input.campaignId });
    const missing =
      input.purpose === "report" ? (await missingMentionsQuery(tx, input.workspaceId, campaign.id)).length : 0;
    if (missing > 0 && !input.shareDespiteMissingMentions)
      throw new AppError(
        "PRECONDITION_FAILED",
        `${missing} host-read ${missing === 1 ? "mention was" : "mentions were"} not found in the transcripts. The report shows ${missing === 1 ? "it" : "them"} as not mentioned; share it anyway, or offer a make-good first.`,
      );
    const token = randomToken(32);
    const expiresAt = new Date(input.now.getTime() + SHARE_LINK_DAYS[input.purpose] * 86_400_000);
    const [link] = await tx
      .insert(campaignShareLinks)
      .values({
        workspaceId: input.workspaceId,
        campaignId: campaign.id,
        purpose: input.purpose,
        tokenHash: sha256Hex(token),
        expiresAt,
        createdBy: input.actorUserId,
        createdAt: input.now,
      })
      .returning();
    await auditAs({ ...input, db: tx }, "campaign.share_link_created", {
      campaignId: campaign.id,
      shareLinkId: link.id,
      purpose: link.purpose,
      missingMentions: missing,
    });
    return { id: link.id, purpose: link.purpose, expiresAt, path: shareLinkPath(link.purpose, token) };
  });
}

/** Revoking twice is the same as once: the first revocation's time stands. */
export async function revokeShareLink(input: Actor & { shareLinkId: string }) {
  return input.db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(campaignShareLinks)
      .where(and(eq(campaignShareLinks.id, input.shareLinkId), eq(campaignShareLinks.workspaceId, input.workspaceId)))
      .limit(1)
      .for("update");
    if (!link) throw notFound("Share link");
    if (link.revokedAt) return { id: link.id, revokedAt: link.revokedAt };
    await tx
      .update(campaignShareLinks)
      .set({ revokedAt: input.now })
      .where(and(eq(campaignShareLinks.id, link.id), eq(campaignShareLinks.workspaceId, input.workspaceId)));
    await auditAs({ ...input, db: tx }, "campaign.share_link_revoked", {
      campaignId: link.campaignId,
      shareLinkId: link.id,
      purpose: link.purpose,
    });
    return { id: link.id, revokedAt: input.now };
  });
}

const UNKNOWN_LINK = "This link is not valid. Ask the network that sent it for a new one.";

/** Why a link no longer opens, in the advertiser's words, or null while it works. */
export function linkProblem(link: { revokedAt: Date | null; expiresAt: Date }, now: Date) {
  if (link.revokedAt) return "revoked" as const;
  if (link.expiresAt <= now) return "expired" as const;
  return null;
}

const linkByToken = (db: DbOrTx, tokenHash: string, purpose: CampaignSharePurpose) =>
  db
    .select({
      link: campaignShareLinks,
      campaign: campaigns,
      advertiserName: advertisers.name,
      workspaceName: workspaces.name,
    })
    .from(campaignShareLinks)
    .innerJoin(
      campaigns,
      and(eq(campaigns.id, campaignShareLinks.campaignId), eq(campaigns.workspaceId, campaignShareLinks.workspaceId)),
    )
    .innerJoin(
      advertisers,
      and(eq(advertisers.id, campaigns.advertiserId), eq(advertisers.workspaceId, campaigns.workspaceId)),
    )
    .innerJoin(workspaces, eq(workspaces.id, campaignShareLinks.workspaceId))
    .where(and(eq(campaignShareLinks.tokenHash, tokenHash), eq(campaignShareLinks.purpose, purpose)))
    .limit(1);

/** The campaign id behind a token, as a subquery, so the page's other reads go in the same batch. */
const campaignOfToken = (db: DbOrTx, tokenHash: string) =>
  db
    .select({ id: campaignShareLinks.campaignId })
    .from(campaignShareLinks)
    .where(eq(campaignShareLinks.tokenHash, tokenHash));

/**
 * What the advertiser sees on the approval page: the IO summary, every creative with this link's decision on its
 * current revision. One round trip: the rate limit and one batch keyed by the token's hash (ADR 016).
 */
export async function openApprovalLink(opts: { db: DbOrTx; token: string; ip: string | null; now: Date }) {
  const tokenHash = sha256Hex(opts.token);
  const [, [links, creativeRows, flightRows, decisionRows]] = await Promise.all([
    enforceRateLimits({
      db: opts.db,
      now: opts.now,
      limits: [[ipKey("campaign-link-open", opts.ip), SHARE_LINK_LIMITS.openPerIp]],
      message: (wait) => `Too many links opened from your network. Try again in ${wait}.`,
    }),
    readBatch(opts.db, [
      linkByToken(opts.db, tokenHash, "approval"),
      opts.db
        .select()
        .from(campaignCreatives)
        .where(sql`${campaignCreatives.campaignId} = (${campaignOfToken(opts.db, tokenHash)})`)
        .orderBy(asc(campaignCreatives.createdAt), asc(campaignCreatives.id)),
      opts.db
        .select({
          id: campaignFlights.id,
          name: campaignFlights.name,
          startsOn: campaignFlights.startsOn,
          endsOn: campaignFlights.endsOn,
          position: campaignFlights.position,
          impressionsGoal: campaignFlights.impressionsGoal,
        })
        .from(campaignFlights)
        .where(
          and(
            sql`${campaignFlights.campaignId} = (${campaignOfToken(opts.db, tokenHash)})`,
            sql`${campaignFlights.status} <> 'canceled'`,
          ),
        )
        .orderBy(asc(campaignFlights.startsOn), asc(campaignFlights.id)),
      opts.db
        .select()
        .from(campaignApprovals)
        .innerJoin(campaignShareLinks, eq(campaignShareLinks.id, campaignApprovals.shareLinkId))
        .where(eq(campaignShareLinks.tokenHash, tokenHash))
        .orderBy(desc(campaignApprovals.decidedAt)),
    ]),
  ]);
  const found = links[0];
  if (!found) throw new AppError("NOT_FOUND", UNKNOWN_LINK);
  const { link, campaign } = found;
  const problem = linkProblem(link, opts.now);
  const decisions = decisionRows.map((row) => row.campaign_approvals);
  const decisionOf = (creativeId: string | null, revision: number | null) => {
    const row = decisions.find((d) => d.creativeId === creativeId && d.creativeRevision === revision);
    return row
      ? { decision: row.decision, comment: row.comment, decidedByName: row.decidedByName, decidedAt: row.decidedAt }
      : null;
  };
  return {
    problem,
    workspaceName: found.workspaceName,
    advertiserName: found.advertiserName,
    expiresAt: link.expiresAt,
    // A dead link says why and nothing about the campaign.
    campaign: problem
      ? null
      : {
          name: campaign.name,
          pricing: campaign.pricing,
          rateCents: campaign.rateCents,
          budgetCents: campaign.budgetCents,
          currency: campaign.currency,
          startsOn: campaign.startsOn,
          endsOn: campaign.endsOn,
          ioContactName: campaign.ioContactName,
          flights: flightRows,
          ioDecision: decisionOf(null, null),
          creatives: creativeRows.map((row) => ({
            ...presentCreative(row),
            decision: decisionOf(row.id, row.revision),
          })),
        },
  };
}

/**
 * The advertiser's answer on the IO (`creativeId` null) or one creative at its current revision. Idempotent: a
 * second answer through the same link on the same subject changes nothing and returns the first. Approving the IO
 * moves a draft campaign to approved.
 */
export async function decideThroughLink(opts: {
  db: DbOrTx;
  token: string;
  creativeId: string | null;
  decision: ApprovalDecision;
  comment: string;
  decidedByName: string;
  decidedByEmail: string;
  meta: RequestMeta;
  now: Date;
}) {
  await enforceRateLimits({
    db: opts.db,
    now: opts.now,
    limits: [[ipKey("campaign-link-decide", opts.meta.ip), SHARE_LINK_LIMITS.decidePerIp]],
    message: (wait) => `Too many answers sent from your network. Try again in ${wait}.`,
  });
  return opts.db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(campaignShareLinks)
      .where(and(eq(campaignShareLinks.tokenHash, sha256Hex(opts.token)), eq(campaignShareLinks.purpose, "approval")))
      .limit(1)
      .for("share");
    if (!link) throw new AppError("NOT_FOUND", UNKNOWN_LINK);
    const problem = linkProblem(link, opts.now);
    if (problem === "revoked")
      throw new AppError("PRECONDITION_FAILED", "This link was withdrawn by the network. Ask them for a new one.");
    if (problem === "expired")
      throw new AppError("PRECONDITION_FAILED", "This link has expired. Ask the network that sent it for a new one.");
    let revision: number | null = null;
    if (opts.creativeId) {
      const [creative] = await tx
        .select({ id: campaignCreatives.id, revision: campaignCreatives.revision })
        .from(campaignCreatives)
        .where(
          and(
            eq(campaignCreatives.id, opts.creativeId),
            eq(campaignCreatives.campaignId, link.campaignId),
            eq(campaignCreatives.workspaceId, link.workspaceId),
          ),
        )
        .limit(1)
        .for("share");
      if (!creative) throw notFound("Creative");
      revision = creative.revision;
    }
    const [inserted] = await tx
      .insert(campaignApprovals)
      .values({
        workspaceId: link.workspaceId,
        campaignId: link.campaignId,
        creativeId: opts.creativeId,
        creativeRevision: revision,
        shareLinkId: link.id,
        decision: opts.decision,
        comment: opts.comment,
        decidedByName: opts.decidedByName,
        decidedByEmail: opts.decidedByEmail,
        ip: opts.meta.ip,
        userAgent: opts.meta.userAgent?.slice(0, 512) ?? null,
        decidedAt: opts.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      const [existing] = await tx
        .select()
        .from(campaignApprovals)
        .where(
          and(
            eq(campaignApprovals.shareLinkId, link.id),
            opts.creativeId
              ? and(
                  eq(campaignApprovals.creativeId, opts.creativeId),
                  eq(campaignApprovals.creativeRevision, revision!),
                )
              : isNull(campaignApprovals.creativeId),
          ),
        )
        .limit(1);
      return { decision: existing.decision, decidedAt: existing.decidedAt, alreadyAnswered: true };
    }
    if (!opts.creativeId && opts.decision === "approved")
      await tx
        .update(campaigns)
        .set({ status: "approved", updatedAt: opts.now })
        .where(
          and(
            eq(campaigns.id, link.campaignId),
            eq(campaigns.workspaceId, link.workspaceId),
            eq(campaigns.status, "draft"),
          ),
        );
    await recordAudit({
      db: tx,
      action: "campaign.approval_recorded",
      actorUserId: null,
      workspaceId: link.workspaceId,
      detail: {
        campaignId: link.campaignId,
        creativeId: opts.creativeId,
        decision: opts.decision,
        decidedBy: opts.decidedByName,
      },
      meta: opts.meta,
      now: opts.now,
    });
    return { decision: inserted.decision, decidedAt: inserted.decidedAt, alreadyAnswered: false };
  });
}

/** The campaign behind a live report link, or why the link no longer opens. */
export function reportLinkQuery(db: DbOrTx, token: string) {
  return linkByToken(db, sha256Hex(token), "report");
}
export { UNKNOWN_LINK };
