import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { throwLoaderError } from "../lib/errors.server";

export const meta: MetaFunction = () => [{ title: "How downloads are counted — Greenroom" }];

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
      <h2>Versions</h2>
      <dl>
        <dt>Counting rules</dt>
        <dd>
          <code>{m.methodologyVersion}</code>
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
