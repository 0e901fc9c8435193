import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";
import {
  assignableRoles,
  can,
  INVITABLE_ROLES,
  ROLE_DESCRIPTIONS,
  ROLE_LABELS,
  ROLE_WITH_ARTICLE,
  type Role,
} from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Members", workspaceNameFrom(matches)) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const [members, invitations] = await Promise.all([
      context.api.workspaces.listMembers({ workspaceId }),
      context.api.workspaces.listInvitations({ workspaceId }),
    ]);
    return { members, invitations, currentUserId: user.id };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const api = context.api.workspaces;
  try {
    switch (intent) {
      case "change-role": {
        const { role } = await api.changeMemberRole({
          workspaceId,
          userId: text(form, "userId"),
          role: text(form, "role") as Role,
        });
        return {
          intent,
          notice: `${text(form, "memberName") || "The member"} is now ${ROLE_WITH_ARTICLE[role]}.`,
        };
      }
      case "remove":
        await api.removeMember({ workspaceId, userId: text(form, "userId") });
        return { intent, notice: `${text(form, "memberName") || "The member"} was removed from the workspace.` };
      case "invite": {
        const invitation = await api.inviteMember({
          workspaceId,
          email: text(form, "email"),
          role: text(form, "role") as (typeof INVITABLE_ROLES)[number],
        });
        return {
          intent,
          notice: `Invitation sent to ${invitation.email} as ${ROLE_WITH_ARTICLE[invitation.role]}.`,
        };
      }
      case "revoke-invitation":
        await api.revokeInvitation({ workspaceId, invitationId: text(form, "invitationId") });
        return { intent, notice: "Invitation revoked. Its link no longer works." };
      case "transfer-ownership":
        await api.transferOwnership({ workspaceId, userId: text(form, "userId") });
        return { intent, notice: "Ownership transferred. You are now an admin of this workspace." };
      case "leave":
        await api.leave({ workspaceId });
        throw redirect(withNotice("/app", "left-workspace"));
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    // actionError rethrows what is not a procedure error, such as the redirect after leaving.
    return actionError(error, { intent, values: { email: text(form, "email"), role: text(form, "role") } });
  }
}

export default function Members() {
  const { members, invitations, currentUserId } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const manager = can(workspace.role, "members.manage");
  const me = members.find((member) => member.userId === currentUserId);
  const soleOwner = workspace.role === "owner" && members.filter((member) => member.role === "owner").length === 1;
  const transferCandidates = members.filter((member) => member.userId !== currentUserId && member.role !== "owner");

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Members</h1>
          <p className="lead">
            Everyone with access to {workspace.name}.{" "}
            {manager ? "You can invite people and change roles." : "Owners and admins manage membership."}
          </p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />

      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">
          {members.length} {members.length === 1 ? "member" : "members"}
        </h2>
        <ErrorSummary errors={errorsOf(result, ["change-role", "remove"])} />
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="members-heading">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {manager ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {members.map((member) => {
                const self = member.userId === currentUserId;
                const manageable = manager && !self && (member.role !== "owner" || workspace.role === "owner");
                return (
                  <tr key={member.userId}>
                    <th scope="row" className="cell-name">
                      {member.name}
                      {self ? <span className="badge">You</span> : null}
                    </th>
                    <td className="cell-email">{member.email}</td>
                    <td>
                      {manageable ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="userId" value={member.userId} />
                          <input type="hidden" name="memberName" value={member.name} />
                          <label className="visually-hidden" htmlFor={`role-${member.userId}`}>
                            Role for {member.name}
                          </label>
                          <select id={`role-${member.userId}`} name="role" defaultValue={member.role}>
                            {assignableRoles(workspace.role).map((role) => (
                              <option key={role} value={role}>
                                {ROLE_LABELS[role]}
                              </option>
                            ))}
                          </select>
                          <SubmitButton intent="change-role" className="button button-secondary button-small">
                            Save<span className="visually-hidden"> role for {member.name}</span>
                          </SubmitButton>
                        </Form>
                      ) : (
                        ROLE_LABELS[member.role]
                      )}
                    </td>
                    <td className="nowrap">{formatDate(member.joinedAt)}</td>
                    {manager ? (
                      <td className="cell-actions">
                        {manageable ? (
                          <details className="confirm">
                            <summary className="button button-danger-quiet button-small">
                              Remove<span className="visually-hidden"> {member.name}</span>
                            </summary>
                            <div className="confirm-panel">
                              <p>
                                Remove {member.name} from {workspace.name}? They lose access right away.
                              </p>
                              <Form method="post">
                                <input type="hidden" name="userId" value={member.userId} />
                                <input type="hidden" name="memberName" value={member.name} />
                                <SubmitButton
                                  intent="remove"
                                  className="button button-danger button-small"
                                  pendingLabel="Removing…"
                                >
                                  Yes, remove {member.name}
                                </SubmitButton>
                              </Form>
                            </div>
                          </details>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      {manager ? <InviteForm result={result} /> : null}

      <section className="card" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">Pending invitations</h2>
        <ErrorSummary errors={errorsOf(result, "revoke-invitation")} />
        {invitations.length === 0 ? (
          <p className="muted">No pending invitations.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="invitations-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Expires</th>
                  {manager ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <th scope="row" className="cell-email">
                      {invitation.email}
                    </th>
                    <td>{ROLE_LABELS[invitation.role]}</td>
                    <td className="nowrap">{formatDate(invitation.createdAt)}</td>
                    <td className="nowrap">{formatDate(invitation.expiresAt)}</td>
                    {manager ? (
                      <td className="cell-actions">
                        <Form method="post">
                          <input type="hidden" name="invitationId" value={invitation.id} />
                          <SubmitButton intent="revoke-invitation" className="button button-secondary button-small">
                            Revoke<span className="visually-hidden"> invitation for {invitation.email}</span>
                          </SubmitButton>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {workspace.role === "owner" ? (
        <section className="card" aria-labelledby="transfer-heading">
          <h2 id="transfer-heading">Transfer ownership</h2>
          <p>Make another member the owner of {workspace.name}. You stay in the workspace as an admin.</p>
          <ErrorSummary errors={errorsOf(result, "transfer-ownership")} />
          {transferCandidates.length === 0 ? (
            <p className="muted">Invite someone first: there is no other member to hand the workspace to.</p>
          ) : (
            <TransferForm candidates={transferCandidates} workspaceName={workspace.name} />
          )}
        </section>
      ) : null}

      {me ? (
        <section className="card card-danger" aria-labelledby="leave-heading">
          <h2 id="leave-heading">Leave workspace</h2>
          <ErrorSummary errors={errorsOf(result, "leave")} />
          {soleOwner ? (
            <p>You are the only owner. Transfer ownership to another member before leaving.</p>
          ) : (
            <>
              <p>You lose access to {workspace.name} until someone invites you again.</p>
              <details className="confirm">
                <summary className="button button-danger-quiet">Leave workspace</summary>
                <div className="confirm-panel">
                  <p>Leave {workspace.name} now?</p>
                  <Form method="post">
                    <SubmitButton intent="leave" className="button button-danger" pendingLabel="Leaving…">
                      Yes, leave {workspace.name}
                    </SubmitButton>
                  </Form>
                </div>
              </details>
            </>
          )}
        </section>
      ) : null}
    </>
  );
}

function InviteForm({ result }: { result: unknown }) {
  const errors = errorsOf(result, "invite");
  const values = errors ? (result as { values: { email: string; role: string } }).values : null;
  const formRef = useRef<HTMLFormElement>(null);
  const sent = (result as { intent?: string } | undefined)?.intent === "invite" && noticeOf(result) !== null;
  useEffect(() => {
    if (sent) formRef.current?.reset();
  }, [sent, result]);
  return (
    <section className="card" aria-labelledby="invite-heading" id="invite">
      <h2 id="invite-heading">Invite a teammate</h2>
      <p>We email them a link that works once and expires in 7 days.</p>
      <ErrorSummary errors={errors} labels={{ email: "Email address", role: "Role" }} idPrefix="invite-" />
      <Form ref={formRef} method="post" className="invite-form" noValidate>
        <Field
          id="invite-email"
          label="Email address"
          name="email"
          type="email"
          autoComplete="off"
          spellCheck={false}
          required
          defaultValue={values?.email}
          errors={errors?.fieldErrors.email}
        />
        <SelectField
          id="invite-role"
          label="Role"
          name="role"
          defaultValue={values?.role || "editor"}
          errors={errors?.fieldErrors.role}
        >
          {INVITABLE_ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]} — {ROLE_DESCRIPTIONS[role]}
            </option>
          ))}
        </SelectField>
        <SubmitButton intent="invite" pendingLabel="Sending…">
          Send invitation
        </SubmitButton>
      </Form>
    </section>
  );
}

function TransferForm({
  candidates,
  workspaceName,
}: {
  candidates: Array<{ userId: string; name: string; email: string }>;
  workspaceName: string;
}) {
  return (
    <Form method="post" className="stack">
      <SelectField id="transfer-user" label="New owner" name="userId">
        {candidates.map((member) => (
          <option key={member.userId} value={member.userId}>
            {member.name} ({member.email})
          </option>
        ))}
      </SelectField>
      <details className="confirm">
        <summary className="button button-secondary">Transfer ownership…</summary>
        <div className="confirm-panel">
          <p>
            The member you picked becomes the owner of {workspaceName} and you become an admin. Only they can give
            ownership back.
          </p>
          <SubmitButton intent="transfer-ownership" className="button button-danger" pendingLabel="Transferring…">
            Yes, transfer ownership
          </SubmitButton>
        </div>
      </details>
    </Form>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
