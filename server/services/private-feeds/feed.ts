import { readBatch } from "../../../db/batch";
import type { DbOrTx } from "../../../db/client";
import { escapeXml } from "../podcasts/xml";
import { buildFeedXml, rfc822 } from "../podcasts/feed";
import { podcastGuidFor } from "../podcasts/podcast-guid";
import {
  foundShow,
  getPublishedEpisode,
  getPublishedEpisodeAudio,
  publishedEpisode,
  publishedEpisodesRead,
  showRead,
  FEED_EPISODE_LIMIT,
} from "../podcasts/public";
import { podcastUrls } from "../podcasts/urls";
import type { GatedRow } from "../audience/gate";
import { decidePrivateFeed, mayListen, privateFeedReads, type PrivateFeedRefusal } from "./access";
import { parsePrivateFeedToken, privateFeedUrls } from "./tokens";

/**
 * A supporter's private feed (ADR 028): the show's public episodes plus the gated ones their grants open now,
 * rendered by the public feed's renderer with `podcast:locked yes` and `itunes:block Yes`. One round trip: the
 * supporter, their grants, the feed's generation, the show and its episodes are read in one batch keyed by the ids
 * the token names, and the MAC is checked on the result.
 */

export type PrivateFeedResult =
  | { kind: "feed"; xml: string; workspaceId: string; supporterId: string; showId: string }
  | { kind: "refused"; status: 404 | 410; refusal: PrivateFeedRefusal; xml: string | null };

/** The words a podcast app shows in place of the episodes; `link` is where to act on them. */
const REFUSALS: Record<Exclude<PrivateFeedRefusal, "unknown">, { title: string; body: string }> = {
  ended: {
    title: "Your membership ended",
    body: "Your membership ended, so this private feed no longer plays members' episodes. Renew it on the creator's page to listen again; your feed address will work again as soon as you do.",
  },
  paid_ended: {
    title: "Your paid membership ended",
    body: "Your paid membership ended, so this private feed no longer plays members' episodes: your free membership does not include them. Upgrade on the creator's page to listen again; your feed address will work again as soon as you do.",
  },
  not_included: {
    title: "Your membership does not include these episodes",
    body: "Your current membership does not include any of this show's members' episodes, so this private feed stopped. Change your membership on the creator's page to listen again; your feed address will work again as soon as you do.",
  },
  replaced: {
    title: "This feed address was replaced",
    body: "This private feed address was replaced by a new one. Copy your current address from your account page on the creator's site and add it to your podcast app.",
  },
  blocked: {
    title: "This private feed is no longer available",
    body: "This private feed is no longer available to you. Contact the creator if you think this is a mistake.",
  },
};

/** A channel whose description and one item say, in words, why the feed stopped. */
function refusalXml(opts: { title: string; body: string; showTitle: string; link: string; now: Date }) {
  const text = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">',
    "<channel>",
    text("title", `${opts.showTitle}: ${opts.title}`),
    text("link", opts.link),
    text("description", opts.body),
    text("itunes:block", "Yes"),
    "<item>",
    text("title", opts.title),
    text("description", opts.body),
    text("link", opts.link),
    `<guid isPermaLink="false">${escapeXml(`refused-${opts.title}`)}</guid>`,
    text("pubDate", rfc822(opts.now)),
    "</item>",
    "</channel>",
    "</rss>",
    "",
  ].join("\n");
}

/** Distinct from the public feed's guid and stable across rotations (it names the supporter and show, not the token). */
export const privateFeedGuid = (appUrl: string, showId: string, supporterId: string) =>
  podcastGuidFor(`${appUrl}/feeds/private/${showId}/${supporterId}`);

export async function getPrivateFeed(opts: {
  db: DbOrTx;
  key: CryptoKey;
  token: string;
  appUrl: string;
  now: Date;
}): Promise<PrivateFeedResult> {
  const parsed = parsePrivateFeedToken(opts.token);
  if (!parsed) return { kind: "refused", status: 404, refusal: "unknown", xml: null };
  const [supporterRows, feedRows, gatedRows, showRows, episodeRows] = await readBatch(opts.db, [
    ...privateFeedReads(opts.db, parsed),
    showRead(opts.db, parsed.showId),
    publishedEpisodesRead(opts.db, parsed.showId, "any").limit(FEED_EPISODE_LIMIT),
  ]);
  const access = await decidePrivateFeed({
    key: opts.key,
    parsed,
    rows: [supporterRows, feedRows, gatedRows],
    now: opts.now,
  });
  if (!access.ok) {
    if (access.refusal === "unknown" || !showRows[0])
      return { kind: "refused", status: 404, refusal: "unknown", xml: null };
    const words = REFUSALS[access.refusal];
    const link =
      access.refusal === "blocked"
        ? podcastUrls(opts.appUrl).showPage(parsed.showId)
        : `${opts.appUrl}/c/${access.workspaceId}/${access.refusal === "replaced" ? "account" : "join"}`;
    return {
      kind: "refused",
      status: 410,
      refusal: access.refusal,
      xml: refusalXml({ ...words, showTitle: showRows[0].show.title, link, now: opts.now }),
    };
  }
  const show = foundShow(showRows);
  const episodes = episodeRows.map(publishedEpisode).filter((e) => mayListen(e, access.viewer, opts.now));
  const urls = privateFeedUrls(opts.appUrl, opts.token);
  const xml = await buildFeedXml({
    feed: { show, episodes },
    appUrl: opts.appUrl,
    privateFeed: {
      selfUrl: urls.feed,
      guid: await privateFeedGuid(opts.appUrl, show.id, access.supporter.id),
      enclosure: urls.enclosure,
      transcript: urls.transcript,
      chapters: urls.chapters,
    },
  });
  return {
    kind: "feed",
    xml,
    workspaceId: access.supporter.workspaceId,
    supporterId: access.supporter.id,
    showId: show.id,
  };
}

export type PrivateFileResult<T> =
  | { kind: "file"; value: T; workspaceId: string; supporterId: string; showId: string }
  | { kind: "refused"; status: 404 | 410 };

/**
 * A file of an episode in a private feed: the token must be live and the gate must open the episode for its
 * supporter now; otherwise 404 (unknown address, or an episode they may not hear) or 410 (revoked address).
 * The access reads and the file's reads go out together: one wave.
 */
async function privateEpisodeFile<T>(opts: {
  db: DbOrTx;
  key: CryptoKey;
  token: string;
  episodeId: string;
  now: Date;
  read: (showId: string) => Promise<{ value: T; episode: GatedRow }>;
}): Promise<PrivateFileResult<T>> {
  const parsed = parsePrivateFeedToken(opts.token);
  if (!parsed) return { kind: "refused", status: 404 };
  const [rows, file] = await Promise.all([
    readBatch(opts.db, [...privateFeedReads(opts.db, parsed)]),
    opts.read(parsed.showId).catch((error: unknown) => ({ error })),
  ]);
  const access = await decidePrivateFeed({ key: opts.key, parsed, rows, now: opts.now });
  if (!access.ok) return { kind: "refused", status: access.refusal === "unknown" ? 404 : 410 };
  if ("error" in file) throw file.error;
  if (!mayListen(file.episode, access.viewer, opts.now)) return { kind: "refused", status: 404 };
  return {
    kind: "file",
    value: file.value,
    workspaceId: access.supporter.workspaceId,
    supporterId: access.supporter.id,
    showId: parsed.showId,
  };
}

/** The transcript and chapters of an episode the token's supporter may hear (NOT_FOUND propagates as a 404). */
export function getPrivateEpisodeTranscript(opts: {
  db: DbOrTx;
  key: CryptoKey;
  token: string;
  episodeId: string;
  withTranscript: boolean;
  now: Date;
}) {
  return privateEpisodeFile({
    ...opts,
    read: async (showId) => {
      const found = await getPublishedEpisode({
        db: opts.db,
        showId,
        episodeId: opts.episodeId,
        withTranscript: opts.withTranscript,
        audience: "any",
      });
      return { value: found, episode: found.episode };
    },
  });
}

/** The enclosure of an episode the token's supporter may hear. */
export function getPrivateEpisodeAudio(opts: {
  db: DbOrTx;
  key: CryptoKey;
  token: string;
  episodeId: string;
  now: Date;
}) {
  return privateEpisodeFile({
    ...opts,
    read: async (showId) => {
      const audio = await getPublishedEpisodeAudio({ db: opts.db, episodeId: opts.episodeId, audience: "any", showId });
      return { value: audio, episode: audio };
    },
  });
}
