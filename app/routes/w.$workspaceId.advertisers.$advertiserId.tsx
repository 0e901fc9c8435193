import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { CAMPAIGN_STATUS_LABELS, formatMoney } from "../lib/campaigns";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.name ?? "Advertiser", workspaceNameFrom(matches)) },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.campaigns.getAdvertiser({
      workspaceId: params.workspaceId ?? "",
      advertiserId: params.advertiserId ?? "",
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const advertiserId = params.advertiserId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "delete") {
      await context.api.campaigns.deleteAdvertiser({ workspaceId, advertiserId });
      throw redirect(`/w/${workspaceId}/advertisers`);
    }
    // Contacts arrive as rows of the form; a row with neither name nor email is left out.
    const names = form.getAll("contactName").map(String);
    const emails = form.getAll("contactEmail").map(String);
    const roles = form.getAll("contactRole").map(String);
    const contacts = names
      .map((name, i) => ({ name, email: emails[i] ?? "", role: roles[i] ?? "" }))
      .filter((c) => c.name.trim() || c.email.trim());
    await context.api.campaigns.updateAdvertiser({
      workspaceId,
      advertiserId,
      name: text(form, "name"),
      contacts,
      notes: text(form, "notes"),
    });
    return { intent, notice: "Saved." };
  } catch (error) {
    return actionError(error, { intent });
  }
}

export default function Advertiser() {
  const advertiser = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result);
  const fieldErrors = errors?.fieldErrors ?? {};
  const manager = can(workspace.role, "campaigns.manage");
  const rows = [...advertiser.contacts, { name: "", email: "", role: "" }];
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to={`/w/${workspace.id}/advertisers`}>Advertisers</Link>
          </p>
          <h1>{advertiser.name}</h1>
          {advertiser.notes ? <p className="lead">{advertiser.notes}</p> : null}
        </div>
      </div>
      <section className="card" aria-labelledby="advertiser-campaigns">
        <h2 id="advertiser-campaigns">Campaigns</h2>
        {advertiser.campaigns.length === 0 ? (
          <p className="muted">No campaigns for {advertiser.name} yet.</p>
        ) : (
          <ul className="stack">
            {advertiser.campaigns.map((c) => (
              <li key={c.id}>
                <Link to={`/w/${workspace.id}/campaigns/${c.id}`}>{c.name}</Link>{" "}
                <span className="muted">
                  {CAMPAIGN_STATUS_LABELS[c.status]} · {c.startsOn} to {c.endsOn} ·{" "}
                  {formatMoney(c.budgetCents, c.currency)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {manager ? (
        <section className="card page-narrow-card" aria-labelledby="edit-advertiser">
          <h2 id="edit-advertiser">Details and contacts</h2>
          {result && "notice" in result ? (
            <p className="callout" role="status">
              {result.notice}
            </p>
          ) : null}
          <ErrorSummary errors={errors} />
          <Form method="post" className="stack" noValidate>
            <Field name="name" label="Name" defaultValue={advertiser.name} errors={fieldErrors.name} />
            {rows.map((contact, i) => (
              <fieldset key={i}>
                <legend>{i < advertiser.contacts.length ? `Contact ${i + 1}` : "Add a contact"}</legend>
                <Field id={`contactName-${i}`} name="contactName" label="Name" defaultValue={contact.name} />
                <Field
                  id={`contactEmail-${i}`}
                  name="contactEmail"
                  label="Email"
                  type="email"
                  defaultValue={contact.email}
                  errors={i === 0 ? fieldErrors.contacts : undefined}
                />
                <Field id={`contactRole-${i}`} name="contactRole" label="Role" defaultValue={contact.role} />
              </fieldset>
            ))}
            <Field name="notes" label="Notes" defaultValue={advertiser.notes} errors={fieldErrors.notes} />
            <SubmitButton intent="save" pendingLabel="Saving…">
              Save
            </SubmitButton>
          </Form>
          {advertiser.campaigns.length === 0 ? (
            <Form method="post" className="form-actions">
              <SubmitButton intent="delete" className="button button-danger" pendingLabel="Deleting…">
                Delete {advertiser.name}
              </SubmitButton>
            </Form>
          ) : (
            <p className="muted">An advertiser with campaigns cannot be deleted.</p>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
