import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { AppShell } from "../components/shell";
import { requireUser } from "../lib/auth.server";
import { actionError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction = () => [{ title: pageTitle("New workspace") }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return { user, workspaces: await context.api.workspaces.list() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const name = text(await request.formData(), "name");
  let id: string;
  try {
    ({ id } = await context.api.workspaces.create({ name }));
  } catch (error) {
    return actionError(error, { values: { name } });
  }
  throw redirect(withNotice(`/w/${id}`, "workspace-created"));
}

export default function NewWorkspace() {
  const { user, workspaces } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  return (
    <AppShell user={user} workspaces={workspaces}>
      <div className="page-narrow">
        <h1>New workspace</h1>
        <p className="lead">
          A workspace holds one team&rsquo;s shows and content. You will be its owner and can invite others.
        </p>
        <div className="card">
          <ErrorSummary errors={errors} labels={{ name: "Workspace name" }} />
          <Form method="post" className="stack" noValidate>
            <Field
              label="Workspace name"
              name="name"
              required
              maxLength={80}
              hint="Your show, studio or team. You can change it later."
              defaultValue={result?.values.name}
              errors={errors?.fieldErrors.name}
            />
            <div className="form-actions">
              <SubmitButton pendingLabel="Creating…">Create workspace</SubmitButton>
              {workspaces.length > 0 ? <Link to="/app">Cancel</Link> : null}
            </div>
          </Form>
        </div>
      </div>
    </AppShell>
  );
}
