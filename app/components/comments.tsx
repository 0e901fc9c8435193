import { Form, Link, useSearchParams } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import type { ReactNode } from "react";
import type { AppRouter } from "../../server/trpc/router";
import { formatDateTime } from "../lib/format";
import { ShowNotes } from "./public-podcast";

type Outputs = inferRouterOutputs<AppRouter>["comments"];
export type CommentThreadData = Outputs["listThread"];
export type MyCommentsData = Outputs["listMine"];
type Item = CommentThreadData["items"][number];
interface Node {
  item: Item;
  children: Node[];
}

/** Where every comment form posts (app/routes/comments.tsx); it sends the reader back to `back`. */
const ACTION = "/comments";

/**
 * Nested lists from the thread's flat, display-ordered items: each comment goes under the nearest earlier comment one
 * indent level up, so replies deeper than the last level line up there (marked "replying to @name").
 */
function nest(items: readonly Item[]): Node[] {
  const roots: Node[] = [];
  const stack: Node[] = [];
  for (const item of items) {
    const node = { item, children: [] };
    stack.length = item.indent;
    const parent = stack[item.indent - 1];
    (parent ? parent.children : roots).push(node);
    stack[item.indent] = node;
  }
  return roots;
}

function authorLabel(item: Item) {
  if (!item.author) return "[deleted]";
  return item.author.name;
}

function Hidden({ back, workspaceId, target }: { back: string; workspaceId: string; target: Item | null }) {
  return (
    <>
      <input type="hidden" name="back" value={back} />
      <input type="hidden" name="workspaceId" value={workspaceId} />
      {target ? <input type="hidden" name="commentId" value={target.id} /> : null}
    </>
  );
}

function Comment({ node, thread, back }: { node: Node; thread: CommentThreadData; back: string }) {
  const { item } = node;
  const headingId = `comment-${item.id}-author`;
  const workspaceId = thread.target.workspaceId;
  const canAct = item.status !== "deleted" && item.body !== null;
  return (
    <li id={`comment-${item.id}`} className="comment" aria-labelledby={headingId}>
      <article>
        <p className="comment-meta">
          <strong id={headingId}>{authorLabel(item)}</strong>
          {item.author?.creator ? <span className="badge badge-success">Creator</span> : null}
          {item.replyingTo ? <span className="muted"> replying to @{item.replyingTo}</span> : null}{" "}
          <time className="muted" dateTime={item.createdAt.toISOString()}>
            {formatDateTime(item.createdAt)}
          </time>
          {item.editedAt ? (
            <span className="muted" title={`Edited ${formatDateTime(item.editedAt)}`}>
              {" "}
              · edited
            </span>
          ) : null}
          {item.status === "hidden" ? <span className="badge badge-warning">Hidden by the creator</span> : null}
        </p>
        {item.body === null ? (
          <p className="muted">{item.status === "deleted" ? "[deleted]" : "[hidden]"}</p>
        ) : (
          <ShowNotes text={item.body} />
        )}
        {canAct ? (
          <div className="comment-actions">
            {thread.write.allowed ? (
              <details>
                <summary>
                  Reply<span className="visually-hidden"> to {authorLabel(item)}</span>
                </summary>
                <CommentForm thread={thread} back={back} parentId={item.id} label={`Reply to ${authorLabel(item)}`} />
              </details>
            ) : null}
            {item.mine ? (
              <>
                <details>
                  <summary>Edit</summary>
                  <Form method="post" action={ACTION} className="comment-form">
                    <Hidden back={back} workspaceId={workspaceId} target={item} />
                    <label htmlFor={`edit-${item.id}`}>Your comment</label>
                    <textarea
                      id={`edit-${item.id}`}
                      name="body"
                      required
                      maxLength={5000}
                      defaultValue={item.body ?? ""}
                    />
                    <button type="submit" name="intent" value="edit" className="button button-small">
                      Save
                    </button>
                  </Form>
                </details>
                <Form method="post" action={ACTION}>
                  <Hidden back={back} workspaceId={workspaceId} target={item} />
                  <button type="submit" name="intent" value="delete" className="button button-secondary button-small">
                    Delete<span className="visually-hidden"> your comment</span>
                  </button>
                </Form>
              </>
            ) : thread.viewer.signedIn ? (
              <details>
                <summary>Report</summary>
                <Form method="post" action={ACTION} className="comment-form">
                  <Hidden back={back} workspaceId={workspaceId} target={item} />
                  <label htmlFor={`reason-${item.id}`}>Why?</label>
                  <select id={`reason-${item.id}`} name="reason" defaultValue="spam">
                    <option value="spam">Spam</option>
                    <option value="abuse">Abusive</option>
                    <option value="off_topic">Off topic</option>
                    <option value="other">Something else</option>
                  </select>
                  <label htmlFor={`note-${item.id}`}>Anything to add (optional)</label>
                  <input id={`note-${item.id}`} name="note" maxLength={1000} />
                  <button type="submit" name="intent" value="report" className="button button-secondary button-small">
                    Report to the creator
                  </button>
                </Form>
              </details>
            ) : null}
          </div>
        ) : null}
      </article>
      {node.children.length > 0 ? (
        <ol className="comment-replies" aria-label={`Replies to ${authorLabel(item)}`}>
          {node.children.map((child) => (
            <Comment key={child.item.id} node={child} thread={thread} back={back} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

function CommentForm({
  thread,
  back,
  parentId,
  label,
}: {
  thread: CommentThreadData;
  back: string;
  parentId?: string;
  label: string;
}) {
  const id = `comment-body-${parentId ?? "new"}`;
  return (
    <Form method="post" action={ACTION} className="comment-form">
      <input type="hidden" name="back" value={back} />
      <input type="hidden" name="workspaceId" value={thread.target.workspaceId} />
      <input type="hidden" name="targetKind" value={thread.target.kind} />
      <input type="hidden" name="targetId" value={thread.target.id} />
      {parentId ? <input type="hidden" name="parentId" value={parentId} /> : null}
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name="body" required maxLength={5000} rows={3} />
      <p className="muted small">Plain text; links become clickable.</p>
      <button type="submit" name="intent" value="create" className="button button-small">
        {parentId ? "Reply" : "Comment"}
        {thread.write.allowed && thread.write.asCreator ? " as the creator" : ""}
      </button>
    </Form>
  );
}

/**
 * The comments under an episode or a post: the thread as nested lists, a comment box for whoever may write, and
 * what to do for whoever may not. `back` is the page's own path (forms return there).
 */
export function CommentsSection({ thread, back }: { thread: CommentThreadData; back: string }) {
  const [params] = useSearchParams();
  const problem = params.get("commentError");
  const tree = nest(thread.items);
  const more = thread.nextCursor ? `${back}?comments=${encodeURIComponent(thread.nextCursor)}#comments` : null;
  let box: ReactNode;
  if (thread.write.allowed)
    box = <CommentForm thread={thread} back={back} label={`Comment as ${thread.viewer.name ?? "you"}`} />;
  else if (thread.write.reason === "sign_in")
    box = (
      <p>
        <Link to={`/login?redirectTo=${encodeURIComponent(back)}`}>Sign in</Link> to join the conversation.
      </p>
    );
  else box = <p className="muted">{thread.write.message}</p>;
  return (
    <section id="comments" aria-labelledby="comments-heading" className="public-section comments">
      <h2 id="comments-heading">Comments</h2>
      {problem ? (
        <p role="alert" className="comment-error">
          {problem}
        </p>
      ) : null}
      {box}
      {tree.length === 0 ? (
        <p className="muted">No comments yet.</p>
      ) : (
        <ol className="comment-thread" aria-label="Comments">
          {tree.map((node) => (
            <Comment key={node.item.id} node={node} thread={thread} back={back} />
          ))}
        </ol>
      )}
      {more ? (
        <p>
          <Link to={more}>Older comments</Link>
        </p>
      ) : null}
    </section>
  );
}

/** The supporter portal's "your comments" section (drop it into /c/:workspaceId/account with `listMine`'s data). */
export function YourComments({ data }: { data: MyCommentsData }) {
  return (
    <section aria-labelledby="your-comments-heading" className="comments">
      <h2 id="your-comments-heading">Your comments</h2>
      {data.items.length === 0 ? (
        <p className="muted">You have not commented yet.</p>
      ) : (
        <ul className="your-comments">
          {data.items.map((item) => (
            <li key={item.id}>
              <p className="comment-meta">
                {item.reply ? "Reply" : "Comment"} on{" "}
                {item.target ? (
                  <Link to={item.target.path}>{item.target.title}</Link>
                ) : (
                  "a page you no longer have access to"
                )}{" "}
                <time className="muted" dateTime={item.createdAt.toISOString()}>
                  {formatDateTime(item.createdAt)}
                </time>
                {item.status === "hidden" ? <span className="badge badge-warning">Hidden by the creator</span> : null}
              </p>
              <ShowNotes text={item.body} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
