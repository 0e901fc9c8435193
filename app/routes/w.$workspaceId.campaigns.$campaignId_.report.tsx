import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { CampaignReport } from "../components/campaign-report";
import { ErrorPanel } from "../components/error-page";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import campaignStyles from "../styles/campaigns.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: campaignStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data ? `${data.campaign.name}: report` : "Campaign report", workspaceNameFrom(matches)) },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.campaigns.getReport({
      workspaceId: params.workspaceId ?? "",
      campaignId: params.campaignId ?? "",
    });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function CampaignReportPage() {
  const report = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const base = `/w/${workspace.id}/campaigns/${report.campaign.id}`;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to={base}>{report.campaign.name}</Link>
          </p>
          <h1>Campaign report</h1>
        </div>
        <p className="actions">
          <a className="button button-secondary" href={`${base}/report.csv`}>
            CSV
          </a>
          <a className="button button-secondary" href={`${base}/report.pdf`}>
            PDF
          </a>
        </p>
      </div>
      <CampaignReport report={report} />
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
