import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { useEffect, useState, type DragEvent } from "react";
import { ErrorSummary } from "../components/form";
import { Notice } from "../components/notice";
import { RescheduleForm, TimeZoneList } from "../components/social-post-actions";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { truncate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import {
  browserZone,
  captionExcerpt,
  formatDay,
  formatLocal,
  movedScheduledLocal,
  POST_STATUS,
  zoneLabel,
} from "../lib/social";
import { isTimeZone, timeZoneNames } from "../lib/timezones";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import { addDays, toZonedLocal } from "../../server/services/social/schedule-time";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Calendar", "Social", workspaceNameFrom(matches)) },
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** 0 for Monday … 6 for Sunday. */
const weekdayOf = (date: string) => {
  const [year, month, day] = date.split("-").map(Number);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
};
const mondayOf = (date: string) => addDays(date, -weekdayOf(date));
const monthOf = (date: string) => `${date.slice(0, 8)}01`;
const addMonths = (date: string, months: number) => {
  const [year, month] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1 + months, 1)).toISOString().slice(0, 10);
};

/** The days the view shows: a Monday-to-Sunday week, or the six weeks around a month. */
function rangeOf(view: "week" | "month", anchor: string) {
  const from = view === "week" ? mondayOf(anchor) : mondayOf(monthOf(anchor));
  const days = Array.from({ length: view === "week" ? 7 : 42 }, (_, i) => addDays(from, i));
  return { from, to: days.at(-1)!, days };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const view = url.searchParams.get("view") === "month" ? "month" : "week";
  const zoneParam = url.searchParams.get("tz");
  // The server cannot know the reader's zone: UTC until the browser says otherwise (see the effect below).
  const timezone = zoneParam && isTimeZone(zoneParam) ? zoneParam : "UTC";
  const today = toZonedLocal(new Date(), timezone).slice(0, 10);
  const dateParam = url.searchParams.get("date");
  const anchor = dateParam && DAY.test(dateParam) ? dateParam : today;
  const { from, to, days } = rangeOf(view, anchor);
  try {
    const calendar = await context.api.socialPosts.listCalendar({
      workspaceId: params.workspaceId ?? "",
      from,
      to,
      timezone,
    });
    return {
      view,
      anchor,
      today,
      days,
      timezone,
      zoneChosen: Boolean(zoneParam),
      items: calendar.items,
      previous: view === "week" ? addDays(anchor, -7) : addMonths(anchor, -1),
      next: view === "week" ? addDays(anchor, 7) : addMonths(anchor, 1),
      timeZones: timeZoneNames(),
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
    if (intent !== "reschedule") throw new Response("Unknown action.", { status: 400 });
    const post = await context.api.socialPosts.reschedulePost({
      workspaceId: params.workspaceId ?? "",
      postId: text(form, "postId"),
      scheduledLocal: text(form, "scheduledLocal"),
      timezone: text(form, "timezone"),
    });
    return {
      intent,
      notice: `Moved to ${formatLocal(post.scheduledLocal ?? "")} (${zoneLabel(post.timezone)}).${post.timeNote ? ` ${post.timeNote}` : ""}`,
    };
  } catch (error) {
    return actionError(error, { intent });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Item = Data["items"][number];

/** Only scheduled posts move here; drafts are scheduled from the composer and failed posts retried from the Posts list. */
const movable = (item: Item) => item.status === "scheduled";

export default function SocialCalendar() {
  const data = useLoaderData<typeof loader>();
  const { view, anchor, today, days, timezone, zoneChosen, items, previous, next, timeZones } = data;
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const mover = useFetcher<typeof action>();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const writer = can(workspace.role, "content.write");
  const base = `/w/${workspace.id}/social`;
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  // A drop answers through the fetcher, a "Move to…" form through the action data: show whichever came last.
  const [moveResult, setMoveResult] = useState<typeof result>(undefined);
  useEffect(() => setMoveResult(mover.data), [mover.data]);
  useEffect(() => setMoveResult(result), [result]);

  // Rendered in UTC on the server; once JavaScript runs, show the reader's own zone unless they chose one.
  useEffect(() => {
    if (zoneChosen) return;
    const zone = browserZone(timeZones);
    if (!zone || zone === timezone) return;
    const search = new URLSearchParams(searchParams);
    search.set("tz", zone);
    navigate(`?${search}`, { replace: true, preventScrollReset: true });
  }, [zoneChosen]);

  const link = (changes: Record<string, string>) => {
    const search = new URLSearchParams({ view, date: anchor, tz: timezone, ...changes });
    return `?${search}`;
  };

  const byDay = new Map<string, Item[]>();
  for (const item of items) {
    const day = item.local.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), item]);
  }

  // The post keeps its own zone and time of day; only the date moves (see movedScheduledLocal).
  const moveTo = (postId: string, day: string) => {
    const item = items.find((candidate) => candidate.id === postId);
    if (!item || !item.scheduledLocal || item.local.slice(0, 10) === day) return;
    const form = new FormData();
    form.set("intent", "reschedule");
    form.set("postId", postId);
    form.set(
      "scheduledLocal",
      movedScheduledLocal({ scheduledLocal: item.scheduledLocal, shownLocal: item.local }, day),
    );
    form.set("timezone", item.timezone);
    mover.submit(form, { method: "post" });
  };
  const onDrop = (day: string) => (event: DragEvent) => {
    event.preventDefault();
    const postId = event.dataTransfer.getData("text/x-post-id") || dragging;
    setDragging(null);
    setDropTarget(null);
    if (postId) moveTo(postId, day);
  };

  const heading =
    view === "week"
      ? `Week of ${formatDay(days[0])}`
      : `${MONTH_NAMES[Number(anchor.slice(5, 7)) - 1]} ${anchor.slice(0, 4)}`;

  return (
    <section aria-labelledby="calendar-heading">
      <div className="page-header">
        <div>
          <h2 id="calendar-heading">{heading}</h2>
          <p className="lead">
            Times in {zoneLabel(timezone)}.{" "}
            {writer ? "Drag a scheduled post to another day to move it, or use its “Move to…” button." : null}
          </p>
        </div>
        {writer ? (
          <Link className="button" to={`${base}/compose`}>
            New post
          </Link>
        ) : null}
      </div>

      <div className="calendar-toolbar">
        <nav aria-label="Calendar dates" className="calendar-nav">
          <Link className="button button-secondary button-small" to={link({ date: previous })}>
            ← Previous<span className="visually-hidden"> {view}</span>
          </Link>
          <Link
            className="button button-secondary button-small"
            to={link({ date: today })}
            aria-current={days.includes(today) ? "date" : undefined}
          >
            Today
          </Link>
          <Link className="button button-secondary button-small" to={link({ date: next })}>
            Next<span className="visually-hidden"> {view}</span> →
          </Link>
        </nav>
        <nav aria-label="Calendar view" className="calendar-views">
          <Link to={link({ view: "week" })} aria-current={view === "week" ? "page" : undefined}>
            Week
          </Link>
          <Link to={link({ view: "month" })} aria-current={view === "month" ? "page" : undefined}>
            Month
          </Link>
        </nav>
        <Form method="get" className="calendar-zone">
          <input type="hidden" name="view" value={view} />
          <input type="hidden" name="date" value={anchor} />
          <label htmlFor="calendar-tz">Time zone</label>
          <select
            id="calendar-tz"
            name="tz"
            value={timezone}
            onChange={(event) => navigate(link({ tz: event.target.value }))}
          >
            {timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zoneLabel(zone)}
              </option>
            ))}
          </select>
          <noscript>
            <button type="submit" className="button button-secondary button-small">
              Show
            </button>
          </noscript>
        </Form>
      </div>

      <Notice message={mover.state === "idle" ? noticeOf(moveResult) : null} />
      <ErrorSummary errors={errorsOf(moveResult)} />
      {writer ? <TimeZoneList timeZones={timeZones} /> : null}

      {items.length === 0 ? (
        <div className="empty-state calendar-empty">
          <p>No posts this {view}.</p>
          {writer ? (
            <p>
              <Link to={`${base}/compose`}>Compose a post</Link> or look at{" "}
              <Link to={`${base}/posts?tab=drafts`}>your drafts</Link>.
            </p>
          ) : null}
        </div>
      ) : null}

      <div className={`calendar calendar-${view}`} role="table" aria-labelledby="calendar-heading">
        <div className="calendar-row calendar-head" role="row">
          {WEEKDAY_NAMES.map((name) => (
            <div key={name} role="columnheader" className="calendar-weekday">
              <abbr title={name}>{name.slice(0, 3)}</abbr>
            </div>
          ))}
        </div>
        {Array.from({ length: days.length / 7 }, (_, week) => (
          <div className="calendar-row" role="row" key={week}>
            {days.slice(week * 7, week * 7 + 7).map((day) => {
              const dayItems = byDay.get(day) ?? [];
              const outside = view === "month" && day.slice(0, 7) !== anchor.slice(0, 7);
              return (
                <div
                  key={day}
                  role="cell"
                  aria-label={`${formatDay(day)}, ${dayItems.length} ${dayItems.length === 1 ? "post" : "posts"}`}
                  className={[
                    "calendar-day",
                    day === today ? "is-today" : "",
                    outside ? "is-outside" : "",
                    dropTarget === day ? "is-drop-target" : "",
                  ]
                    .filter(Boolean)
                    .join(" ")}
                  onDragOver={
                    writer
                      ? (event) => {
                          event.preventDefault();
                          setDropTarget(day);
                        }
                      : undefined
                  }
                  onDragLeave={
                    writer ? () => setDropTarget((current) => (current === day ? null : current)) : undefined
                  }
                  onDrop={writer ? onDrop(day) : undefined}
                  data-day={day}
                >
                  <p className="calendar-date" aria-hidden="true">
                    {Number(day.slice(8, 10))}
                    {view === "week" ? ` ${MONTH_NAMES[Number(day.slice(5, 7)) - 1].slice(0, 3)}` : ""}
                  </p>
                  <ul className="calendar-chips">
                    {dayItems.map((item) => (
                      <li key={item.id}>
                        <Chip item={item} writer={writer} base={base} onDragStart={() => setDragging(item.id)} />
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </section>
  );
}

function Chip({
  item,
  writer,
  base,
  onDragStart,
}: {
  item: Item;
  writer: boolean;
  base: string;
  onDragStart: () => void;
}) {
  const status = POST_STATUS[item.status];
  const excerpt = captionExcerpt(item.caption, 50);
  const canMove = writer && movable(item);
  return (
    <article
      className={`post-chip chip-${item.status}`}
      draggable={canMove || undefined}
      onDragStart={
        canMove
          ? (event) => {
              event.dataTransfer.setData("text/x-post-id", item.id);
              event.dataTransfer.effectAllowed = "move";
              onDragStart();
            }
          : undefined
      }
      data-post-id={item.id}
    >
      <p className="chip-line">
        <time dateTime={item.at.toISOString()}>{item.local.slice(11, 16)}</time>{" "}
        <span className="chip-status">{status.label}</span>
      </p>
      <p className="chip-caption">
        <Link to={`${base}/compose?postId=${item.id}`}>{excerpt}</Link>
      </p>
      {item.account ? (
        <p className="chip-account">
          @{item.account.username}
          {item.account.provider === "sandbox" ? " · Sandbox" : ""}
        </p>
      ) : null}
      {item.status === "failed" && item.reason ? <p className="chip-reason">{truncate(item.reason, 80)}</p> : null}
      {canMove ? (
        <RescheduleForm
          postId={item.id}
          label="Move to…"
          local={item.scheduledLocal ?? item.local}
          timezone={item.timezone}
          describedAs={`“${excerpt}”`}
        />
      ) : null}
    </article>
  );
}
