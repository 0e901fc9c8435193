import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import { CAMPAIGN_STATUS_LABELS, centsFrom, formatCount, formatMoney } from "../lib/campaigns";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import campaignStyles from "../styles/campaigns.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: campaignStyles }];
export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Campaigns", workspaceNameFrom(matches)) }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const [campaigns, advertisers] = await Promise.all([
      context.api.campaigns.listCampaigns({ workspaceId }),
      context.api.campaigns.listAdvertisers({ workspaceId }),
    ]);
    return { campaigns, advertisers: advertisers.items.map((a) => ({ id: a.id, name: a.name })) };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  try {
    const campaign = await context.api.campaigns.createCampaign({
      workspaceId,
      advertiserId: text(form, "advertiserId"),
      name: text(form, "name"),
      budgetCents: centsFrom(text(form, "budget")),
      currency: text(form, "currency"),
      pricing: text(form, "pricing") as "cpm",
      rateCents: centsFrom(text(form, "rate")),
      startsOn: text(form, "startsOn"),
      endsOn: text(form, "endsOn"),
      ioContactName: text(form, "ioContactName"),
      ioContactEmail: text(form, "ioContactEmail"),
    });
    throw redirect(`/w/${workspaceId}/campaigns/${campaign.id}`);
  } catch (error) {
    return actionError(error);
  }
}

export default function Campaigns() {
  const { campaigns, advertisers } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const errors = errorsOf(useActionData<typeof action>());
  const manager = can(workspace.role, "campaigns.manage");
  const base = `/w/${workspace.id}`;
  const fieldErrors = errors?.fieldErrors ?? {};
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Campaigns</h1>
          <p className="lead">Insertion orders from your advertisers, their flights, creatives and reports.</p>
        </div>
        <p className="actions">
          <Link className="button button-secondary" to={`${base}/advertisers`}>
            Advertisers
          </Link>
          <Link className="button button-secondary" to={`${base}/campaigns/calendar`}>
            Calendar
          </Link>
        </p>
      </div>
      <section className="card" aria-labelledby="campaigns-heading">
        <h2 id="campaigns-heading" className="visually-hidden">
          Your campaigns
        </h2>
        {campaigns.items.length === 0 ? (
          <div className="empty-state">
            <h2>No campaigns yet</h2>
            <p className="muted">
              {advertisers.length === 0
                ? "Add an advertiser first, then create their campaign here."
                : "Create a campaign below: its insertion order, then flights and creatives."}
            </p>
          </div>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="campaigns-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Campaign</th>
                  <th scope="col">Status</th>
                  <th scope="col">Dates</th>
                  <th scope="col">Budget</th>
                  <th scope="col">Goal</th>
                </tr>
              </thead>
              <tbody>
                {campaigns.items.map((campaign) => (
                  <tr key={campaign.id}>
                    <th scope="row">
                      <Link to={`${base}/campaigns/${campaign.id}`}>{campaign.name}</Link>
                      <span className="cell-sub">{campaign.advertiserName}</span>
                    </th>
                    <td>{CAMPAIGN_STATUS_LABELS[campaign.status]}</td>
                    <td className="nowrap">
                      {campaign.startsOn} to {campaign.endsOn}
                    </td>
                    <td className="nowrap">{formatMoney(campaign.budgetCents, campaign.currency)}</td>
                    <td className="nowrap">
                      {formatCount(campaign.impressionsGoal)}
                      <span className="cell-sub">
                        {campaign.flightCount} {campaign.flightCount === 1 ? "flight" : "flights"}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {campaigns.truncated ? <p className="muted">Showing the first 200 campaigns.</p> : null}
      </section>
      {manager && advertisers.length > 0 ? (
        <section className="card page-narrow-card" aria-labelledby="new-campaign-heading">
          <h2 id="new-campaign-heading">New campaign</h2>
          <ErrorSummary errors={errors} />
          <Form method="post" className="stack" noValidate>
            <SelectField name="advertiserId" label="Advertiser" errors={fieldErrors.advertiserId}>
              {advertisers.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </SelectField>
            <Field name="name" label="Campaign name" required maxLength={200} errors={fieldErrors.name} />
            <SelectField name="pricing" label="Pricing" errors={fieldErrors.pricing}>
              <option value="cpm">CPM (per thousand impressions)</option>
              <option value="flat">Flat fee</option>
            </SelectField>
            <Field
              name="rate"
              label="Rate"
              hint="CPM: the price per thousand impressions. Flat fee: the whole fee. For example 25.00."
              inputMode="decimal"
              errors={fieldErrors.rateCents}
            />
            <Field
              name="budget"
              label="Budget"
              hint="For example 5000.00."
              inputMode="decimal"
              errors={fieldErrors.budgetCents}
            />
            <Field name="currency" label="Currency" defaultValue="USD" maxLength={3} errors={fieldErrors.currency} />
            <Field name="startsOn" label="Start date" type="date" errors={fieldErrors.startsOn} />
            <Field name="endsOn" label="End date" type="date" errors={fieldErrors.endsOn} />
            <Field name="ioContactName" label="IO contact name" maxLength={200} errors={fieldErrors.ioContactName} />
            <Field
              name="ioContactEmail"
              label="IO contact email"
              type="email"
              maxLength={254}
              errors={fieldErrors.ioContactEmail}
            />
            <SubmitButton pendingLabel="Creating…">Create campaign</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
