import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { can, ROLE_LABELS, type Role } from "../lib/roles";
import { Menu } from "./menu";
import { QueryNotice } from "./notice";

export interface ShellUser {
  name: string;
  email: string;
  emailVerified: boolean;
}

export interface ShellWorkspace {
  id: string;
  name: string;
  role: Role;
  /** Stripe's subscription state; past_due and unpaid show the payment banner. */
  billingStatus?: string;
  graceUntil?: Date | string | null;
  unreadNotifications?: number;
}

/**
 * The signed-in frame: header with workspace switcher and user menu, the workspace's navigation when there is
 * a current workspace, the unconfirmed-email and failed-payment banners, and the page's <main>.
 */
export function AppShell({
  user,
  workspaces,
  current,
  children,
}: {
  user: ShellUser;
  workspaces: ShellWorkspace[];
  current?: ShellWorkspace;
  children: ReactNode;
}) {
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar-row">
          <BrandLink to={current ? `/w/${current.id}` : "/app"} />
          <WorkspaceSwitcher workspaces={workspaces} current={current} />
          <UserMenu user={user} />
        </div>
        {current ? <WorkspaceNav workspace={current} /> : null}
      </header>
      {user.emailVerified ? null : <VerifyEmailBanner email={user.email} />}
      {current ? <PaymentBanner workspace={current} /> : null}
      <main id="main" tabIndex={-1} className="page">
        <QueryNotice />
        {children}
      </main>
    </div>
  );
}

function WorkspaceSwitcher({ workspaces, current }: { workspaces: ShellWorkspace[]; current?: ShellWorkspace }) {
  return (
    <Menu
      className="switcher"
      summary={
        <>
          <span className="visually-hidden">Workspace: </span>
          <span className="switcher-name">{current?.name ?? "Your workspaces"}</span>
          {current ? <span className="role-badge">{ROLE_LABELS[current.role]}</span> : null}
        </>
      }
    >
      <p className="menu-heading" id="switcher-heading">
        Switch workspace
      </p>
      <ul className="menu-list" aria-labelledby="switcher-heading">
        {workspaces.map((workspace) => (
          <li key={workspace.id}>
            <Link
              to={`/w/${workspace.id}`}
              className="menu-item"
              aria-current={workspace.id === current?.id ? "true" : undefined}
            >
              <span className="menu-item-name">{workspace.name}</span>
              <span className="role-badge">{ROLE_LABELS[workspace.role]}</span>
            </Link>
          </li>
        ))}
      </ul>
      <Link to="/workspaces/new" className="menu-item menu-item-action">
        New workspace
      </Link>
    </Menu>
  );
}

function UserMenu({ user }: { user: ShellUser }) {
  const initials = user.name
    .split(/\s+/)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
  return (
    <Menu
      className="user-menu"
      summary={
        <>
          <span className="avatar" aria-hidden="true">
            {initials || "?"}
          </span>
          <span className="user-menu-name">{user.name}</span>
          <span className="visually-hidden"> — account menu</span>
        </>
      }
    >
      <div className="menu-heading">
        <strong>{user.name}</strong>
        <span className="muted">{user.email}</span>
      </div>
      <Link to="/account" className="menu-item">
        Account
      </Link>
      <Form method="post" action="/logout">
        <button type="submit" className="menu-item">
          Log out
        </button>
      </Form>
    </Menu>
  );
}

function WorkspaceNav({ workspace }: { workspace: ShellWorkspace }) {
  const base = `/w/${workspace.id}`;
  return (
    <nav className="tabs" aria-label="Workspace">
      <ul>
        <li>
          <NavLink to={base} end>
            Dashboard
          </NavLink>
        </li>
        <li>
          <NavLink to={`${base}/shows`}>Shows</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/posts`}>Posts</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/comments`}>Comments</NavLink>
        </li>
        {can(workspace.role, "events.read") ? (
          <li>
            <NavLink to={`${base}/events`}>Events</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to={`${base}/media`}>Media</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/analytics`}>Analytics</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/campaigns`}>Campaigns</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/social`}>Social</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/search`}>Search</NavLink>
        </li>
        {can(workspace.role, "audience.read") ? (
          <li>
            <NavLink to={`${base}/audience`}>Audience</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to={`${base}/members`}>Members</NavLink>
        </li>
        {can(workspace.role, "audit.read") ? (
          <li>
            <NavLink to={`${base}/audit`}>Audit log</NavLink>
          </li>
        ) : null}
        {can(workspace.role, "payments.manage") ? (
          <li>
            <NavLink to={`${base}/payments`}>Payments</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to={`${base}/billing`}>Billing</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/settings`}>Settings</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/notifications`}>
            Notifications
            {workspace.unreadNotifications ? (
              <>
                {" "}
                <span className="nav-count">{workspace.unreadNotifications}</span>
                <span className="visually-hidden"> unread</span>
              </>
            ) : null}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}

function VerifyEmailBanner({ email }: { email: string }) {
  const location = useLocation();
  const here = new URLSearchParams(location.search);
  here.delete("notice");
  const query = here.toString();
  return (
    <section className="banner" aria-label="Email confirmation">
      <p>
        <strong>Confirm your email address.</strong> We sent a link to <span className="banner-email">{email}</span>.
      </p>
      <Form method="post" action="/resend-verification" className="banner-action">
        <input type="hidden" name="redirectTo" value={location.pathname + (query ? `?${query}` : "")} />
        <button type="submit" className="button button-secondary button-small">
          Resend email
        </button>
      </Form>
    </section>
  );
}

/**
 * A failed payment, while Stripe retries: within the grace period the plan's limits still apply; after it (or
 * once Stripe gives up, "unpaid") the workspace runs on Free limits until payment succeeds. Nothing is deleted.
 */
function PaymentBanner({ workspace }: { workspace: ShellWorkspace }) {
  if (workspace.billingStatus !== "past_due" && workspace.billingStatus !== "unpaid") return null;
  const graceUntil = workspace.graceUntil ? new Date(workspace.graceUntil) : null;
  // Rendered on the server; hydration sees the same markup because the date is formatted in UTC.
  const inGrace = workspace.billingStatus === "past_due" && graceUntil !== null && graceUntil.getTime() > Date.now();
  const canFix = can(workspace.role, "billing.manage");
  return (
    <section className="banner" aria-label="Payment problem" role="status">
      <p>
        <strong>{inGrace ? "A payment failed." : "Payment overdue."}</strong>{" "}
        {inGrace
          ? `Update the payment method by ${formatUtcDate(graceUntil!)} to keep this workspace's plan.`
          : "This workspace is using Free limits until the payment succeeds. Nothing has been deleted."}
        {canFix ? null : " Ask an owner or admin to update it."}
      </p>
      {canFix ? (
        <Link to={`/w/${workspace.id}/billing`} className="button button-secondary button-small banner-action">
          Update payment method
        </Link>
      ) : null}
    </section>
  );
}

const formatUtcDate = (date: Date) =>
  date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** The product name with its mark, linking home. */
export function BrandLink({ to }: { to: string }) {
  return (
    <Link to={to} className="brand">
      <span className="brand-mark" aria-hidden="true" />
      Greenroom
    </Link>
  );
}

/** The frame of the logged-out pages: the product name and one centred card. */
export function AuthPage({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className="auth-shell">
      <header className="auth-header">
        <BrandLink to="/" />
      </header>
      <main id="main" tabIndex={-1} className={wide ? "auth-main auth-main-wide" : "auth-main"}>
        <div className="card">
          <h1>{title}</h1>
          <QueryNotice />
          {children}
        </div>
      </main>
    </div>
  );
}
