import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { connectOutcomeMessage } from "../../server/services/social/instagram-oauth";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { formatDateTime } from "../lib/format";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle("Social accounts", workspaceNameFrom(matches)) },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const [accounts, usage, workspaces] = await Promise.all([
      context.api.socialAccounts.listAccounts({ workspaceId, includeDisconnected: true }),
      context.api.billing.getUsage({ workspaceId }),
      context.api.workspaces.list(),
    ]);
    const role = workspaces.find((w) => w.id === workspaceId)?.role;
    return {
      accounts: accounts.items,
      instagramConfigured: accounts.instagramConfigured,
      allowance: usage.socialAccounts,
      planName: usage.plan.name,
      manages: Boolean(role && can(role, "social.accounts.manage")),
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** Connect (or reconnect) Instagram redirects to its consent page; Sandbox connect and disconnect stay here. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "connect-instagram") {
      throw redirect((await context.api.socialAccounts.startInstagramConnect({ workspaceId })).url);
    }
    if (intent === "connect-sandbox") {
      const account = await context.api.socialAccounts.connectSandboxAccount({
        workspaceId,
        username: text(form, "username"),
      });
      return {
        intent,
        notice: `Sandbox account @${account.username} is connected. Its posts appear in the Sandbox feed.`,
      };
    }
    if (intent === "disconnect") {
      const account = await context.api.socialAccounts.disconnectAccount({
        workspaceId,
        accountId: text(form, "accountId"),
      });
      return { intent, notice: `@${account.username} is disconnected and its access token deleted.` };
    }
    throw new Response("Unknown action.", { status: 400 });
  } catch (error) {
    return actionError(error, { intent, values: { username: text(form, "username") } });
  }
}

type Account = ReturnType<typeof useLoaderData<typeof loader>>["accounts"][number];

const PROVIDER_LABELS: Record<Account["provider"], string> = {
  instagram: "Instagram",
  sandbox: "Sandbox (local test account)",
};

const count = (value: number | null, one: string, many: string) =>
  value === null ? null : `${new Intl.NumberFormat("en-US").format(value)} ${value === 1 ? one : many}`;

function AccountAvatar({ account }: { account: Account }) {
  if (account.profilePictureUrl) {
    return (
      <img
        className="avatar"
        src={account.profilePictureUrl}
        alt=""
        width={32}
        height={32}
        loading="lazy"
        referrerPolicy="no-referrer"
      />
    );
  }
  return (
    <span className="avatar" aria-hidden="true">
      {account.username.slice(0, 1).toUpperCase()}
    </span>
  );
}

function StatusCell({ account }: { account: Account }) {
  if (account.status === "active") return <span className="badge badge-success">Connected</span>;
  if (account.status === "disconnected") {
    return (
      <>
        <span className="badge">Disconnected</span>
        {account.disconnectedAt ? (
          <span className="cell-sub">{`on ${formatDateTime(account.disconnectedAt)}`}</span>
        ) : null}
      </>
    );
  }
  return (
    <>
      <span className="badge badge-failed">Needs reconnect</span>
      {account.statusReason ? <span className="cell-sub">{account.statusReason}</span> : null}
    </>
  );
}

function SyncCell({ account }: { account: Account }) {
  if (account.lastSyncError) {
    return (
      <>
        <span className="badge badge-warning">Sync failed</span>
        <span className="cell-sub">{account.lastSyncError}</span>
        {account.lastSyncedAt ? (
          <span className="cell-sub">{`Last good sync ${formatDateTime(account.lastSyncedAt)}`}</span>
        ) : null}
      </>
    );
  }
  return account.lastSyncedAt ? (
    <time dateTime={account.lastSyncedAt.toISOString()}>{formatDateTime(account.lastSyncedAt)}</time>
  ) : (
    <span className="muted">Not synced yet</span>
  );
}

function ConnectInstagram({ configured, atLimit, label }: { configured: boolean; atLimit: boolean; label: string }) {
  if (!configured) {
    return (
      <>
        <button type="button" className="button" disabled aria-describedby="instagram-unconfigured">
          {label}
        </button>
        <p id="instagram-unconfigured" className="muted">
          Instagram is not set up on this Greenroom yet; whoever runs it can turn it on. Meanwhile a Sandbox account
          goes through the same publishing steps.
        </p>
      </>
    );
  }
  return (
    <Form method="post">
      <SubmitButton
        intent="connect-instagram"
        pendingLabel="Opening Instagram…"
        aria-describedby={atLimit ? "allowance-note" : undefined}
      >
        {label}
      </SubmitButton>
    </Form>
  );
}

export default function SocialAccounts() {
  const { accounts, instagramConfigured, allowance, planName, manages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const connectCode = searchParams.get("connect");
  const connectMessage = connectOutcomeMessage(connectCode);
  const notice = noticeOf(result) ?? (connectCode === "connected" ? connectMessage : null);
  const connectProblem = connectCode && connectCode !== "connected" ? connectMessage : null;
  const atLimit = allowance.used >= allowance.limit;
  const current = accounts.filter((a) => a.status !== "disconnected");
  const past = accounts.filter((a) => a.status === "disconnected");
  const sandboxErrors = errorsOf(result, "connect-sandbox");
  const otherErrors = errorsOf(result, ["connect-instagram", "disconnect"]);
  const sandboxValues = result && "values" in result ? result.values : undefined;

  return (
    <>
      <div className="page-header">
        <div>
          <h2>Accounts</h2>
          <p className="lead" id="allowance-note">
            {`${allowance.used} of ${allowance.limit} social ${allowance.limit === 1 ? "account" : "accounts"} on the ${planName} plan.`}
            {atLimit && manages ? " Disconnect one or upgrade on the Billing page to add another." : null}
          </p>
        </div>
        {manages ? (
          <ConnectInstagram configured={instagramConfigured} atLimit={atLimit} label="Connect Instagram" />
        ) : null}
      </div>
      <Notice message={notice} />
      {connectProblem ? (
        <div className="error-summary" role="alert">
          <p>{connectProblem}</p>
        </div>
      ) : null}
      <ErrorSummary errors={otherErrors} />

      <section className="card" aria-labelledby="connected-heading">
        <h3 id="connected-heading">Connected accounts</h3>
        {current.length === 0 ? (
          <p className="muted">
            No social accounts yet.{" "}
            {manages
              ? "Connect an Instagram professional account, or a Sandbox account to try scheduling without posting anywhere."
              : "An owner or admin can connect one."}
          </p>
        ) : (
          <AccountTable accounts={current} manages={manages} instagramConfigured={instagramConfigured} />
        )}
      </section>

      {manages ? (
        <section className="card" aria-labelledby="sandbox-heading">
          <h3 id="sandbox-heading">Connect a Sandbox account</h3>
          <p className="muted">
            A Sandbox account is a local stand-in for Instagram: posts go through the same scheduling and publishing
            steps and appear in the Sandbox feed, never on Instagram. It counts toward the plan&apos;s accounts.
          </p>
          <ErrorSummary errors={sandboxErrors} labels={{ username: "Sandbox username" }} idPrefix="sandbox-" />
          {/* A new key after each successful connect empties the field for the next one. */}
          <Form
            method="post"
            className="sandbox-connect-form"
            key={result?.intent === "connect-sandbox" && !sandboxErrors ? noticeOf(result) : "sandbox-form"}
          >
            <Field
              name="username"
              id="sandbox-username"
              label="Sandbox username"
              hint="Letters, numbers, periods and underscores, up to 30."
              required
              maxLength={31}
              autoComplete="off"
              defaultValue={sandboxValues?.username}
              errors={sandboxErrors?.fieldErrors.username}
            />
            <SubmitButton intent="connect-sandbox" pendingLabel="Connecting…" className="button button-secondary">
              Connect Sandbox account
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {past.length > 0 ? (
        <section className="card" aria-labelledby="past-heading">
          <h3 id="past-heading">Disconnected accounts</h3>
          <p className="muted">
            Their tokens are deleted; their post history stays. Connecting the same Instagram account again restores it.
          </p>
          <AccountTable accounts={past} manages={manages} instagramConfigured={instagramConfigured} />
        </section>
      ) : null}
    </>
  );
}

function AccountTable({
  accounts,
  manages,
  instagramConfigured,
}: {
  accounts: Account[];
  manages: boolean;
  instagramConfigured: boolean;
}) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Social accounts">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Audience</th>
            <th scope="col">Status</th>
            <th scope="col">Last sync</th>
            {manages ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id}>
              <th scope="row">
                <span className="account-cell">
                  <AccountAvatar account={account} />{" "}
                  <span>
                    {`@${account.username}`}
                    {account.provider === "sandbox" ? (
                      <>
                        {" "}
                        <span className="badge badge-warning">Sandbox</span>
                      </>
                    ) : null}
                    <span className="cell-sub">
                      {PROVIDER_LABELS[account.provider]}
                      {account.displayName && account.provider !== "sandbox" ? ` · ${account.displayName}` : null}
                    </span>
                  </span>
                </span>
              </th>
              <td>
                {[count(account.followersCount, "follower", "followers"), count(account.mediaCount, "post", "posts")]
                  .filter(Boolean)
                  .join(" · ") || <span className="muted">—</span>}
              </td>
              <td>
                <StatusCell account={account} />
              </td>
              <td>
                <SyncCell account={account} />
              </td>
              {manages ? (
                <td className="cell-actions">
                  {account.provider === "instagram" && account.status !== "active" ? (
                    instagramConfigured ? (
                      <Form method="post">
                        <SubmitButton
                          intent="connect-instagram"
                          pendingLabel="Opening Instagram…"
                          className="button button-small"
                        >
                          Reconnect<span className="visually-hidden">{` @${account.username}`}</span>
                        </SubmitButton>
                      </Form>
                    ) : (
                      <span className="muted">Instagram is not configured</span>
                    )
                  ) : null}
                  {account.status !== "disconnected" ? (
                    <details className="confirm">
                      <summary className="button button-danger-quiet button-small">
                        Disconnect<span className="visually-hidden">{` @${account.username}`}</span>
                      </summary>
                      <div className="confirm-panel">
                        <p>
                          {`Disconnect @${account.username}? Its access token is deleted. Posts scheduled to it stay but cannot publish until it is connected again.`}
                        </p>
                        <Form method="post">
                          <input type="hidden" name="accountId" value={account.id} />
                          <SubmitButton
                            intent="disconnect"
                            className="button button-danger button-small"
                            pendingLabel="Disconnecting…"
                          >
                            {`Yes, disconnect @${account.username}`}
                          </SubmitButton>
                        </Form>
                      </div>
                    </details>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
