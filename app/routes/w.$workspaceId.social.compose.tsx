import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Fragment, useEffect, useState } from "react";
import { ErrorSummary, FieldFrame, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { browserZone, formatLocal, POST_STATUS, POST_TYPE_LABEL, zoneLabel } from "../lib/social";
import { timeZoneNames, utcToZonedLocal, zonedLocalToUtc } from "../lib/timezones";
import { formatDateTime } from "../lib/format";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import { CAPTION_LIMITS, countCaption } from "../../server/services/social/caption";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Compose", "Social", workspaceNameFrom(matches)) },
];

const MEDIA_PAGE_SIZE = 30;
const POST_TYPES = ["image", "carousel", "reel"] as const;
type PostType = (typeof POST_TYPES)[number];
const TYPE_HINT: Record<PostType, string> = {
  image: "One image.",
  carousel: "2 to 10 images or videos, shown in the order chosen.",
  reel: "One video.",
};
const SOURCE_TYPES = ["transcript", "episode"] as const;

const FIELD_LABELS = {
  accountId: "Account",
  type: "Post type",
  mediaIds: "Media",
  caption: "Caption",
  scheduledLocal: "Publish at",
  timezone: "Time zone",
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const url = new URL(request.url);
  const postId = url.searchParams.get("postId");
  const sourceType = SOURCE_TYPES.find((candidate) => candidate === url.searchParams.get("sourceType")) ?? null;
  const sourceId = sourceType ? url.searchParams.get("sourceId") : null;
  try {
    const [post, accounts, media] = await Promise.all([
      postId ? context.api.socialPosts.getPost({ workspaceId, postId }) : null,
      context.api.socialPosts.listAccountChoices({ workspaceId }),
      context.api.socialPosts.listMediaChoices({
        workspaceId,
        limit: MEDIA_PAGE_SIZE,
        cursor: url.searchParams.get("mediaCursor"),
      }),
    ]);
    // The post's own files come first, even when they are older than this page of the library.
    const chosen = post?.media ?? [];
    const choices = [...chosen, ...media.items.filter((item) => !chosen.some((m) => m.id === item.id))];
    const more = media.nextCursor
      ? new URLSearchParams([...url.searchParams.entries()].filter(([key]) => key !== "mediaCursor"))
      : null;
    more?.set("mediaCursor", media.nextCursor ?? "");
    return {
      post,
      accounts,
      choices: choices.map(({ id, filename, kind }) => ({ id, filename, kind })),
      moreMediaHref: more ? `?${more}` : null,
      source:
        post?.sourceType && post.sourceId
          ? { type: post.sourceType, id: post.sourceId }
          : sourceType && sourceId
            ? { type: sourceType, id: sourceId }
            : null,
      timeZones: timeZoneNames(),
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

function valuesFrom(form: FormData) {
  const sourceType = SOURCE_TYPES.find((candidate) => candidate === text(form, "sourceType")) ?? null;
  return {
    accountId: text(form, "accountId") || null,
    type: (POST_TYPES.find((candidate) => candidate === text(form, "type")) ?? "image") as PostType,
    caption: text(form, "caption"),
    mediaIds: form.getAll("mediaIds").filter((value): value is string => typeof value === "string" && value !== ""),
    scheduledLocal: text(form, "scheduledLocal") || null,
    timezone: text(form, "timezone") || "UTC",
    sourceType,
    sourceId: sourceType ? text(form, "sourceId") || null : null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  if (intent === "suggest") {
    const sourceType = SOURCE_TYPES.find((candidate) => candidate === text(form, "sourceType"));
    try {
      const suggestion = await context.api.socialInsights.suggestCaption({
        workspaceId,
        caption: text(form, "caption") || undefined,
        sourceType,
        sourceId: sourceType ? text(form, "sourceId") || undefined : undefined,
      });
      return { intent, suggestion };
    } catch (error) {
      return actionError(error, { intent });
    }
  }
  const values = valuesFrom(form);
  const postId = text(form, "postId");
  const schedule = intent === "schedule";
  try {
    const post = postId
      ? await context.api.socialPosts.updatePost({ workspaceId, postId, ...values, schedule })
      : await context.api.socialPosts.createPost({ workspaceId, ...values, schedule });
    throw redirect(`/w/${workspaceId}/social/compose?postId=${post.id}&saved=${schedule ? "scheduled" : "draft"}`);
  } catch (error) {
    return actionError(error, { intent, values });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Values = ReturnType<typeof valuesFrom>;

export default function Compose() {
  const { post, accounts, choices, moreMediaHref, source, timeZones } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const base = `/w/${workspace.id}/social`;
  const writer = can(workspace.role, "content.write");
  const submitted = result && "values" in result ? (result.values as Values) : null;
  const errors = errorsOf(result, ["draft", "schedule"]);
  const saved = searchParams.get("saved");
  const locked = post && !["draft", "scheduled", "failed"].includes(post.status);

  const notice =
    saved === "scheduled" && post?.scheduledLocal
      ? `Scheduled for ${formatLocal(post.scheduledLocal)} (${zoneLabel(post.timezone)})${
          post.timezone === "UTC" || !post.scheduledAt ? "" : `, which is ${formatDateTime(post.scheduledAt)}`
        }.${post.timeNote ? ` ${post.timeNote}` : ""}`
      : saved === "draft"
        ? "Draft saved."
        : null;

  if (!writer) {
    return (
      <section className="empty-state">
        <h2>Compose</h2>
        <p>Editors, admins and owners can compose posts.</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="compose-heading">
      <div className="page-header">
        <div>
          <h2 id="compose-heading">{post ? "Edit post" : "Compose a post"}</h2>
          {post ? (
            <p className="lead">
              <span className={`badge ${POST_STATUS[post.status].tone}`}>{POST_STATUS[post.status].label}</span>{" "}
              {post.status === "failed" && post.reason ? `Why it failed: ${post.reason}` : null}
            </p>
          ) : (
            <p className="lead">Pick media from the library, write the caption and choose when it goes out.</p>
          )}
        </div>
        <Link className="button button-secondary" to={`${base}/posts`}>
          All posts
        </Link>
      </div>
      <Notice message={notice} />
      {post?.status === "published" && post.permalink ? (
        <p>
          <a href={post.permalink} target="_blank" rel="noreferrer">
            View the published post
          </a>
        </p>
      ) : null}
      {locked ? (
        <p className="callout">
          This post is {POST_STATUS[post!.status].label.toLowerCase()} and can no longer be edited.
        </p>
      ) : (
        <Composer
          key={post?.updatedAt.toISOString() ?? "new"}
          post={post}
          accounts={accounts}
          choices={choices}
          moreMediaHref={moreMediaHref}
          source={source}
          timeZones={timeZones}
          submitted={submitted}
          errors={errors}
          base={base}
        />
      )}
    </section>
  );
}

function Composer({
  post,
  accounts,
  choices,
  moreMediaHref,
  source,
  timeZones,
  submitted,
  errors,
  base,
}: Omit<LoaderData, "post"> & {
  post: LoaderData["post"];
  submitted: Values | null;
  errors: ReturnType<typeof errorsOf>;
  base: string;
}) {
  const initial = submitted ?? {
    accountId: post?.account?.id ?? (accounts.length === 1 ? accounts[0].id : null),
    type: post?.type ?? "image",
    caption: post?.caption ?? "",
    mediaIds: post?.media.map((m) => m.id) ?? [],
    scheduledLocal: post?.scheduledLocal ?? null,
    timezone: post?.timezone ?? "UTC",
  };
  const [accountId, setAccountId] = useState(initial.accountId ?? "");
  const [type, setType] = useState<PostType>(initial.type);
  const [caption, setCaption] = useState(initial.caption);
  const [mediaIds, setMediaIds] = useState<string[]>(initial.mediaIds);
  const [local, setLocal] = useState(initial.scheduledLocal ?? "");
  const [timezone, setTimezone] = useState(initial.timezone);
  // Without JavaScript the checkboxes submit in page order; with it, hidden inputs carry the order they were chosen in.
  const [hydrated, setHydrated] = useState(false);

  // Rendered in UTC on the server; a new post switches to the browser's zone once JavaScript runs.
  useEffect(() => {
    setHydrated(true);
    if (submitted || post) return;
    const zone = browserZone(timeZones);
    if (zone) setTimezone(zone);
    // Only on first render: later changes are the person's choice.
  }, []);

  const field = (name: keyof typeof FIELD_LABELS) => errors?.fieldErrors[name];
  const account = accounts.find((candidate) => candidate.id === accountId) ?? null;
  const chosenMedia = mediaIds
    .map((id) => choices.find((choice) => choice.id === id))
    .filter((m): m is (typeof choices)[number] => Boolean(m));
  const toggleMedia = (id: string, on: boolean) =>
    setMediaIds((current) => (on ? [...current.filter((m) => m !== id), id] : current.filter((m) => m !== id)));

  return (
    <div className="composer">
      <Form method="post" className="composer-form stack" noValidate>
        <ErrorSummary errors={errors} labels={FIELD_LABELS} />
        {post ? <input type="hidden" name="postId" value={post.id} /> : null}
        {source ? (
          <>
            <input type="hidden" name="sourceType" value={source.type} />
            <input type="hidden" name="sourceId" value={source.id} />
          </>
        ) : null}

        <FieldFrame id="accountId" label="Account" errors={field("accountId")}>
          {(a11y) =>
            accounts.length === 0 ? (
              <p className="callout" id="accountId">
                No account is connected yet.{" "}
                <Link to={`${base}/accounts`}>Connect an Instagram or Sandbox account</Link> first; you can still save a
                draft.
              </p>
            ) : (
              <select
                {...a11y}
                name="accountId"
                value={accountId}
                onChange={(event) => setAccountId(event.target.value)}
              >
                <option value="">Choose an account…</option>
                {accounts.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    @{candidate.username}
                    {candidate.provider === "sandbox" ? " (Sandbox)" : " (Instagram)"}
                    {candidate.status === "needs_reconnect" ? " — needs reconnecting" : ""}
                  </option>
                ))}
              </select>
            )
          }
        </FieldFrame>

        <fieldset className={field("type") ? "field field-invalid" : "field"} id="type">
          <legend>Post type</legend>
          <div className="choice-row">
            {POST_TYPES.map((candidate) => (
              <label key={candidate} className="choice">
                <input
                  type="radio"
                  name="type"
                  value={candidate}
                  checked={type === candidate}
                  onChange={() => setType(candidate)}
                />
                {POST_TYPE_LABEL[candidate]}
              </label>
            ))}
          </div>
          <p className="field-hint">{TYPE_HINT[type]}</p>
        </fieldset>

        <fieldset
          className={field("mediaIds") ? "field field-invalid" : "field"}
          id="mediaIds"
          aria-describedby="media-hint"
        >
          <legend>Media</legend>
          <p className="field-hint" id="media-hint">
            Ready images and videos from the <Link to={base.replace(/\/social$/, "/media")}>media library</Link>.{" "}
            {mediaIds.length} chosen.
          </p>
          {field("mediaIds") ? <p className="field-error">{field("mediaIds")!.join(" ")}</p> : null}
          {choices.length === 0 ? (
            <p className="muted">No ready images or videos yet. Upload some on the Media page.</p>
          ) : (
            <ul className="media-picker">
              {choices.map((choice) => {
                const position = mediaIds.indexOf(choice.id);
                return (
                  <li key={choice.id}>
                    <label className={position >= 0 ? "media-choice is-chosen" : "media-choice"}>
                      <input
                        type="checkbox"
                        name={hydrated ? undefined : "mediaIds"}
                        value={choice.id}
                        checked={position >= 0}
                        onChange={(event) => toggleMedia(choice.id, event.target.checked)}
                      />
                      {choice.kind === "image" ? (
                        <img src={`/api/media/${choice.id}`} alt="" width={96} height={96} loading="lazy" />
                      ) : (
                        <span className="media-choice-video" aria-hidden="true">
                          Video
                        </span>
                      )}
                      <span className="media-choice-name">
                        {position >= 0 && type === "carousel" ? (
                          <span className="media-choice-order">{position + 1}. </span>
                        ) : null}
                        {choice.filename}
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          )}
          {hydrated ? mediaIds.map((id) => <input key={id} type="hidden" name="mediaIds" value={id} />) : null}
          {moreMediaHref ? (
            <p>
              <Link to={moreMediaHref}>Older files</Link>
            </p>
          ) : null}
        </fieldset>

        <CaptionField caption={caption} setCaption={setCaption} errors={field("caption")} source={source} />

        <div className="schedule-fields">
          <FieldFrame
            id="scheduledLocal"
            label="Publish at"
            errors={field("scheduledLocal")}
            hint="Leave empty to keep a draft without a time."
          >
            {(a11y) => (
              <input
                {...a11y}
                type="datetime-local"
                name="scheduledLocal"
                value={local}
                onChange={(event) => setLocal(event.target.value)}
              />
            )}
          </FieldFrame>
          <FieldFrame id="timezone" label="Time zone" errors={field("timezone")}>
            {(a11y) => (
              <select {...a11y} name="timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)}>
                {timeZones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zoneLabel(zone)}
                  </option>
                ))}
              </select>
            )}
          </FieldFrame>
        </div>
        <ScheduleConfirmation local={local} timezone={timezone} />
        {post?.timeNote && post.scheduledLocal === local && post.timezone === timezone ? (
          <p className="field-hint">{post.timeNote}</p>
        ) : null}

        <div className="form-actions">
          <SubmitButton intent="schedule" pendingLabel="Scheduling…">
            {post?.status === "scheduled" ? "Save and keep scheduled" : "Schedule"}
          </SubmitButton>
          <SubmitButton intent="draft" className="button button-secondary" pendingLabel="Saving…">
            {post?.status === "scheduled" ? "Unschedule and save as draft" : "Save draft"}
          </SubmitButton>
        </div>
      </Form>

      <Preview account={account} media={chosenMedia} caption={caption} type={type} />
    </div>
  );
}

/** The chosen wall-clock time read back in its zone and in UTC, so a wrong zone is caught before scheduling. */
function ScheduleConfirmation({ local, timezone }: { local: string; timezone: string }) {
  const instant = local ? zonedLocalToUtc(local, timezone) : null;
  return (
    <p className="field-hint schedule-confirmation" aria-live="polite" id="schedule-confirmation">
      {instant
        ? `Goes out ${formatLocal(utcToZonedLocal(instant, timezone))} in ${zoneLabel(timezone)}${
            timezone === "UTC" ? "" : `, which is ${formatDateTime(instant)}`
          }.`
        : null}
    </p>
  );
}

/** The caption with live counters against Instagram's limits, and caption suggestions from the post's source. */
function CaptionField({
  caption,
  setCaption,
  errors,
  source,
}: {
  caption: string;
  setCaption: (value: string) => void;
  errors?: string[];
  source: LoaderData["source"];
}) {
  const counts = countCaption(caption);
  const over = {
    characters: counts.characters > CAPTION_LIMITS.characters,
    hashtags: counts.hashtags > CAPTION_LIMITS.hashtags,
    mentions: counts.mentions > CAPTION_LIMITS.mentions,
  };
  const liveProblems = [
    over.characters
      ? `Caption is ${counts.characters - CAPTION_LIMITS.characters} characters over the ${CAPTION_LIMITS.characters} limit.`
      : null,
    over.hashtags ? `${counts.hashtags} hashtags; Instagram allows ${CAPTION_LIMITS.hashtags}.` : null,
    over.mentions ? `${counts.mentions} mentions; Instagram allows ${CAPTION_LIMITS.mentions}.` : null,
  ].filter(Boolean);
  const invalid = Boolean(errors?.length) || liveProblems.length > 0;
  return (
    <div className={invalid ? "field field-invalid" : "field"}>
      <label htmlFor="caption">Caption</label>
      {errors?.length ? (
        <p id="caption-error" className="field-error">
          {errors.join(" ")}
        </p>
      ) : null}
      <textarea
        id="caption"
        name="caption"
        rows={7}
        value={caption}
        onChange={(event) => setCaption(event.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby="caption-counts caption-live"
      />
      <p id="caption-counts" className="caption-counts">
        <span className={over.characters ? "count count-over" : "count"}>
          {counts.characters}/{CAPTION_LIMITS.characters} characters
        </span>
        <span className={over.hashtags ? "count count-over" : "count"}>
          {counts.hashtags}/{CAPTION_LIMITS.hashtags} hashtags
        </span>
        <span className={over.mentions ? "count count-over" : "count"}>
          {counts.mentions}/{CAPTION_LIMITS.mentions} mentions
        </span>
      </p>
      <div id="caption-live" aria-live="polite">
        {liveProblems.length ? <p className="field-error">{liveProblems.join(" ")}</p> : null}
      </div>
      <CaptionSuggestions caption={caption} setCaption={setCaption} source={source} />
    </div>
  );
}

function CaptionSuggestions({
  caption,
  setCaption,
  source,
}: {
  caption: string;
  setCaption: (value: string) => void;
  source: LoaderData["source"];
}) {
  const fetcher = useFetcher<typeof action>();
  const data = fetcher.data;
  const suggestion = data && "suggestion" in data ? data.suggestion : null;
  const failure = errorsOf(data, "suggest");
  const busy = fetcher.state !== "idle";
  const ask = () => {
    const form = new FormData();
    form.set("intent", "suggest");
    form.set("caption", caption);
    if (source) {
      form.set("sourceType", source.type);
      form.set("sourceId", source.id);
    }
    fetcher.submit(form, { method: "post" });
  };
  const addHashtag = (tag: string) => {
    const hashtag = tag.startsWith("#") ? tag : `#${tag}`;
    setCaption(caption.includes(hashtag) ? caption : `${caption.trimEnd()}${caption.trim() ? " " : ""}${hashtag}`);
  };
  return (
    <div className="caption-suggest">
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={ask}
        aria-disabled={busy || undefined}
      >
        {busy ? "Suggesting…" : "Suggest caption"}
      </button>
      {source ? <span className="muted"> From the {source.type} this post is made from.</span> : null}
      <div aria-live="polite">
        {failure ? <p className="field-error">{failure.formError}</p> : null}
        {suggestion ? (
          <div className="suggestions">
            <p className="suggestion-label">
              <span className="badge">{suggestion.source === "llm" ? "AI suggestion" : "Keyword suggestion"}</span>{" "}
              {suggestion.label}
            </p>
            {suggestion.captions.length ? (
              <ul className="suggestion-list">
                {suggestion.captions.map((option, index) => (
                  <li key={index}>
                    <p className="suggestion-text">{option}</p>
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      onClick={() => setCaption(option)}
                    >
                      Use this caption<span className="visually-hidden"> (option {index + 1})</span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No caption ideas this time.</p>
            )}
            {suggestion.hashtags.length ? (
              <p className="suggestion-tags">
                Hashtags:{" "}
                {suggestion.hashtags.map((tag) => (
                  <button
                    key={tag}
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => addHashtag(tag)}
                  >
                    {tag.startsWith("#") ? tag : `#${tag}`}
                    <span className="visually-hidden"> — add to caption</span>
                  </button>
                ))}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** Roughly how Instagram shows the post: account, media, then the caption with its line breaks, tags and mentions. */
function Preview({
  account,
  media,
  caption,
  type,
}: {
  account: LoaderData["accounts"][number] | null;
  media: LoaderData["choices"];
  caption: string;
  type: PostType;
}) {
  const first = media[0];
  return (
    <aside className="post-preview" aria-labelledby="preview-heading">
      <h3 id="preview-heading">Preview</h3>
      <div className="preview-card">
        <p className="preview-account">
          <span className="avatar" aria-hidden="true">
            {(account?.username[0] ?? "?").toUpperCase()}
          </span>
          <strong>{account ? account.username : "No account chosen"}</strong>
          {account?.provider === "sandbox" ? <span className="badge badge-sandbox">Sandbox</span> : null}
        </p>
        <div className="preview-media">
          {first ? (
            first.kind === "image" ? (
              <img
                src={`/api/media/${first.id}`}
                alt={`First ${type === "carousel" ? "slide" : "image"}: ${first.filename}`}
              />
            ) : (
              <span className="preview-video">Video: {first.filename}</span>
            )
          ) : (
            <span className="muted">No media chosen</span>
          )}
          {media.length > 1 ? <span className="preview-count">1/{media.length}</span> : null}
        </div>
        <p className="preview-caption">
          {account ? <strong>{account.username} </strong> : null}
          <RenderedCaption caption={caption} />
        </p>
      </div>
    </aside>
  );
}

function RenderedCaption({ caption }: { caption: string }) {
  const parts = caption.split(/((?:^|(?<=\s))[#@][\p{L}\p{N}_.]+)/u);
  return (
    <>
      {parts.map((part, index) =>
        /^[#@]/.test(part) ? (
          <span key={index} className="preview-tag">
            {part}
          </span>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}
