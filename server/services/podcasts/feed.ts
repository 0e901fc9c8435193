import { categoryPath } from "./categories";
import { fileExtensionFor } from "./media-refs";
import { podcastGuidFor } from "./podcast-guid";
import type { getPublicShow } from "./public";
import { podcastUrls } from "./urls";
import { escapeXml } from "./xml";

type PublicShow = Awaited<ReturnType<typeof getPublicShow>>;

const NAMESPACES = [
  'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
  'xmlns:podcast="https://podcastindex.org/namespace/1.0"',
  'xmlns:atom="http://www.w3.org/2005/Atom"',
].join(" ");

const tag = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;
const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([key, value]) => `${key}="${escapeXml(String(value))}"`)
    .join(" ");

/** RFC 822 dates, as RSS 2.0 requires: "Tue, 02 Jan 2024 15:04:05 GMT". */
export const rfc822 = (date: Date) => date.toUTCString();

/** A supporter's private feed (ADR 028): its own address and guid, and token-carrying files for gated episodes. */
export interface PrivateFeedOptions {
  selfUrl: string;
  /** Not the public feed's guid: apps that key shows by guid must not merge the two feeds. */
  guid: string;
  enclosure: (episodeId: string, extension: string) => string;
  transcript: (episodeId: string, format: "vtt" | "srt") => string;
  chapters: (episodeId: string) => string;
}

interface ItemUrls {
  enclosure: (episodeId: string, contentType: string) => string;
  transcript: (showId: string, episodeId: string, format: "vtt" | "srt") => string;
  chapters: (showId: string, episodeId: string) => string;
}

/**
 * The show's RSS 2.0 feed with the tags Apple Podcasts and Spotify read (itunes namespace) and Podcasting 2.0
 * guid, lock, transcripts and chapters. Built only from stored data, so the same data gives the same bytes (and ETag).
 * The caller decides which episodes it lists: the public feed reads public ones only; a private feed passes what
 * the gate opened for its supporter, with `privateFeed` set (locked, blocked from directories).
 */
export async function buildFeedXml(opts: { feed: PublicShow; appUrl: string; privateFeed?: PrivateFeedOptions }) {
  const { show, episodes } = opts.feed;
  const urls = podcastUrls(opts.appUrl);
  const privateFeed = opts.privateFeed;
  // Shows made before the guid was stored get the same value computed; their next edit stores it.
  const guid = privateFeed?.guid ?? show.podcastGuid ?? (await podcastGuidFor(urls.feed(show.id)));
  const locked = privateFeed ? true : show.locked;
  // Gated episodes' files are fetched through the private routes, which ask the gate with the token's supporter.
  const gatedUrls: ItemUrls | null = privateFeed
    ? {
        enclosure: (episodeId, contentType) => privateFeed.enclosure(episodeId, fileExtensionFor(contentType)),
        transcript: (_showId, episodeId, format) => privateFeed.transcript(episodeId, format),
        chapters: (_showId, episodeId) => privateFeed.chapters(episodeId),
      }
    : null;
  const ownerName = show.author || show.title;
  const [category, subcategory] = categoryPath(show.category);
  const latest = episodes.reduce(
    (max, e) => (e.publishedAt && e.publishedAt > max ? e.publishedAt : max),
    show.updatedAt,
  );
  const artwork = show.artworkContentType ? urls.artwork(show.id, show.artworkContentType) : null;
  const channel = [
    tag("title", show.title),
    tag("link", urls.showPage(show.id)),
    `<atom:link ${attrs({ href: privateFeed?.selfUrl ?? urls.feed(show.id), rel: "self", type: "application/rss+xml" })}/>`,
    tag("description", show.description || show.title),
    tag("language", show.language),
    tag("lastBuildDate", rfc822(latest)),
    tag("generator", "Greenroom"),
    tag("itunes:author", show.author || show.title),
    ...(show.ownerEmail
      ? [`<itunes:owner>${tag("itunes:name", ownerName)}${tag("itunes:email", show.ownerEmail)}</itunes:owner>`]
      : []),
    tag("podcast:guid", guid),
    show.ownerEmail
      ? `<podcast:locked ${attrs({ owner: show.ownerEmail })}>${locked ? "yes" : "no"}</podcast:locked>`
      : tag("podcast:locked", locked ? "yes" : "no"),
    // A personal feed must never be listed by a directory that is handed it.
    ...(privateFeed ? [tag("itunes:block", "Yes")] : []),
    ...(artwork
      ? [
          `<itunes:image ${attrs({ href: artwork })}/>`,
          `<image>${tag("url", artwork)}${tag("title", show.title)}${tag("link", urls.showPage(show.id))}</image>`,
        ]
      : []),
    subcategory
      ? `<itunes:category ${attrs({ text: category })}><itunes:category ${attrs({ text: subcategory })}/></itunes:category>`
      : `<itunes:category ${attrs({ text: category })}/>`,
    tag("itunes:explicit", show.explicit ? "true" : "false"),
    tag("itunes:type", "episodic"),
    ...episodes.map((episode) =>
      item(episode, gatedUrls && episode.visibility !== "public" ? gatedUrls : urls, urls, show.id, artwork),
    ),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" ${NAMESPACES}>\n<channel>\n${channel.join("\n")}\n</channel>\n</rss>\n`;
}

function item(
  episode: PublicShow["episodes"][number],
  files: ItemUrls,
  urls: ReturnType<typeof podcastUrls>,
  showId: string,
  artwork: string | null,
) {
  const lines = [
    tag("title", episode.title),
    tag("description", episode.description || episode.title),
    tag("link", urls.episodePage(showId, episode.id)),
    `<guid isPermaLink="false">${escapeXml(episode.id)}</guid>`,
    ...(episode.publishedAt ? [tag("pubDate", rfc822(episode.publishedAt))] : []),
    `<enclosure ${attrs({ url: files.enclosure(episode.id, episode.audio.contentType), length: episode.audio.size ?? 0, type: episode.audio.contentType })}/>`,
    ...(episode.durationSeconds ? [tag("itunes:duration", String(episode.durationSeconds))] : []),
    ...(episode.episodeNumber !== null ? [tag("itunes:episode", String(episode.episodeNumber))] : []),
    ...(episode.seasonNumber !== null ? [tag("itunes:season", String(episode.seasonNumber))] : []),
    tag("itunes:episodeType", episode.episodeType),
    // Episodes have no artwork of their own yet; Apple and Spotify show this one beside each episode.
    ...(artwork ? [`<itunes:image ${attrs({ href: artwork })}/>`] : []),
  ];
  const transcript = episode.transcript;
  if (transcript) {
    const language: Record<string, string> = transcript.language ? { language: transcript.language } : {};
    lines.push(
      `<podcast:transcript ${attrs({ url: files.transcript(showId, episode.id, "vtt"), type: "text/vtt", ...language })}/>`,
    );
    lines.push(
      `<podcast:transcript ${attrs({ url: files.transcript(showId, episode.id, "srt"), type: "application/x-subrip", ...language })}/>`,
    );
    if (transcript.chapterCount > 0)
      lines.push(
        `<podcast:chapters ${attrs({ url: files.chapters(showId, episode.id), type: "application/json+chapters" })}/>`,
      );
  }
  return `<item>\n${lines.join("\n")}\n</item>`;
}

/** Podcasting 2.0 chapters file (version 1.2.0): start times in seconds. */
export function buildChaptersJson(chapters: { startMs: number; title: string }[]) {
  return JSON.stringify({
    version: "1.2.0",
    chapters: chapters.map((c) => ({ startTime: c.startMs / 1000, title: c.title })),
  });
}
