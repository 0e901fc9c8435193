import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Setup", workspaceNameFrom(matches)) }];

const AREA_NAMES = {
  payments: "Payments",
  email: "Email",
  transcription: "Transcription",
  summaries: "Written summaries",
  instagram: "Instagram",
  storage: "Storage",
} as const;

/** Owner-only: what this Greenroom can do now. The procedure reads no database, so the page costs the session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return await context.api.workspaces.getSetup({ workspaceId: params.workspaceId ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function Setup() {
  const { items } = useLoaderData<typeof loader>();
  const missing = items.filter((item) => !item.ready).length;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Setup</h1>
          <p className="lead">
            What this Greenroom can do for your workspace.{" "}
            {missing === 0
              ? "Everything is set up."
              : `${missing} ${missing === 1 ? "thing is" : "things are"} not set up yet; whoever runs your Greenroom can turn ${missing === 1 ? "it" : "them"} on.`}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="setup-heading">
        <h2 id="setup-heading" className="visually-hidden">
          What is set up
        </h2>
        <ul className="setup-list">
          {items.map((item) => (
            <li key={item.area} className="setup-item">
              <span className={item.ready ? "badge badge-success" : "badge badge-warning"}>
                {item.ready ? "Set up" : "Not set up"}
              </span>
              <div>
                <h3>{AREA_NAMES[item.area]}</h3>
                <p>{item.summary}</p>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
