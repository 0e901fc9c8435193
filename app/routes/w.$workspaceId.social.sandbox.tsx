import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { Pager } from "../components/pager";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/social-sandbox.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Sandbox feed", "Social", workspaceNameFrom(matches)) },
];

const PAGE_SIZE = 12;

const FAILURES = {
  "": "No failure (publish normally)",
  transient: "Temporary outage (retried, up to 3 attempts)",
  permanent: "Permanent rejection (fails at once)",
  container_error: "Media processing error (container ERROR)",
  rate_limited: "Rate limit (post is deferred)",
  timeout_after_publish: "Timeout after publishing (reconciled, never a second copy)",
} as const;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor") || undefined;
  try {
    const feed = await context.api.socialSandbox.listFeed({
      workspaceId: params.workspaceId ?? "",
      cursor,
      limit: PAGE_SIZE,
    });
    return {
      ...feed,
      firstPage: !cursor,
      nextHref: feed.nextCursor ? `${url.pathname}?cursor=${encodeURIComponent(feed.nextCursor)}` : null,
      topHref: url.pathname,
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const wholeNumber = (form: FormData, name: string) => {
  const value = text(form, name).trim();
  return value === "" ? undefined : Number(value);
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const accountId = text(form, "accountId");
  const intent = `behaviour-${accountId}`;
  try {
    const failNext = text(form, "failNext");
    const { behaviour } = await context.api.socialSandbox.setBehaviour({
      workspaceId: params.workspaceId ?? "",
      accountId,
      failNext: failNext === "" ? null : (failNext as Exclude<keyof typeof FAILURES, "">),
      times: failNext === "" ? undefined : wholeNumber(form, "times"),
      message: failNext === "" ? undefined : text(form, "message").trim() || undefined,
      processingSeconds: wholeNumber(form, "processingSeconds"),
      publishingLimit: wholeNumber(form, "publishingLimit"),
    });
    const notice = behaviour.failNext
      ? `The next ${behaviour.times ?? 1} publishing call${(behaviour.times ?? 1) === 1 ? "" : "s"} will fail: ${FAILURES[behaviour.failNext]}.`
      : "No failure is injected; posts publish normally.";
    return { intent, notice };
  } catch (error) {
    return actionError(error, { intent });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type SandboxAccount = Data["accounts"][number];

function BehaviourForm({ account, result }: { account: SandboxAccount; result: unknown }) {
  const intent = `behaviour-${account.id}`;
  const errors = errorsOf(result, intent);
  const prefix = `sandbox-${account.id}-`;
  const pending = account.behaviour.failNext;
  return (
    <section className="card" aria-labelledby={`${prefix}heading`}>
      <h3 id={`${prefix}heading`}>@{account.username}</h3>
      <p>
        {pending
          ? `Pending: ${FAILURES[pending]} — ${account.behaviour.times ?? 1} more time${(account.behaviour.times ?? 1) === 1 ? "" : "s"}.`
          : "No failure pending."}
      </p>
      <ErrorSummary
        errors={errors}
        idPrefix={prefix}
        labels={{
          failNext: "Next failure",
          times: "Times",
          message: "Message",
          processingSeconds: "Processing time",
          publishingLimit: "Posts per 24 hours",
        }}
      />
      <Form method="post" replace className="stack sandbox-behaviour-form">
        <input type="hidden" name="accountId" value={account.id} />
        <SelectField
          id={`${prefix}failNext`}
          name="failNext"
          label="Next failure"
          defaultValue={pending ?? ""}
          errors={errors?.fieldErrors.failNext}
        >
          {Object.entries(FAILURES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <Field
          id={`${prefix}times`}
          name="times"
          type="number"
          min={1}
          max={10}
          label="Times"
          hint="How many calls in a row fail."
          defaultValue={account.behaviour.times ?? 1}
          errors={errors?.fieldErrors.times}
        />
        <Field
          id={`${prefix}message`}
          name="message"
          maxLength={500}
          label="Message (optional)"
          hint="Shown on the failed post, as Instagram's message would be."
          defaultValue={account.behaviour.message ?? ""}
          errors={errors?.fieldErrors.message}
        />
        <Field
          id={`${prefix}processingSeconds`}
          name="processingSeconds"
          type="number"
          min={0}
          max={600}
          label="Processing time in seconds (optional)"
          hint="How long new containers stay IN_PROGRESS; 3 by default."
          defaultValue={account.behaviour.processingSeconds ?? ""}
          errors={errors?.fieldErrors.processingSeconds}
        />
        <Field
          id={`${prefix}publishingLimit`}
          name="publishingLimit"
          type="number"
          min={0}
          max={100}
          label="Posts allowed per 24 hours (optional)"
          hint="The publishing quota; 100 by default, like Instagram."
          defaultValue={account.behaviour.publishingLimit ?? ""}
          errors={errors?.fieldErrors.publishingLimit}
        />
        <SubmitButton intent={intent} pendingLabel="Saving…" className="button button-secondary">
          Save test behaviour
        </SubmitButton>
      </Form>
    </section>
  );
}

export default function SandboxFeed() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { workspace } = useWorkspaceLayout();
  const manager = can(workspace.role, "social.accounts.manage");
  return (
    <div className="social-sandbox">
      <h2>Sandbox feed</h2>
      <p className="banner-info" role="note">
        <strong>Sandbox — nothing here is posted to Instagram.</strong> Posts scheduled to a Sandbox account go through
        the same publishing pipeline (containers, processing, quota, retries) and land here instead.
      </p>
      <Notice message={noticeOf(result)} />

      {data.items.length === 0 ? (
        <div className="empty-state">
          <p>{data.firstPage ? "Nothing has been published to the Sandbox yet." : "No older Sandbox posts."}</p>
          {data.accounts.length === 0 ? (
            <p>
              Connect a Sandbox account on the <Link to="../accounts">Accounts</Link> page, then schedule a post to it.
            </p>
          ) : (
            <p>
              <Link to="../compose">Schedule a post</Link> to a Sandbox account to see it appear here.
            </p>
          )}
        </div>
      ) : (
        <ul className="sandbox-feed" aria-label="Published Sandbox posts">
          {data.items.map((item) => (
            <li key={item.id} id={item.id} className="card sandbox-post">
              <p className="sandbox-post-meta">
                <strong>@{item.username}</strong> ·{" "}
                <time dateTime={new Date(item.publishedAt).toISOString()}>
                  {formatDateTime(new Date(item.publishedAt))}
                </time>{" "}
                ·{" "}
                {item.mediaType === "CAROUSEL_ALBUM"
                  ? `Carousel of ${item.media.length}`
                  : item.mediaType === "VIDEO"
                    ? "Reel"
                    : "Image"}
              </p>
              <div className="sandbox-post-media">
                {item.media.length === 0 ? <p>The media was removed from the library.</p> : null}
                {item.media.map((file, index) =>
                  file.kind === "video" ? (
                    <video
                      key={file.id}
                      src={`/api/media/${file.id}`}
                      controls
                      preload="metadata"
                      aria-label={`Video ${index + 1} of the post`}
                    />
                  ) : (
                    <img
                      key={file.id}
                      src={`/api/media/${file.id}`}
                      alt={`Image ${index + 1} of the post`}
                      loading="lazy"
                    />
                  ),
                )}
              </div>
              <p className="sandbox-post-caption">{item.caption || <em>No caption</em>}</p>
              <p className="sandbox-post-stats">
                {item.likeCount} likes · {item.commentsCount} comments{item.postId ? " · " : ""}
                {item.postId ? <Link to="../posts">Scheduled post</Link> : null}
              </p>
            </li>
          ))}
        </ul>
      )}
      <Pager
        label="Sandbox feed pages"
        previous={data.firstPage ? null : { to: data.topHref, text: "Newest" }}
        next={data.nextHref ? { to: data.nextHref, text: "Older" } : null}
      />

      {manager && data.accounts.length > 0 ? (
        <section className="sandbox-testing" aria-labelledby="sandbox-testing-heading">
          <h2 id="sandbox-testing-heading">Test failures</h2>
          <p>
            Make a Sandbox account fail its next publishing calls, to see how the pipeline and the post list handle it.
          </p>
          {data.accounts.map((account) => (
            <BehaviourForm key={account.id} account={account} result={result} />
          ))}
        </section>
      ) : null}
    </div>
  );
}
