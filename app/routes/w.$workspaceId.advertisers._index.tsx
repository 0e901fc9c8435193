import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Advertisers", workspaceNameFrom(matches)) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.campaigns.listAdvertisers({ workspaceId: params.workspaceId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** One contact is asked for here; more are added on the advertiser's page. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const contact = {
    name: text(form, "contactName"),
    email: text(form, "contactEmail"),
    role: text(form, "contactRole"),
  };
  try {
    const advertiser = await context.api.campaigns.createAdvertiser({
      workspaceId,
      name: text(form, "name"),
      contacts: contact.name || contact.email ? [contact] : [],
      notes: text(form, "notes"),
    });
    throw redirect(`/w/${workspaceId}/advertisers/${advertiser.id}`);
  } catch (error) {
    return actionError(error);
  }
}

export default function Advertisers() {
  const { items, truncated } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const errors = errorsOf(useActionData<typeof action>());
  const fieldErrors = errors?.fieldErrors ?? {};
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Advertisers</h1>
          <p className="lead">The clients who buy campaigns on your shows.</p>
        </div>
        <Link className="button button-secondary" to={`/w/${workspace.id}/campaigns`}>
          Campaigns
        </Link>
      </div>
      <section className="card" aria-labelledby="advertisers-heading">
        <h2 id="advertisers-heading" className="visually-hidden">
          Your advertisers
        </h2>
        {items.length === 0 ? (
          <div className="empty-state">
            <h2>No advertisers yet</h2>
            <p className="muted">Add the first one below with a contact who signs insertion orders.</p>
          </div>
        ) : (
          <ul className="stack">
            {items.map((advertiser) => (
              <li key={advertiser.id}>
                <Link to={`/w/${workspace.id}/advertisers/${advertiser.id}`}>{advertiser.name}</Link>{" "}
                <span className="muted">
                  {advertiser.campaignCount} {advertiser.campaignCount === 1 ? "campaign" : "campaigns"}
                  {advertiser.contacts[0] ? ` · ${advertiser.contacts[0].name}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
        {truncated ? <p className="muted">Showing the first 200 advertisers.</p> : null}
      </section>
      {can(workspace.role, "campaigns.manage") ? (
        <section className="card page-narrow-card" aria-labelledby="new-advertiser-heading">
          <h2 id="new-advertiser-heading">New advertiser</h2>
          <ErrorSummary errors={errors} />
          <Form method="post" className="stack" noValidate>
            <Field name="name" label="Name" required maxLength={200} errors={fieldErrors.name} />
            <Field name="contactName" label="Contact name" maxLength={200} />
            <Field
              name="contactEmail"
              label="Contact email"
              type="email"
              maxLength={254}
              errors={fieldErrors.contacts}
            />
            <Field name="contactRole" label="Contact role" maxLength={100} />
            <Field name="notes" label="Notes" maxLength={5000} errors={fieldErrors.notes} />
            <SubmitButton pendingLabel="Adding…">Add advertiser</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
