import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import type { AppRouter } from "../../server/trpc/router";
import { trpc } from "../lib/trpc.client";
import { CopyField } from "./copy-field";

type MyFeeds = inferRouterOutputs<AppRouter>["privateFeeds"]["listMine"];

/**
 * The supporter portal's "Your private feeds" section (ADR 028), for `/c/:workspaceId/account`: the page's loader
 * reads `context.api.privateFeeds.listMine({ workspaceId })` beside its own reads and renders
 * `<PrivateFeedsSection workspaceId={…} initial={…} />`. Each feed: its address with Copy, "Add to" links for
 * Apple Podcasts, Overcast and Pocket Casts, and a new address on request (the old one stops at once).
 */
export function PrivateFeedsSection({ workspaceId, initial }: { workspaceId: string; initial: MyFeeds }) {
  const [feeds, setFeeds] = useState(initial.feeds);
  const [status, setStatus] = useState<string | null>(null);
  const rotate = async (showId: string, showTitle: string) => {
    if (!window.confirm(`Replace your private feed address for ${showTitle}? Apps using the old one stop updating.`))
      return;
    try {
      const fresh = await trpc.privateFeeds.rotate.mutate({ workspaceId, showId });
      setFeeds((current) => current.map((f) => (f.showId === showId ? { ...f, ...fresh } : f)));
      setStatus(`New address for ${showTitle}. Add it to your podcast app again.`);
    } catch {
      setStatus("The address could not be replaced. Try again.");
    }
  };
  return (
    <section aria-labelledby="private-feeds-heading" className="card">
      <h2 id="private-feeds-heading">Your private feeds</h2>
      {initial.membership === "ended" ? (
        <p className="muted">Your membership ended, so your private feeds stopped. Renew it to listen again.</p>
      ) : initial.membership !== "active" || feeds.length === 0 ? (
        <p className="muted">No members&apos; episodes for you yet. When there are, your own feed appears here.</p>
      ) : (
        <>
          <p className="field-hint">
            Each address is yours alone: anyone who has it can listen as you. Keep it to yourself, and replace it if it
            got out.
          </p>
          {feeds.map((feed) => (
            <div key={feed.showId} className="private-feed">
              <h3>{feed.showTitle}</h3>
              <CopyField id={`feed-${feed.showId}`} label="Feed address" value={feed.feedUrl} />
              <p className="public-links">
                <a href={feed.apps.applePodcasts}>Add to Apple Podcasts</a>
                <a href={feed.apps.overcast}>Add to Overcast</a>
                <a href={feed.apps.pocketCasts}>Add to Pocket Casts</a>
              </p>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => void rotate(feed.showId, feed.showTitle)}
              >
                Replace this address
              </button>
            </div>
          ))}
        </>
      )}
      <p role="status" aria-live="polite" className="field-hint">
        {status}
      </p>
    </section>
  );
}
