import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { ErrorSummary } from "../components/form";
import { Notice } from "../components/notice";
import { Pager } from "../components/pager";
import { CancelPostForm, RescheduleForm, TimeZoneList } from "../components/social-post-actions";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { keysetTrail } from "../lib/keyset-pages.server";
import { truncate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { captionExcerpt, formatLocal, POST_STATUS, POST_TYPE_LABEL, zoneLabel } from "../lib/social";
import { timeZoneNames } from "../lib/timezones";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import { toZonedLocal } from "../../server/services/social/schedule-time";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Posts", "Social", workspaceNameFrom(matches)) },
];

const TABS = [
  { id: "scheduled", label: "Scheduled" },
  { id: "published", label: "Published" },
  { id: "failed", label: "Failed" },
  { id: "drafts", label: "Drafts" },
] as const;
type TabId = (typeof TABS)[number]["id"];

const PAGE_SIZE = 20;
/** While posts are due or publishing, the list refreshes itself this often. */
const REFRESH_MS = 10_000;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const tab: TabId = TABS.find((candidate) => candidate.id === url.searchParams.get("tab"))?.id ?? "scheduled";
  const pages = keysetTrail(request, { keep: ["tab"] });
  try {
    const page = await context.api.socialPosts.listPosts({
      workspaceId: params.workspaceId ?? "",
      filter: tab,
      limit: PAGE_SIZE,
      cursor: pages.cursor,
    });
    const { newerHref, olderHref } = pages.links(page.nextCursor ?? null);
    // A failed post is retried a couple of minutes from now, in its own zone, unless the person picks another time.
    const soon = new Date(Date.now() + 2 * 60_000);
    return {
      tab,
      items: page.items.map((item) => ({ ...item, retryLocal: toZonedLocal(soon, item.timezone) })),
      previousHref: newerHref,
      nextHref: olderHref,
      timeZones: timeZoneNames(),
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const postId = text(form, "postId");
  try {
    if (intent === "cancel") {
      await context.api.socialPosts.cancelPost({ workspaceId, postId });
      return { intent, notice: "Post canceled. It will not be published." };
    }
    if (intent === "reschedule") {
      const post = await context.api.socialPosts.reschedulePost({
        workspaceId,
        postId,
        scheduledLocal: text(form, "scheduledLocal"),
        timezone: text(form, "timezone"),
      });
      return {
        intent,
        notice: `Scheduled for ${formatLocal(post.scheduledLocal ?? "")} (${zoneLabel(post.timezone)}).${post.timeNote ? ` ${post.timeNote}` : ""}`,
      };
    }
    throw new Response("Unknown action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent, postId });
  }
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

export default function SocialPosts() {
  const { tab, items, previousHref, nextHref, timeZones } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const revalidator = useRevalidator();
  const writer = can(workspace.role, "content.write");
  const base = `/w/${workspace.id}/social`;
  const current = TABS.find((candidate) => candidate.id === tab)!;

  const changing = tab === "scheduled" && items.length > 0;
  useEffect(() => {
    if (!changing) return;
    const timer = setInterval(() => document.visibilityState === "visible" && revalidator.revalidate(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [changing, revalidator]);

  return (
    <section aria-labelledby="posts-heading">
      <div className="page-header">
        <div>
          <h2 id="posts-heading">Posts</h2>
          <p className="lead">
            Everything scheduled, published, failed or still a draft. Times are shown in the zone each post was
            scheduled in.
          </p>
        </div>
        {writer ? (
          <Link className="button" to={`${base}/compose`}>
            New post
          </Link>
        ) : null}
      </div>
      <nav className="post-tabs" aria-label="Post lists">
        <ul>
          {TABS.map((candidate) => (
            <li key={candidate.id}>
              <Link to={`?tab=${candidate.id}`} aria-current={candidate.id === tab ? "page" : undefined}>
                {candidate.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Notice message={noticeOf(result)} />
      <ErrorSummary errors={errorsOf(result)} />
      {writer ? <TimeZoneList timeZones={timeZones} /> : null}
      {items.length === 0 ? (
        <div className="empty-state">
          <p>{searchParams.get("cursor") ? `No more ${current.label.toLowerCase()} posts.` : EMPTY[tab]}</p>
          {writer && tab !== "published" ? (
            <p>
              <Link to={`${base}/compose`}>Compose a post</Link>
            </p>
          ) : null}
        </div>
      ) : (
        <ul className="post-list" aria-label={`${current.label} posts`}>
          {items.map((item) => (
            <PostRow key={item.id} item={item} writer={writer} base={base} />
          ))}
        </ul>
      )}
      <Pager
        label={`${current.label} posts pages`}
        previous={previousHref ? { to: previousHref, text: "Previous" } : null}
        next={nextHref ? { to: nextHref, text: "Next" } : null}
      />
    </section>
  );
}

const EMPTY: Record<TabId, string> = {
  scheduled: "Nothing is scheduled.",
  published: "Nothing has been published yet.",
  failed: "No failed posts.",
  drafts: "No drafts.",
};

function PostRow({ item, writer, base }: { item: Item; writer: boolean; base: string }) {
  const status = POST_STATUS[item.status];
  const excerpt = captionExcerpt(item.caption, 120);
  const name = `“${truncate(excerpt, 40)}”`;
  const editable = item.status === "draft" || item.status === "scheduled" || item.status === "failed";
  const when = item.status === "published" && item.publishedLocal ? item.publishedLocal : item.scheduledLocal;
  return (
    <li className="post-row">
      {item.thumbnailMediaId ? (
        <img
          className="post-thumb"
          src={`/api/media/${item.thumbnailMediaId}`}
          alt=""
          width={64}
          height={64}
          loading="lazy"
        />
      ) : (
        <span className="post-thumb post-thumb-empty" aria-hidden="true">
          {POST_TYPE_LABEL[item.type]}
        </span>
      )}
      <div className="post-row-main">
        <p className="post-row-meta">
          <span className={`badge ${status.tone}`}>{status.label}</span>
          {when ? (
            <span>
              <time dateTime={(item.status === "published" ? item.publishedAt : item.scheduledAt)?.toISOString()}>
                {formatLocal(when)}
              </time>{" "}
              <span className="muted">{zoneLabel(item.timezone)}</span>
            </span>
          ) : (
            <span className="muted">No time set</span>
          )}
          <span>
            {item.account ? `@${item.account.username}` : <span className="muted">No account</span>}
            {item.account?.provider === "sandbox" ? <span className="badge badge-sandbox">Sandbox</span> : null}
          </span>
          <span className="muted">
            {POST_TYPE_LABEL[item.type]}
            {item.type === "carousel" ? `, ${item.mediaCount} files` : ""}
          </span>
        </p>
        <p className="post-caption">{excerpt}</p>
        {item.status === "failed" && item.reason ? (
          <p className="post-reason">
            <strong>Why it failed:</strong> {item.reason}
          </p>
        ) : null}
        {item.status !== "failed" && item.status !== "published" && item.reason ? (
          <p className="post-reason post-reason-deferred">Waiting: {item.reason}</p>
        ) : null}
        {item.status === "published" && item.permalink ? (
          <p>
            <a href={item.permalink} target="_blank" rel="noreferrer">
              View post<span className="visually-hidden"> {name}</span>
            </a>
          </p>
        ) : null}
      </div>
      {writer && editable ? (
        <div className="post-row-actions">
          <Link className="button button-secondary button-small" to={`${base}/compose?postId=${item.id}`}>
            Edit<span className="visually-hidden"> {name}</span>
          </Link>
          <RescheduleForm
            postId={item.id}
            label={item.status === "failed" ? "Retry…" : item.status === "draft" ? "Schedule…" : "Reschedule…"}
            local={item.status === "failed" || !item.scheduledLocal ? item.retryLocal : item.scheduledLocal}
            timezone={item.timezone}
            describedAs={name}
          />
          {item.status === "draft" || item.status === "scheduled" ? (
            <CancelPostForm postId={item.id} describedAs={name} />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
