import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { CampaignReport } from "../components/campaign-report";
import { AuthPage } from "../components/shell";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import campaignStyles from "../styles/campaigns.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: campaignStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.report ? `${data.report.campaign.name}: report` : "Campaign report") },
  { name: "robots", content: "noindex" },
];

/** Public: the advertiser reads the report through a report link (one round trip, ADR 016). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    return await context.api.campaigns.openReportLink({ token: params.token ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function SharedCampaignReport() {
  const { problem, report } = useLoaderData<typeof loader>();
  if (!report)
    return (
      <AuthPage title="This link no longer opens">
        <p className="lead">
          {problem === "revoked" ? "The network withdrew this report link." : "This report link has expired."} Ask them
          for a new one.
        </p>
      </AuthPage>
    );
  return (
    <AuthPage title={`${report.campaign.name}: campaign report`} wide>
      <CampaignReport report={report} />
    </AuthPage>
  );
}
