import * as z from "zod";
import { text } from "../../lib/text";

/**
 * "Listen on" links a creator sets per show, shown on the public show and episode pages. Each known app's address
 * must be on that app's own site, so a typo or a pasted feed address is caught in the form, not by a listener.
 */
export const LISTEN_PLATFORMS = ["apple", "spotify", "overcast", "pocketcasts", "other"] as const;
export type ListenPlatform = (typeof LISTEN_PLATFORMS)[number];

export const LISTEN_PLATFORM_NAMES: Record<Exclude<ListenPlatform, "other">, string> = {
  apple: "Apple Podcasts",
  spotify: "Spotify",
  overcast: "Overcast",
  pocketcasts: "Pocket Casts",
};

const PLATFORM_HOSTS: Record<Exclude<ListenPlatform, "other">, { hosts: readonly string[]; example: string }> = {
  apple: { hosts: ["podcasts.apple.com"], example: "https://podcasts.apple.com/…" },
  spotify: { hosts: ["open.spotify.com"], example: "https://open.spotify.com/show/…" },
  overcast: { hosts: ["overcast.fm"], example: "https://overcast.fm/itunes…" },
  pocketcasts: { hosts: ["pca.st", "pocketcasts.com", "play.pocketcasts.com"], example: "https://pca.st/…" },
};

export interface ListenLink {
  platform: ListenPlatform;
  /** What the link says; for a known app its name, for "other" the creator's words. */
  label: string;
  url: string;
}

/** The most links a show lists: the four apps and a few of the creator's own. */
export const LISTEN_LINK_LIMIT = 8;

const parsedUrl = (value: string) => {
  try {
    return new URL(value);
  } catch {
    return null;
  }
};

const ZListenUrl = text("link", { min: 1, max: 500, empty: "Enter the link's address." });

export const ZListenLink = z
  .object({
    platform: z.enum(LISTEN_PLATFORMS, { error: "Choose where the link goes." }),
    label: text("link name", { max: 40, tooLong: "Use at most 40 characters for the link name." }).default(""),
    url: ZListenUrl,
  })
  .superRefine((link, ctx) => {
    const url = parsedUrl(link.url);
    const name = link.platform === "other" ? "the link" : LISTEN_PLATFORM_NAMES[link.platform];
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname.includes(".")) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: `Enter a web address for ${name}, starting with https://.`,
      });
      return;
    }
    if (link.platform === "other") {
      if (!link.label) ctx.addIssue({ code: "custom", path: ["label"], message: "Name the other link, e.g. YouTube." });
      return;
    }
    const { hosts, example } = PLATFORM_HOSTS[link.platform];
    const host = url.hostname.toLowerCase();
    if (!hosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`)))
      ctx.addIssue({ code: "custom", path: ["url"], message: `Use your show's ${name} address, like ${example}` });
  })
  .transform((link): ListenLink => ({
    platform: link.platform,
    label: link.platform === "other" ? link.label : LISTEN_PLATFORM_NAMES[link.platform],
    url: new URL(link.url).href,
  }));

export const ZListenLinks = z
  .array(ZListenLink)
  .max(LISTEN_LINK_LIMIT, `List at most ${LISTEN_LINK_LIMIT} links.`)
  .superRefine((links, ctx) => {
    const known = links.filter((link) => link.platform !== "other").map((link) => link.platform);
    if (new Set(known).size !== known.length) ctx.addIssue({ code: "custom", message: "List each app once." });
  });

/** What is stored (jsonb) is read back as links, dropping anything that no longer passes (never shown broken). */
export function storedListenLinks(value: unknown): ListenLink[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = ZListenLink.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}
