import { FilterXSS, friendlyAttrValue, parseAttr } from "xss";
import { escapeHtml } from "../../lib/html";
import { isRowId } from "../../lib/text";

/**
 * The allow-list every post body passes on the server, whatever sent it (the editor, the plain-text fallback, a
 * script calling tRPC). js-xss tokenises; this file decides: allowed tags are rebuilt from scratch with only their
 * allowed attributes, everything else is dropped (script, style, svg, math, iframe and friends with their
 * content), links keep only http(s), mailto and same-site addresses, and the result is balanced so an unclosed tag
 * cannot swallow the page around it. Media and episodes are referenced by id (`data-media-id`,
 * `data-episode-id`); the service checks them against the workspace and fills in their addresses.
 */

/** Tags kept, with the attributes each may carry (values are checked below). */
const ALLOWED: Record<string, readonly string[]> = {
  p: [],
  br: [],
  h2: [],
  h3: [],
  h4: [],
  strong: [],
  b: [],
  em: [],
  i: [],
  u: [],
  s: [],
  a: ["href", "title"],
  ul: [],
  ol: [],
  li: [],
  blockquote: [],
  code: [],
  pre: [],
  hr: [],
  figure: ["data-episode-id"],
  figcaption: [],
  img: ["alt", "data-media-id"],
  audio: ["data-media-id"],
};
/** The editor's top heading is the post title; a heading 1 in the body becomes a heading 2. */
const RENAMED = new Map([
  ["h1", "h2"],
  ["h5", "h4"],
  ["h6", "h4"],
]);
const VOID = new Set(["br", "hr", "img"]);
/** Dropped together with everything inside them. */
const DROPPED_WITH_CONTENT = [
  "script",
  "style",
  "svg",
  "math",
  "template",
  "iframe",
  "object",
  "embed",
  "noscript",
  "noembed",
  "noframes",
  "xmp",
  "textarea",
  "select",
  "title",
  "head",
];
const MAX_DEPTH = 40;

/** Attribute values as the browser reads them: character references decoded (so "jav&#x09;ascript&#58;" is caught). */
function decodeAttr(raw: string): string {
  return friendlyAttrValue(raw).replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);?/gi, (_whole, ref: string) => {
    const lower = ref.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16) % 0x110000);
    if (lower.startsWith("#")) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10) % 0x110000);
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower] ?? "";
  });
}

/** http(s), mailto, or a path on this site; anything else (javascript:, data:, vbscript:, protocol-relative) is dropped. */
export function safeHref(raw: string): string | null {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:"), so the check does too.

  const value = decodeAttr(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  if (!value) return null;
  if (/^https?:\/\/[^/]/i.test(value) || /^mailto:[^/]/i.test(value)) return value;
  if (value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\")) return value;
  if (value.startsWith("#")) return value;
  return null;
}

function attributesOf(tagHtml: string): Map<string, string> {
  const inner = tagHtml.replace(/^<\s*[a-z0-9]+/i, "").replace(/\/?\s*>$/, "");
  const attrs = new Map<string, string>();
  parseAttr(inner, (name, value) => {
    const key = name.toLowerCase();
    if (!attrs.has(key)) attrs.set(key, value);
    return "";
  });
  return attrs;
}

export interface SanitisedBody {
  html: string;
  /** Media ids the body references (images and audio), for the workspace check. */
  mediaIds: { id: string; kind: "image" | "audio" }[];
  episodeIds: string[];
}

/** Rebuilds one allowed opening tag, or null when it must go (a media tag without a valid id, a nested link). */
function openingTag(tag: string, attrs: Map<string, string>, found: SanitisedBody, stack: string[]): string | null {
  const kept: string[] = [];
  const attr = (name: string, value: string) => kept.push(` ${name}="${escapeHtml(value)}"`);
  switch (tag) {
    case "a": {
      if (stack.includes("a")) return null;
      const href = attrs.has("href") ? safeHref(attrs.get("href")!) : null;
      if (href) attr("href", href);
      const title = attrs.get("title");
      if (title) attr("title", decodeAttr(title));
      if (href && /^https?:/i.test(href)) attr("rel", "nofollow noopener noreferrer");
      break;
    }
    case "img":
    case "audio": {
      const id = (attrs.get("data-media-id") ?? "").trim().toLowerCase();
      if (!isRowId(id)) return null;
      found.mediaIds.push({ id, kind: tag === "img" ? "image" : "audio" });
      attr("data-media-id", id);
      if (tag === "img") attr("alt", decodeAttr(attrs.get("alt") ?? ""));
      break;
    }
    case "figure": {
      if (stack.includes("figure")) return null;
      const id = (attrs.get("data-episode-id") ?? "").trim().toLowerCase();
      if (id) {
        if (!isRowId(id)) return null;
        found.episodeIds.push(id);
        attr("data-episode-id", id);
      }
      break;
    }
  }
  return `<${tag}${kept.join("")}>`;
}

/**
 * Cleans a post body. Pure and synchronous: the same input always gives the same output, so re-sanitising stored
 * HTML changes nothing (tested).
 */
export function sanitisePostHtml(input: string): SanitisedBody {
  const found: SanitisedBody = { html: "", mediaIds: [], episodeIds: [] };
  const stack: string[] = [];
  const filter = new FilterXSS({
    whiteList: {},
    allowCommentTag: false,
    stripIgnoreTag: true,
    stripIgnoreTagBody: DROPPED_WITH_CONTENT,
    css: false,
    onTag(rawTag, html, options) {
      const tag = RENAMED.get(rawTag.toLowerCase()) ?? rawTag.toLowerCase();
      if (!Object.hasOwn(ALLOWED, tag)) return undefined;
      if (options.isClosing) {
        if (VOID.has(tag)) return "";
        const at = stack.lastIndexOf(tag);
        if (at === -1) return "";
        // Closing an outer tag closes whatever is still open inside it, as a browser would.
        return stack
          .splice(at)
          .reverse()
          .map((open) => `</${open}>`)
          .join("");
      }
      if (stack.length >= MAX_DEPTH) return "";
      const opening = openingTag(tag, attributesOf(html), found, stack);
      if (opening === null) return "";
      if (!VOID.has(tag)) stack.push(tag);
      return opening;
    },
  });
  const html = filter.process(input);
  found.html = (
    html +
    [...stack]
      .reverse()
      .map((open) => `</${open}>`)
      .join("")
  ).trim();
  found.episodeIds = [...new Set(found.episodeIds)];
  return found;
}

export interface MediaAddress {
  id: string;
  url: string;
}
export interface EpisodeEmbed {
  id: string;
  title: string;
  pageUrl: string | null;
  audioUrl: string | null;
}

/**
 * Fills in the addresses of checked references: `src` of images and audio, and an episode embed's player and link
 * (its content is always ours, never the sender's). Runs on sanitised HTML, whose tags this file wrote.
 */
export function resolveReferences(
  html: string,
  opts: { media: ReadonlyMap<string, MediaAddress>; episodes: ReadonlyMap<string, EpisodeEmbed> },
): string {
  return html
    .replace(/<img data-media-id="([0-9a-f-]{36})" alt="([^"]*)">/g, (_whole, id: string, alt: string) => {
      const media = opts.media.get(id);
      return media ? `<img src="${escapeHtml(media.url)}" data-media-id="${id}" alt="${alt}" loading="lazy">` : "";
    })
    .replace(/<audio data-media-id="([0-9a-f-]{36})">[\s\S]*?<\/audio>/g, (_whole, id: string) => {
      const media = opts.media.get(id);
      return media
        ? `<audio controls preload="none" src="${escapeHtml(media.url)}" data-media-id="${id}"></audio>`
        : "";
    })
    .replace(/<figure data-episode-id="([0-9a-f-]{36})">[\s\S]*?<\/figure>/g, (_whole, id: string) => {
      const episode = opts.episodes.get(id);
      if (!episode) return "";
      const player = episode.audioUrl
        ? `<audio controls preload="none" src="${escapeHtml(episode.audioUrl)}"></audio>`
        : "";
      const caption = episode.pageUrl
        ? `<a href="${escapeHtml(episode.pageUrl)}">${escapeHtml(episode.title)}</a>`
        : escapeHtml(episode.title);
      return `<figure data-episode-id="${id}" class="post-episode">${player}<figcaption>${caption}</figcaption></figure>`;
    });
}

/** Plain text of sanitised HTML (teasers, email text part, search snippets' source). */
export function textOfHtml(html: string): string {
  return html
    .replace(/<(br|\/p|\/h[2-4]|\/li|\/blockquote|\/pre|\/figure)>/g, "$&\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
}
