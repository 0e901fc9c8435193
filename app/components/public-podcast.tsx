import { Fragment, type ReactNode } from "react";
import { BrandLink } from "./shell";

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
