import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { throwLoaderError } from "../lib/errors.server";

export const meta: MetaFunction = () => [{ title: "How downloads, listeners and subscribers are counted — Greenroom" }];

/** Public: the rules and list versions behind a workspace's download numbers, for advertisers and listeners. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    return await context.api.analytics.getMethodology({ workspaceId: params.workspaceId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function Methodology() {
  const m = useLoaderData<typeof loader>();
  return (
    <main className="card" style={{ maxWidth: "48rem", margin: "2rem auto" }}>
      <h1>How downloads are counted</h1>
      <p>
        Downloads of this network&apos;s episodes are counted by the IAB Tech Lab Podcast Measurement Technical
        Guidelines v2.2. Every request for an episode&apos;s audio is recorded without storing the listener&apos;s IP
        address, then counted once an hour by these rules:
      </p>
      <ol>
        <li>
          A listener is a keyed hash of the IP address (IPv6 cut to its /64 network) and the user agent. The key changes
          every UTC day and is deleted after two days, so a listener cannot be followed across days or traced back to an
          address.
        </li>
        <li>Requests that served no audio (HEAD, 304, 404, 416) are not counted.</li>
        <li>Requests from bots, crawlers and HTTP libraries marked as bots in the OPAWG lists are removed.</li>
        <li>
          Pre-load requests for the first two bytes (<code>bytes=0-1</code>) are removed.
        </li>
        <li>Apple Watch requests are removed as duplicates of the paired phone&apos;s download.</li>
        <li>
          The bytes sent to one listener for one episode during one UTC day are added up across every range requested,
          counting a byte fetched twice once. The listener counts as one download when that reaches one minute of audio:
          the file&apos;s average bytes per second × 60, plus the size of its ID3 tag (the whole file for episodes
          shorter than a minute; 960,000 bytes when the duration is unknown).
        </li>
        <li>
          Each listener counts at most once per episode per UTC day; further requests are duplicates. The download is
          credited to the listener&apos;s first request for app, platform and country.
        </li>
        <li>
          Requests that arrive late are absorbed: the current day and the two before are recounted every hour from the
          recorded requests, and each count stores how many requests each rule removed.
        </li>
      </ol>
      <h2>Estimated listeners</h2>
      <p>
        The estimated listeners of a UTC day are the distinct listeners (the keyed hash above) with at least one counted
        download that day, for the network, each show and each episode. A listener who downloads three episodes of a
        show counts once for the show. Because the key changes every day, the same person on two days cannot be
        recognised: weekly and monthly figures add the days up, so someone who listens on three days of a week counts
        three times. Read them as listener-days, an upper bound of the people reached; the daily figure is the exact
        count by these rules. Several people behind one address and app count as one listener, one person with two apps
        as two.
      </p>
      <h2>Sponsor frequency caps</h2>
      <p>
        A sponsor&apos;s frequency cap holds per listener and UTC day, across episodes: a flight capped at N plays in at
        most N different episodes for one listener (the keyed hash above) in one UTC day, at most once in each. The same
        listener downloading the same episode again that day gets the same ads. Two first downloads of different
        episodes by one listener at the same instant can both play the sponsor before either is counted. A cap across
        days (&quot;at most three times a week&quot;) cannot be enforced, by design: the listener key changes every UTC
        day and is deleted after two days, so a listener on Tuesday cannot be recognised as the one from Monday. Caps
        are therefore booked per day only.
      </p>
      <h2>Feed subscribers (estimate)</h2>
      <p>
        Every fetch of a show&apos;s public RSS feed is recorded the same way as audio requests (no IP address stored,
        the same daily key), including fetches answered from the edge cache and &quot;not modified&quot; (304) answers
        to apps that already have the feed. Once an hour the current day and the two before are estimated per show:
      </p>
      <ol>
        <li>Fetches that did not receive the feed (errors, other methods than GET and HEAD) are not counted.</li>
        <li>
          Aggregators that fetch once on behalf of many people and say so in their user agent (for example{" "}
          <code>Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers)</code> or{" "}
          <code>… 45 subscribers</code>) add the number they report, once per aggregator per day (the largest report of
          the day; at most 1,000,000, since anyone can write such a user agent).
        </li>
        <li>Bots, crawlers, bot libraries and empty user agents in the OPAWG lists are removed.</li>
        <li>
          Every other fetcher counts once a day, however often it polls. A directory or app that polls from its own
          servers for all of its users without reporting a count (Apple Podcasts, Spotify and others) counts as one
          fetcher, so the estimate is a lower bound for those platforms.
        </li>
      </ol>
      <p>Weekly and monthly charts show the average day of each period.</p>
      <h2>Versions</h2>
      <dl>
        <dt>Counting rules</dt>
        <dd>
          <code>{m.methodologyVersion}</code>
        </dd>
        <dt>Feed subscriber estimate</dt>
        <dd>
          <code>{m.subscribersVersion}</code>
        </dd>
        <dt>User-agent lists</dt>
        <dd>
          <code>{m.listsVersion}</code>: the{" "}
          <a href="https://github.com/opawg/user-agents-v2">Open Podcast Analytics Working Group user-agent lists</a>{" "}
          (MIT licence) for bots, apps, libraries, browsers and devices.
        </dd>
        <dt>Last counted</dt>
        <dd>
          {m.lastComputedAt
            ? new Date(m.lastComputedAt).toISOString().slice(0, 16).replace("T", " ") + " UTC"
            : "Not yet"}
        </dd>
      </dl>
    </main>
  );
}
