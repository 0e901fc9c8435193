import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { ErrorPanel } from "../components/error-page";
import { readKeysetPage } from "../lib/keyset-pages.server";
import { describeAuditEvent } from "../lib/audit";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { describeDevice, formatDateTime } from "../lib/format";
import { pageTitle } from "../lib/meta";
import { workspaceNameFrom } from "../lib/workspace";
import { Pager } from "../components/pager";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Audit log", workspaceNameFrom(matches)) }];

const PAGE_SIZE = 25;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const { cursor, links } = readKeysetPage(
    request,
    "This page of the audit log does not exist. Start again from the newest events.",
  );

  try {
    const [page, members] = await Promise.all([
      context.api.workspaces.listAuditEvents({ workspaceId, limit: PAGE_SIZE, cursor }),
      context.api.workspaces.listMembers({ workspaceId }),
    ]);
    const names = new Map(members.map((member) => [member.userId, member.name]));
    return {
      events: page.items.map((event) => ({
        id: event.id,
        createdAt: event.createdAt,
        actor: event.actorName ? { name: event.actorName, email: event.actorEmail } : null,
        description: describeAuditEvent(event.action, event.detail, (userId) => names.get(userId)),
        ip: event.ip,
        userAgent: event.userAgent,
      })),
      ...links(page.nextCursor),
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function AuditLog() {
  const { events, newerHref, olderHref, firstPage } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="lead">Who changed what in this workspace, newest first. Times are in UTC.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="events-heading">
        <h2 id="events-heading" className="visually-hidden">
          Events
        </h2>
        {events.length === 0 ? (
          <p className="muted">{firstPage ? "Nothing has happened here yet." : "No older events."}</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="events-heading">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">IP address</th>
                  <th scope="col">Device</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.id}>
                    <td className="nowrap">
                      <time dateTime={event.createdAt.toISOString()}>{formatDateTime(event.createdAt)}</time>
                    </td>
                    <td>
                      {event.actor ? (
                        <>
                          {event.actor.name}
                          <span className="cell-sub">{event.actor.email}</span>
                        </>
                      ) : (
                        <span className="muted">Deleted account</span>
                      )}
                    </td>
                    <td>{event.description}</td>
                    <td className="nowrap">{event.ip ?? <span className="muted">—</span>}</td>
                    <td className="cell-ua" title={event.userAgent ?? undefined}>
                      {event.userAgent ? describeDevice(event.userAgent) : <span className="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          label="Audit log pages"
          previous={newerHref ? { to: newerHref, text: "Newer" } : null}
          next={olderHref ? { to: olderHref, text: "Older" } : null}
        />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
