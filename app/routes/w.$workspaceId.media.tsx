import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import { ALLOWED_TYPES, formatBytes, isAllowedContentType } from "../../server/services/media/rules";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { Uploader } from "../components/uploader";
import { readKeysetPage } from "../lib/keyset-pages.server";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDate } from "../lib/format";
import { formatDuration } from "../lib/podcasts";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import styles from "../styles/media.css?url";
import { Pager } from "../components/pager";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Media", workspaceNameFrom(matches)) }];

const PAGE_SIZE = 25;
/** While a file is being checked or transcribed, the list refreshes itself this often. */
const REFRESH_MS = 5_000;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const { cursor, links } = readKeysetPage(
    request,
    "This page of the media library does not exist. Start again from the newest files.",
  );
  try {
    const [page, usage] = await Promise.all([
      context.api.media.list({ workspaceId, limit: PAGE_SIZE, cursor }),
      context.api.media.getStorageUsage({ workspaceId }),
    ]);
    return {
      items: page.items,
      usage,
      ...links(page.nextCursor),
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent !== "delete") throw new Response("Unknown action.", { status: 400 });
    await context.api.media.delete({ workspaceId: params.workspaceId ?? "", mediaId: text(form, "mediaId") });
    return { intent, notice: `Deleted “${text(form, "filename")}”.` };
  } catch (error) {
    return actionError(error, { intent });
  }
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

const STATUS_BADGE: Record<Item["status"], { label: string; tone: string }> = {
  uploading: { label: "Upload unfinished", tone: "badge-warning" },
  verifying: { label: "Checking", tone: "badge-queued" },
  ready: { label: "Ready", tone: "badge-success" },
  rejected: { label: "Rejected", tone: "badge-failed" },
};

const UPLOADING_HERE_BADGE = { label: "Uploading", tone: "badge-queued" };

const TRANSCRIPTION_BADGE: Record<NonNullable<Item["transcription"]>["status"], { label: string; tone: string }> = {
  waiting_for_provider: { label: "Waiting for a provider", tone: "badge-warning" },
  queued: { label: "Queued", tone: "badge-queued" },
  transcribing: { label: "Transcribing", tone: "badge-queued" },
  done: { label: "Transcribed", tone: "badge-success" },
  failed: { label: "Failed", tone: "badge-failed" },
};

const KIND_LABEL = { audio: "Audio", video: "Video", image: "Image" } as const;

const typeLabel = (contentType: string) =>
  isAllowedContentType(contentType) ? ALLOWED_TYPES[contentType].label : contentType;

export default function MediaLibrary() {
  const { items, usage, newerHref, olderHref, firstPage } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const writer = can(workspace.role, "content.write");
  const refresh = useCallback(() => revalidator.revalidate(), [revalidator]);
  const [uploadingHere, setUploadingHere] = useState<string[]>([]);

  const changing = items.some(
    (item) =>
      item.status === "verifying" ||
      item.transcription?.status === "queued" ||
      item.transcription?.status === "transcribing",
  );
  useEffect(() => {
    if (!changing) return;
    const timer = setInterval(() => document.visibilityState === "visible" && revalidator.revalidate(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [changing, revalidator]);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Media</h1>
          <p className="lead">
            Recordings, videos and artwork for {workspace.name}. Audio and video are transcribed once they are uploaded.
          </p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />

      <StorageCard usage={usage} />

      {writer ? (
        <section className="card" aria-labelledby="upload-heading">
          <h2 id="upload-heading">Upload</h2>
          <Uploader workspaceId={workspace.id} onUploaded={refresh} onActiveMediaIds={setUploadingHere} />
        </section>
      ) : null}

      <section className="card" aria-labelledby="library-heading">
        <h2 id="library-heading">Library</h2>
        <ErrorSummary errors={errorsOf(result, "delete")} />
        {items.length === 0 ? (
          <div className="media-empty">
            <p>{firstPage ? "No files yet." : "No older files."}</p>
            {firstPage ? (
              <p className="muted">
                {writer
                  ? "Upload a recording above, or record one right here in the browser."
                  : "Editors, admins and owners can upload files."}
              </p>
            ) : null}
          </div>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="library-heading">
            <table className="table media-table">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Size</th>
                  <th scope="col">Status</th>
                  <th scope="col">Transcript</th>
                  <th scope="col">Added</th>
                  {writer ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <MediaRow
                    key={item.id}
                    item={item}
                    writer={writer}
                    workspaceId={workspace.id}
                    uploadingHere={uploadingHere.includes(item.id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          label="Media library pages"
          previous={newerHref ? { to: newerHref, text: "Newer" } : null}
          next={olderHref ? { to: olderHref, text: "Older" } : null}
        />
      </section>
    </>
  );
}

function MediaRow({
  item,
  writer,
  workspaceId,
  uploadingHere,
}: {
  item: Item;
  writer: boolean;
  workspaceId: string;
  /** This tab is sending the file right now: it is in progress, not abandoned. */
  uploadingHere: boolean;
}) {
  const status = uploadingHere ? UPLOADING_HERE_BADGE : STATUS_BADGE[item.status];
  const playable = item.status === "ready" && item.kind === "audio";
  const transcription = item.transcription ? TRANSCRIPTION_BADGE[item.transcription.status] : null;
  return (
    <tr>
      <th scope="row" className="media-name">
        <div className="media-file">
          {item.kind === "image" && item.status === "ready" ? (
            <img className="media-thumb" src={`/api/media/${item.id}`} alt="" width={56} height={56} loading="lazy" />
          ) : null}
          <div>
            <span className="media-filename">{item.filename}</span>
            <span className="cell-sub">
              {[
                typeLabel(item.contentType),
                formatDuration(item.durationSeconds),
                item.widthPx && item.heightPx ? `${item.widthPx} × ${item.heightPx} px` : null,
              ]
                .filter(Boolean)
                .join(" · ")}
            </span>
          </div>
        </div>
        {playable ? (
          <audio
            className="media-player"
            controls
            preload="none"
            src={`/api/media/${item.id}`}
            aria-label={`Play ${item.filename}`}
          >
            Your browser cannot play this file.
          </audio>
        ) : null}
      </th>
      <td className="nowrap" data-label="Size">
        {formatBytes(item.size ?? item.declaredSize)}
      </td>
      <td data-label="Status">
        <span className={`badge ${status.tone}`}>{status.label}</span>
        {item.status === "rejected" && item.rejectionReason ? (
          <span className="cell-sub">{item.rejectionReason}</span>
        ) : null}
        {item.status === "uploading" && !uploadingHere ? (
          <span className="cell-sub">Choose the same file again to resume it.</span>
        ) : null}
      </td>
      <td data-label="Transcript">
        {transcription && item.transcription ? (
          <>
            <span className={`badge ${transcription.tone}`}>
              {transcription.label}
              {item.transcription.status === "transcribing" ? ` ${item.transcription.progress}%` : ""}
            </span>
            {item.transcription.transcriptId ? (
              <Link className="cell-sub" to={`/w/${workspaceId}/transcripts/${item.transcription.transcriptId}`}>
                Open transcript<span className="visually-hidden"> of {item.filename}</span>
              </Link>
            ) : null}
            {item.transcription.status === "waiting_for_provider" ? (
              <span className="cell-sub">No transcription provider is configured yet; it starts once one is.</span>
            ) : null}
            {item.transcription.status === "failed" ? (
              <>
                {item.transcription.lastError ? <span className="cell-sub">{item.transcription.lastError}</span> : null}
                {writer ? (
                  <Form method="post" action={`/w/${workspaceId}/transcription-jobs/${item.transcription.jobId}/retry`}>
                    <input type="hidden" name="redirectTo" value={`/w/${workspaceId}/media`} />
                    <button type="submit" className="button button-secondary button-small">
                      Retry<span className="visually-hidden"> transcribing {item.filename}</span>
                    </button>
                  </Form>
                ) : null}
              </>
            ) : null}
          </>
        ) : (
          <span className="muted">{item.kind === "image" ? "Not needed" : "—"}</span>
        )}
      </td>
      <td className="nowrap" data-label="Added">
        <time dateTime={item.createdAt.toISOString()}>{formatDate(item.createdAt)}</time>
      </td>
      {writer ? (
        <td className="cell-actions">
          <details className="confirm">
            <summary className="button button-danger-quiet button-small">
              Delete<span className="visually-hidden"> {item.filename}</span>
            </summary>
            <div className="confirm-panel">
              <p>
                Delete “{item.filename}”? {item.kind === "image" ? "" : "Its transcript goes with it. "}This cannot be
                undone.
              </p>
              <Form method="post">
                <input type="hidden" name="mediaId" value={item.id} />
                <input type="hidden" name="filename" value={item.filename} />
                <SubmitButton intent="delete" className="button button-danger button-small" pendingLabel="Deleting…">
                  Yes, delete it
                </SubmitButton>
              </Form>
            </div>
          </details>
        </td>
      ) : null}
    </tr>
  );
}

function StorageCard({ usage }: { usage: ReturnType<typeof useLoaderData<typeof loader>>["usage"] }) {
  const kinds = (["audio", "video", "image"] as const).filter((kind) => usage.byKind[kind].files > 0);
  return (
    <section className="card storage-card" aria-labelledby="storage-heading">
      <div className="storage-summary">
        <h2 id="storage-heading">Storage</h2>
        <p className="storage-total">
          <strong>{formatBytes(usage.usedBytes)}</strong> used by {usage.fileCount}{" "}
          {usage.fileCount === 1 ? "file" : "files"}
        </p>
      </div>
      {usage.usedBytes > 0 ? (
        <>
          <div className="storage-bar" aria-hidden="true">
            {kinds.map((kind) => (
              <span key={kind} className={`storage-bar-${kind}`} style={{ flexGrow: usage.byKind[kind].bytes }} />
            ))}
          </div>
          <ul className="storage-legend">
            {kinds.map((kind) => (
              <li key={kind}>
                <span className={`storage-swatch storage-bar-${kind}`} aria-hidden="true" />
                {KIND_LABEL[kind]}: {formatBytes(usage.byKind[kind].bytes)} in {usage.byKind[kind].files}{" "}
                {usage.byKind[kind].files === 1 ? "file" : "files"}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">Nothing stored yet. Unfinished and rejected uploads do not count.</p>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
