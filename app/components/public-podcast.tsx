import type { MetaDescriptor } from "@remix-run/cloudflare";
import { Fragment, type ReactNode } from "react";
import { BrandLink } from "./shell";

/** A description cut to what link previews and list rows show, at a word where possible. */
export function summaryOf(text: string, max = 200) {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Open Graph and Twitter card tags, so a shared link unfurls with the show's artwork, title and description in
 * chat apps and social networks. Twitter reads og: tags as fallbacks, but the card type and alt text are its own.
 */
export function shareMeta(opts: {
  type: "website" | "music.song";
  title: string;
  description: string;
  url: string;
  siteName: string;
  imageUrl: string | null;
  imageAlt: string;
  audio?: { url: string; contentType: string };
}): MetaDescriptor[] {
  return [
    { property: "og:type", content: opts.type },
    { property: "og:title", content: opts.title },
    { property: "og:description", content: opts.description },
    { property: "og:url", content: opts.url },
    { property: "og:site_name", content: opts.siteName },
    ...(opts.audio
      ? [
          { property: "og:audio", content: opts.audio.url },
          { property: "og:audio:type", content: opts.audio.contentType },
        ]
      : []),
    ...(opts.imageUrl
      ? [
          { property: "og:image", content: opts.imageUrl },
          { property: "og:image:alt", content: opts.imageAlt },
        ]
      : []),
    { name: "twitter:card", content: opts.imageUrl ? "summary_large_image" : "summary" },
    { name: "twitter:title", content: opts.title },
    { name: "twitter:description", content: opts.description },
    ...(opts.imageUrl
      ? [
          { name: "twitter:image", content: opts.imageUrl },
          { name: "twitter:image:alt", content: opts.imageAlt },
        ]
      : []),
  ];
}

/** The creator's "Listen on" links and the RSS feed, as a row of buttons. */
export function ListenOn({
  links,
  feedUrl,
}: {
  links: { platform: string; label: string; url: string }[];
  feedUrl: string;
}) {
  return (
    <nav aria-label="Listen on" className="listen-on">
      <ul>
        {links.map((link) => (
          <li key={link.url}>
            <a href={link.url} className={`listen-link listen-${link.platform}`} rel="noopener">
              {link.label}
            </a>
          </li>
        ))}
        <li>
          <a href={feedUrl} className="listen-link listen-rss">
            RSS feed
          </a>
        </li>
      </ul>
    </nav>
  );
}

/** The frame of the public show and episode pages: no app navigation, the show as the header. */
export function PublicPage({
  show,
  children,
}: {
  show: { title: string; author: string; artworkUrl: string | null; pageUrl: string };
  children: ReactNode;
}) {
  return (
    <div className="public-shell">
      <header className="public-header">
        <a href={show.pageUrl} className="public-show">
          {show.artworkUrl ? (
            <img src={show.artworkUrl} alt="" width={56} height={56} className="public-artwork" />
          ) : (
            <span className="public-artwork-placeholder" aria-hidden="true" />
          )}
          <span>
            <span className="public-show-title">{show.title}</span>
            {show.author ? <span className="public-show-author">{show.author}</span> : null}
          </span>
        </a>
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        {children}
      </main>
      <footer className="public-footer">
        <BrandLink to="/" />
      </footer>
    </div>
  );
}

const URL_PATTERN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])/g;

/** Show notes as text, with web addresses as links: nothing in them is ever read as HTML. */
export function ShowNotes({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <div className="show-notes">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} rel="nofollow ugc noopener">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </div>
  );
}
