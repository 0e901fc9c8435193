import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type ComponentType } from "react";
import type { RichTextEditorHandle } from "../components/rich-text-editor.client";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import postStyles from "../styles/posts.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: postStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.post.title ?? "Post", workspaceNameFrom(matches)) },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    // Both reads start at once: one wave after the session (ADR 016).
    const [post, choices] = await Promise.all([
      context.api.posts.get({ workspaceId, postId: params.postId ?? "" }),
      context.api.posts.listEmbedChoices({ workspaceId }),
    ]);
    return { post, choices };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const VISIBILITIES = ["public", "members", "paid", "tiers", "ticket_holders"] as const;
const STATUSES = ["draft", "scheduled", "published"] as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const postId = params.postId ?? "";
  const form = await request.formData();
  if (form.get("intent") === "delete") {
    try {
      await context.api.posts.delete({ workspaceId, postId });
      throw redirect(`/w/${workspaceId}/posts`);
    } catch (error) {
      return actionError(error, { intent: "delete" });
    }
  }
  const visibility = VISIBILITIES.find((value) => value === form.get("visibility")) ?? "public";
  const status = STATUSES.find((value) => value === form.get("status")) ?? "draft";
  const publishAtText = text(form, "publishAt");
  try {
    await context.api.posts.update({
      workspaceId,
      postId,
      title: text(form, "title"),
      excerpt: text(form, "excerpt"),
      bodyHtml: text(form, "bodyHtml"),
      visibility,
      visibilityTierIds: form.getAll("visibilityTierIds").filter((value) => typeof value === "string"),
      visibilityEventId: text(form, "visibilityEventId") || null,
      status,
      // datetime-local has no zone: the form says UTC.
      publishAt: status === "scheduled" && publishAtText ? new Date(`${publishAtText}:00Z`) : undefined,
      sendNewsletter: form.get("sendNewsletter") === "on" ? true : undefined,
    });
    return { notice: status === "published" ? "Saved and published." : "Saved." };
  } catch (error) {
    return actionError(error, { intent: "save" });
  }
}

const LABELS = {
  title: "Title",
  excerpt: "Teaser",
  bodyHtml: "Body",
  visibility: "Who can read",
  visibilityTierIds: "Tiers",
  status: "Status",
  publishAt: "Publish at",
};

type RichTextEditorComponent = ComponentType<{
  textarea: HTMLTextAreaElement;
  onReady: (handle: RichTextEditorHandle | null) => void;
}>;

/**
 * Loads the rich-text editor's chunk after hydration, on this page only (ADR 033): until it arrives, and without
 * JavaScript, the body is the plain HTML textarea.
 */
function useRichTextEditor() {
  const [Editor, setEditor] = useState<RichTextEditorComponent | null>(null);
  useEffect(() => {
    let live = true;
    void import("../components/rich-text-editor.client").then((module) => {
      if (live) setEditor(() => module.default);
    });
    return () => {
      live = false;
    };
  }, []);
  return { Editor };
}

export default function PostEditor() {
  const { post, choices } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result, "save");
  const notice = noticeOf(result);
  const editor = can(workspace.role, "content.write");
  const body = useRef<HTMLTextAreaElement>(null);
  const richText = useRichTextEditor();
  const richTextHandle = useRef<RichTextEditorHandle | null>(null);
  const onRichTextReady = useCallback((handle: RichTextEditorHandle | null) => {
    richTextHandle.current = handle;
  }, []);
  /**
   * With JavaScript the picker inserts at the cursor (the rich-text editor's once it has loaded, else the
   * textarea's); without it, each choice shows the markup to paste.
   */
  const insert = (markup: string) => (event: React.MouseEvent) => {
    if (richTextHandle.current) {
      event.preventDefault();
      richTextHandle.current.insert(markup);
      return;
    }
    const area = body.current;
    if (!area) return;
    event.preventDefault();
    const at = area.selectionStart ?? area.value.length;
    area.value = `${area.value.slice(0, at)}${markup}${area.value.slice(at)}`;
    area.focus();
  };
  const choicesList = [
    ...choices.images.map((m) => ({
      key: m.id,
      label: `Image: ${m.filename}`,
      markup: `<img data-media-id="${m.id}" alt="">`,
    })),
    ...choices.audio.map((m) => ({
      key: m.id,
      label: `Audio: ${m.filename}`,
      markup: `<audio data-media-id="${m.id}"></audio>`,
    })),
    ...choices.episodes.map((e) => ({
      key: e.id,
      label: `Episode: ${e.title} (${e.showTitle})${e.published ? "" : " — not published yet"}`,
      markup: `<figure data-episode-id="${e.id}"></figure>`,
    })),
  ];
  const publishAtValue = post.publishAt ? post.publishAt.toISOString().slice(0, 16) : "";
  const total = Object.values(post.deliveries).reduce((sum, n) => sum + n, 0);
  return (
    <>
      <div className="page-header">
        <div>
          <p className="cell-sub">
            <Link to={`/w/${workspace.id}/posts`}>← Posts</Link>
          </p>
          <h1>{post.title}</h1>
          <p className="lead post-list-status">
            {post.status}
            {post.publishedAt ? ` · ${formatDateTime(post.publishedAt)}` : null}
            {post.publishAt ? ` · goes live ${formatDateTime(post.publishAt)}` : null}
            {post.publicUrl ? (
              <>
                {" · "}
                <a href={post.publicUrl}>View public page</a>
              </>
            ) : null}
          </p>
          {post.publishError ? (
            <p className="field-error" role="alert">
              {post.publishError}
            </p>
          ) : null}
        </div>
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <section className="card" aria-labelledby="newsletter-heading">
        <h2 id="newsletter-heading">Newsletter</h2>
        {post.newsletterState === "none" ? (
          <p className="muted">Not sent. Tick “Send as newsletter” below to email it to everyone who can read it.</p>
        ) : post.newsletterState === "pending" ? (
          <p className="muted">Will be sent when the post goes live.</p>
        ) : (
          <p data-testid="newsletter-progress">
            {post.newsletterState === "sent" ? "Sent" : "Sending"}: {post.deliveries.sent} of {total} delivered
            {post.deliveries.queued ? `, ${post.deliveries.queued} waiting` : ""}
            {post.deliveries.failed ? `, ${post.deliveries.failed} failed` : ""}
            {post.deliveries.unsubscribed ? `, ${post.deliveries.unsubscribed} unsubscribed` : ""}
            {post.deliveries.bounced ? `, ${post.deliveries.bounced} bounced` : ""}.
          </p>
        )}
      </section>
      {editor ? (
        <section className="card post-editor" aria-labelledby="edit-heading">
          <h2 id="edit-heading">Edit</h2>
          <ErrorSummary errors={errors} labels={LABELS} />
          <Form method="post" className="stack" noValidate>
            <Field
              label="Title"
              name="title"
              id="title"
              defaultValue={post.title}
              maxLength={200}
              errors={errors?.fieldErrors.title}
            />
            <Field
              label="Teaser"
              hint="Shown to everyone, readers without access included, and in link previews."
              name="excerpt"
              id="excerpt"
              defaultValue={post.excerpt}
              maxLength={500}
              errors={errors?.fieldErrors.excerpt}
            />
            <div className="field">
              <label htmlFor="bodyHtml" id="bodyHtml-label">
                Body
              </label>
              <p className="hint">
                {richText.Editor
                  ? "Headings, lists, links and quotes from the toolbar; images, audio and episodes from the picker."
                  : "HTML: headings, paragraphs, lists, links, quotes, and media from the picker."}{" "}
                Anything else is removed when you save.
              </p>
              {/* The form always submits this textarea: the editor writes its HTML here on every change. */}
              <textarea
                id="bodyHtml"
                name="bodyHtml"
                ref={body}
                defaultValue={post.bodyHtml}
                hidden={Boolean(richText.Editor && body.current)}
              />
              {richText.Editor && body.current ? (
                <richText.Editor textarea={body.current} onReady={onRichTextReady} />
              ) : null}
              {errors?.fieldErrors.bodyHtml ? (
                <p className="field-error">{errors.fieldErrors.bodyHtml.join(" ")}</p>
              ) : null}
            </div>
            {choicesList.length ? (
              <details>
                <summary>Insert from your media library and episodes</summary>
                <ul className="stack">
                  {choicesList.map((choice) => (
                    <li key={choice.key}>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        onClick={insert(choice.markup)}
                      >
                        Insert
                      </button>{" "}
                      {choice.label} <code>{choice.markup}</code>
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
            <fieldset>
              <legend>Who can read</legend>
              {(
                [
                  ["public", "Everyone"],
                  ["members", "Members (free and paid)"],
                  ["paid", "Paid members"],
                  ["tiers", "Chosen tiers"],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="choice">
                  <input type="radio" name="visibility" value={value} defaultChecked={post.visibility === value} />{" "}
                  {label}
                </label>
              ))}
              {post.visibilityEventId ? (
                // An event's recording (ADR 034): kept for that event's ticket holders unless another audience is chosen.
                <label className="choice">
                  <input type="hidden" name="visibilityEventId" value={post.visibilityEventId} />
                  <input
                    type="radio"
                    name="visibility"
                    value="ticket_holders"
                    defaultChecked={post.visibility === "ticket_holders"}
                  />{" "}
                  Ticket holders of <Link to={`/w/${workspace.id}/events/${post.visibilityEventId}`}>the event</Link>
                </label>
              ) : null}
              {choices.tiers.length ? (
                <div className="stack">
                  {choices.tiers.map((tier) => (
                    <label key={tier.id} className="choice">
                      <input
                        type="checkbox"
                        name="visibilityTierIds"
                        value={tier.id}
                        defaultChecked={post.visibilityTierIds.includes(tier.id)}
                      />{" "}
                      {tier.name}
                    </label>
                  ))}
                </div>
              ) : null}
              {errors?.fieldErrors.visibilityTierIds ? (
                <p className="field-error">{errors.fieldErrors.visibilityTierIds.join(" ")}</p>
              ) : null}
            </fieldset>
            <fieldset>
              <legend>Status</legend>
              {STATUSES.map((value) => (
                <label key={value} className="choice post-list-status">
                  <input type="radio" name="status" value={value} defaultChecked={post.status === value} /> {value}
                </label>
              ))}
              <Field
                label="Publish at (UTC)"
                type="datetime-local"
                name="publishAt"
                id="publishAt"
                defaultValue={publishAtValue}
                errors={errors?.fieldErrors.publishAt}
              />
            </fieldset>
            {post.newsletterState === "none" || post.newsletterState === "pending" ? (
              <label className="choice">
                <input type="checkbox" name="sendNewsletter" defaultChecked={post.newsletterState === "pending"} /> Send
                as newsletter to everyone who can read it
              </label>
            ) : null}
            <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
          </Form>
          <Form method="post">
            <SubmitButton intent="delete" pendingLabel="Deleting…" className="button button-danger">
              Delete post
            </SubmitButton>
          </Form>
        </section>
      ) : (
        <section className="card">
          <div className="post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
        </section>
      )}
    </>
  );
}
