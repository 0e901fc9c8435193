import type { ActionFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can, ROLE_LABELS } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Settings", workspaceNameFrom(matches)) }];

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const name = text(await request.formData(), "name");
  try {
    const renamed = await context.api.workspaces.rename({ workspaceId: params.workspaceId ?? "", name });
    return { notice: `The workspace is now called “${renamed.name}”.` };
  } catch (error) {
    return actionError(error, { values: { name } });
  }
}

export default function Settings() {
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  const editable = can(workspace.role, "workspace.update");
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="lead">How {workspace.name} appears to its members and in invitations.</p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />
      <section className="card page-narrow-card" aria-labelledby="name-heading">
        <h2 id="name-heading">Workspace name</h2>
        {editable ? (
          <>
            <ErrorSummary errors={errors} labels={{ name: "Name" }} />
            <Form method="post" className="stack" noValidate>
              <Field
                label="Name"
                name="name"
                required
                maxLength={80}
                hint="Up to 80 characters. Members see it in the workspace switcher and in invitation emails."
                defaultValue={errors ? (result as { values: { name: string } }).values.name : workspace.name}
                errors={errors?.fieldErrors.name}
              />
              <SubmitButton pendingLabel="Saving…">Save name</SubmitButton>
            </Form>
          </>
        ) : (
          <>
            <dl className="summary-list">
              <div>
                <dt>Name</dt>
                <dd>{workspace.name}</dd>
              </div>
              <div>
                <dt>Your role</dt>
                <dd>{ROLE_LABELS[workspace.role]}</dd>
              </div>
            </dl>
            <p className="muted">Only owners and admins can change these settings.</p>
          </>
        )}
      </section>
      {can(workspace.role, "setup.read") ? (
        <section className="card page-narrow-card" aria-labelledby="setup-link-heading">
          <h2 id="setup-link-heading">Setup</h2>
          <p>See whether payments, email, transcription, Instagram and storage are set up for this Greenroom.</p>
          <p>
            <Link to={`/w/${workspace.id}/setup`}>What is set up</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
