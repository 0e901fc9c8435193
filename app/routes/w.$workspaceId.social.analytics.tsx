import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { Pager } from "../components/pager";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime, truncate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { zoneLabel } from "../lib/social";
import { isTimeZone, timeZoneNames } from "../lib/timezones";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Analytics", "Social", workspaceNameFrom(matches)) },
];

const PAGE_SIZE = 10;
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const SORTS = { recent: "Newest first", engagement: "Most engaging first" } as const;
type Sort = keyof typeof SORTS;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const url = new URL(request.url);
  const requestedZone = url.searchParams.get("tz") ?? "UTC";
  const timezone = isTimeZone(requestedZone) ? requestedZone : "UTC";
  const sort: Sort = url.searchParams.get("sort") === "engagement" ? "engagement" : "recent";
  const offset = Math.max(0, Number.parseInt(url.searchParams.get("offset") ?? "0", 10) || 0);
  try {
    // Without `account` in the URL, all three reads choose the same default account, so none waits for another:
    // one wave after the session (ADR 016).
    const accountId = url.searchParams.get("account") || undefined;
    const [overview, accountBestTimes, accountMedia] = await Promise.all([
      context.api.socialInsights.getAccountAnalytics({ workspaceId, accountId }),
      context.api.socialInsights.getBestTimes({ workspaceId, accountId, timezone }),
      context.api.socialInsights.listMedia({ workspaceId, accountId, sort, limit: PAGE_SIZE, offset }),
    ]);
    const [bestTimes, media] = overview.account ? [accountBestTimes, accountMedia] : [null, null];
    const href = (changes: Record<string, string | null>) => {
      const search = new URLSearchParams(url.searchParams);
      for (const [name, value] of Object.entries(changes)) {
        if (value === null) search.delete(name);
        else search.set(name, value);
      }
      return `${url.pathname}?${search}`;
    };
    return {
      ...overview,
      bestTimes,
      media,
      timezone,
      sort,
      timeZones: timeZoneNames(),
      previousHref:
        media && offset > 0 ? href({ offset: offset - PAGE_SIZE > 0 ? String(offset - PAGE_SIZE) : null }) : null,
      nextHref: media?.nextOffset ? href({ offset: String(media.nextOffset) }) : null,
      sortHrefs: { recent: href({ sort: null, offset: null }), engagement: href({ sort: "engagement", offset: null }) },
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent !== "sync") throw new Response("Unknown action.", { status: 400 });
    const result = await context.api.socialInsights.syncNow({
      workspaceId: params.workspaceId ?? "",
      accountId: text(form, "accountId"),
    });
    if (result.status === "synced")
      return { intent, notice: `Synced ${result.media} post${result.media === 1 ? "" : "s"}.` };
    if (result.status === "needs_reconnect")
      return { intent, notice: `The account needs reconnecting: ${result.message}` };
    return { intent, notice: `The sync failed: ${result.message}` };
  } catch (error) {
    return actionError(error, { intent });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Analytics = NonNullable<Data["analytics"]>;
type BestTimes = NonNullable<Data["bestTimes"]>;

const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
const whole = (n: number | null | undefined) =>
  n === null || n === undefined ? "—" : Math.round(n).toLocaleString("en-US");
const hourLabel = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

function engagementText(value: number, metric: BestTimes["metric"]) {
  return metric === "engagement_rate" ? `${percent(value)} engagement` : `${value.toFixed(1)} interactions`;
}

function Headline({ account, analytics }: { account: NonNullable<Data["account"]>; analytics: Analytics | null }) {
  const items = [
    { label: "Followers", value: whole(account.followersCount) },
    { label: "Posts on the account", value: whole(account.mediaCount) },
    {
      label: `Average engagement rate (last ${analytics?.windowDays ?? 90} days)`,
      value: percent(analytics?.averageEngagementRate),
    },
    { label: `Reach (last ${analytics?.windowDays ?? 90} days)`, value: whole(analytics?.totals.reach) },
  ];
  return (
    <dl className="stats">
      {items.map((item) => (
        <div key={item.label} className="card stat">
          <dt className="stat-label">{item.label}</dt>
          <dd className="stat-value stat-value-small">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SyncStatus({ account, mayWrite }: { account: NonNullable<Data["account"]>; mayWrite: boolean }) {
  const waitUntil = account.nextSyncAllowedAt ? new Date(account.nextSyncAllowedAt) : null;
  return (
    <section className="card" aria-labelledby="sync-heading">
      <h2 id="sync-heading">Sync</h2>
      <p>
        {account.lastSyncedAt ? <>Last synced {formatDateTime(new Date(account.lastSyncedAt))}.</> : "Not synced yet."}{" "}
        Accounts sync every six hours.
      </p>
      {account.lastSyncError ? (
        <p className="banner-info">
          The last sync failed: {account.lastSyncError}
          {account.lastSyncedAt ? " The numbers below are from the last successful sync." : ""}
        </p>
      ) : null}
      {account.status === "needs_reconnect" ? (
        <p className="banner-info">
          This account needs reconnecting{account.statusReason ? `: ${account.statusReason}` : "."}{" "}
          <Link to="../accounts">Go to Accounts</Link>
        </p>
      ) : null}
      {mayWrite && account.status === "active" ? (
        <Form method="post">
          <input type="hidden" name="accountId" value={account.id} />
          <SubmitButton intent="sync" pendingLabel="Syncing…" className="button button-secondary">
            Sync now
          </SubmitButton>
          {waitUntil ? (
            <p className="muted">Synced a moment ago; it can be synced again after {formatDateTime(waitUntil)}.</p>
          ) : null}
        </Form>
      ) : null}
    </section>
  );
}

/** Weekday × hour with the evidence in every cell as text; the shade only repeats what the text says. */
function BestTimeTable({ bestTimes }: { bestTimes: BestTimes }) {
  const hours = [...new Set(bestTimes.slots.map((s) => s.hour))].sort((a, b) => a - b);
  const top = Math.max(...bestTimes.slots.map((s) => s.averageEngagement), 0);
  const cell = (weekday: number, hour: number) => bestTimes.slots.find((s) => s.weekday === weekday && s.hour === hour);
  return (
    <section className="card" aria-labelledby="best-time-heading">
      <h2 id="best-time-heading">Best time to post</h2>
      <p className="muted">
        From this account&apos;s own posts of the last 180 days, by the hour they went out in{" "}
        {zoneLabel(bestTimes.timezone)}. A time is recommended once at least {bestTimes.minimumPosts} posts went out in
        it.
      </p>
      {bestTimes.recommendations.length > 0 ? (
        <ol className="social-best-times">
          {bestTimes.recommendations.map((slot) => (
            <li key={`${slot.weekday}-${slot.hour}`}>
              <strong>
                {WEEKDAYS[slot.weekday]} {hourLabel(slot.hour)}–{hourLabel((slot.hour + 1) % 24)}
              </strong>
              {`: ${engagementText(slot.averageEngagement, bestTimes.metric)} on average over ${slot.posts} ${slot.posts === 1 ? "post" : "posts"}`}
            </li>
          ))}
        </ol>
      ) : (
        <p>{bestTimes.message}</p>
      )}
      {hours.length > 0 ? (
        <div className="table-scroll">
          <table className="social-heatmap">
            <caption>
              Average {bestTimes.metric === "engagement_rate" ? "engagement rate" : "interactions"} and number of posts,
              by weekday and hour ({zoneLabel(bestTimes.timezone)})
            </caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {hours.map((hour) => (
                  <th key={hour} scope="col">
                    {hourLabel(hour)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {WEEKDAYS.map((day, weekday) => (
                <tr key={day}>
                  <th scope="row">{day}</th>
                  {hours.map((hour) => {
                    const slot = cell(weekday, hour);
                    if (!slot) return <td key={hour}>—</td>;
                    const shade = top > 0 ? slot.averageEngagement / top : 0;
                    return (
                      <td
                        key={hour}
                        className={slot.recommended ? "recommended" : undefined}
                        style={{ backgroundColor: `rgba(79, 70, 229, ${(0.08 + shade * 0.4).toFixed(2)})` }}
                      >
                        {bestTimes.metric === "engagement_rate"
                          ? percent(slot.averageEngagement)
                          : slot.averageEngagement.toFixed(1)}
                        <br />
                        <span className="muted">{`${slot.posts} post${slot.posts === 1 ? "" : "s"}`}</span>
                        {slot.recommended ? (
                          <>
                            <br />
                            <strong>Recommended</strong>
                          </>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TopPosts({ analytics }: { analytics: Analytics }) {
  return (
    <section className="card" aria-labelledby="top-posts-heading">
      <h2 id="top-posts-heading">Top posts</h2>
      <ol className="social-top-posts">
        {analytics.topPosts.map((post) => (
          <li key={post.remoteId}>
            <p>
              {post.permalink ? (
                <a href={post.permalink}>{truncate(post.caption || "Untitled post", 80)}</a>
              ) : (
                truncate(post.caption || "Untitled post", 80)
              )}{" "}
              <span className="muted">{formatDateTime(new Date(post.postedAt))}</span>
            </p>
            <p className="muted">
              {percent(post.engagementRate)} engagement · {whole(post.likes)} likes · {whole(post.comments)} comments ·{" "}
              {whole(post.saved)} saves · {whole(post.reach)} reach
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function MediaTable({ data }: { data: Data }) {
  if (!data.media) return null;
  return (
    <section className="card" aria-labelledby="media-heading">
      <h2 id="media-heading">Synced posts</h2>
      <p>
        Sort:{" "}
        {(Object.keys(SORTS) as Sort[]).map((sort, i) => (
          <span key={sort}>
            {i > 0 ? " · " : ""}
            {data.sort === sort ? (
              <strong aria-current="true">{SORTS[sort]}</strong>
            ) : (
              <Link to={data.sortHrefs[sort]}>{SORTS[sort]}</Link>
            )}
          </span>
        ))}
      </p>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Synced posts with their insights</caption>
          <thead>
            <tr>
              <th scope="col">Post</th>
              <th scope="col">Posted</th>
              <th scope="col">Likes</th>
              <th scope="col">Comments</th>
              <th scope="col">Saves</th>
              <th scope="col">Reach</th>
              <th scope="col">Views</th>
              <th scope="col">Engagement</th>
            </tr>
          </thead>
          <tbody>
            {data.media.items.map((item) => (
              <tr key={item.id}>
                <td>
                  {item.permalink ? (
                    <a href={item.permalink}>{truncate(item.caption || item.mediaType, 60)}</a>
                  ) : (
                    truncate(item.caption || item.mediaType, 60)
                  )}
                </td>
                <td>{formatDateTime(new Date(item.postedAt))}</td>
                <td>{whole(item.likeCount)}</td>
                <td>{whole(item.commentsCount)}</td>
                <td>{whole(item.saved)}</td>
                <td>{whole(item.reach)}</td>
                <td>{whole(item.impressions)}</td>
                <td>{percent(item.engagementRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Synced posts pages"
        previous={data.previousHref ? { to: data.previousHref, text: "Previous" } : null}
        next={data.nextHref ? { to: data.nextHref, text: "Next" } : null}
      />
    </section>
  );
}

export default function SocialAnalytics() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { workspace } = useWorkspaceLayout();
  const mayWrite = can(workspace.role, "content.write");
  const { account, analytics } = data;

  if (!account) {
    return (
      <section className="card empty-state" aria-labelledby="analytics-empty-heading">
        <h2 id="analytics-empty-heading">Connect an account</h2>
        <p>Analytics appear here once an Instagram or Sandbox account is connected and synced.</p>
        <Link className="button" to="../accounts">
          Go to Accounts
        </Link>
      </section>
    );
  }

  return (
    <>
      <Form method="get" className="social-analytics-filters">
        <label>
          Account{" "}
          <select name="account" defaultValue={account.id}>
            {data.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                @{a.username}
                {a.provider === "sandbox" ? " (Sandbox)" : ""}
                {a.status === "active" ? "" : a.status === "needs_reconnect" ? " (needs reconnect)" : " (disconnected)"}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          Time zone{" "}
          <select name="tz" defaultValue={data.timezone}>
            {data.timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zoneLabel(zone)}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" className="button button-secondary">
          Show
        </button>
      </Form>
      <Notice message={noticeOf(actionData)} />
      <ErrorSummary errors={errorsOf(actionData, "sync")} />
      <h2>
        @{account.username}
        {account.provider === "sandbox" ? " (Sandbox)" : ""}
      </h2>
      <Headline account={account} analytics={analytics} />
      <SyncStatus account={account} mayWrite={mayWrite} />
      {!analytics ? (
        <section className="card empty-state" aria-labelledby="not-synced-heading">
          <h2 id="not-synced-heading">Sync to see analytics</h2>
          <p>
            This account has not been synced yet.{" "}
            {mayWrite ? "Press “Sync now” above, or wait for the next six-hourly sync." : "It syncs every six hours."}
          </p>
        </section>
      ) : analytics.posts === 0 ? (
        <section className="card empty-state" aria-labelledby="no-posts-heading">
          <h2 id="no-posts-heading">Not enough posts yet</h2>
          <p>There are no posts from the last {analytics.windowDays} days to measure. Publish a few and sync again.</p>
        </section>
      ) : (
        <>
          {data.bestTimes ? <BestTimeTable bestTimes={data.bestTimes} /> : null}
          <TopPosts analytics={analytics} />
          <MediaTable data={data} />
        </>
      )}
    </>
  );
}
