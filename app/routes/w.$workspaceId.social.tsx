import type { LinksFunction, MetaFunction } from "@remix-run/cloudflare";
import { NavLink, Outlet, useParams } from "@remix-run/react";
import { ErrorPage } from "../components/error-page";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/social.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Social", workspaceNameFrom(matches)) }];

/** The Social section's frame: its own tab row (NavLink marks the active tab with aria-current="page") above each page. */
export default function SocialLayout() {
  const base = `/w/${useParams().workspaceId ?? ""}/social`;
  const tabs = [
    { to: base, label: "Calendar", end: true },
    { to: `${base}/posts`, label: "Posts", end: false },
    { to: `${base}/compose`, label: "Compose", end: false },
    { to: `${base}/accounts`, label: "Accounts", end: false },
    { to: `${base}/analytics`, label: "Analytics", end: false },
    { to: `${base}/sandbox`, label: "Sandbox feed", end: false },
  ];
  return (
    <div className="social">
      <h1>Social</h1>
      <nav className="tabs social-tabs" aria-label="Social">
        <ul>
          {tabs.map((tab) => (
            <li key={tab.to}>
              <NavLink to={tab.to} end={tab.end}>
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
