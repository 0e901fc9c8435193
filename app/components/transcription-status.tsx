import { Link, useLocation, useRouteLoaderData } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { AppRouter } from "../../server/trpc/router";
import { can, type Role } from "../lib/roles";
import { trpc } from "../lib/trpc.client";
import "./transcription-status.css";

/** Provider ids as creators should read them. */
export function providerName(id: string): string {
  return id === "local" ? "the local offline engine" : id;
}

export type TranscriptionState = inferRouterOutputs<AppRouter>["transcripts"]["getJobForMedia"];

/** While work is under way the status is polled; a waiting job changes at most once a minute (the cron). */
const POLL_MS = { queued: 3000, transcribing: 3000, waiting_for_provider: 15000 } as const;
const MAX_ATTEMPTS = 6;

/**
 * A media file's transcription, as a compact panel for the media library and episode pages: queued,
 * transcribing with progress, done (with a link), failed with the reason and Retry, or waiting because no
 * provider is configured (with what to set). Pass the loader's `getJobForMedia` result as `initial` to render it
 * on the server; without it the component fetches it. It keeps itself current while work is under way.
 */
export function TranscriptionStatus({
  workspaceId,
  mediaId,
  initial,
  canRetry,
  showTranscriptLink = true,
  onStatusChange,
}: {
  workspaceId: string;
  mediaId: string;
  initial?: TranscriptionState;
  /** Defaults to the caller's role in the current workspace allowing content.write. */
  canRetry?: boolean;
  showTranscriptLink?: boolean;
  /** Called when the job's status changes after the first render (e.g. to reload a page once it is done). */
  onStatusChange?: (state: TranscriptionState) => void;
}) {
  const [state, setState] = useState<TranscriptionState | null>(initial ?? null);
  const [problem, setProblem] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const layout = useRouteLoaderData("routes/w.$workspaceId") as { workspace?: { role: Role } } | undefined;
  const mayRetry = canRetry ?? (layout?.workspace ? can(layout.workspace.role, "content.write") : false);
  const location = useLocation();

  useEffect(() => setState(initial ?? null), [initial]);

  const status = state?.job?.status;
  // null until the first state is known, so loading it is not reported as a change.
  const seenStatus = useRef<string | undefined | null>(state ? status : null);
  useEffect(() => {
    if (!state) return;
    const previous = seenStatus.current;
    seenStatus.current = status;
    if (previous !== null && previous !== status) onStatusChange?.(state);
  }, [state, status, onStatusChange]);

  useEffect(() => {
    const interval = state
      ? status && Object.hasOwn(POLL_MS, status)
        ? POLL_MS[status as keyof typeof POLL_MS]
        : null
      : 0;
    if (interval === null) return;
    let cancelled = false;
    const poll = async () => {
      if (document.hidden && state) return setState({ ...state });
      try {
        const next = await trpc.transcripts.getJobForMedia.query({ workspaceId, mediaId });
        if (!cancelled) {
          setState(next);
          setProblem(null);
        }
      } catch (error) {
        if (!cancelled) setProblem(error instanceof Error ? error.message : "Could not check the transcription.");
      }
    };
    const timer = setTimeout(() => void poll(), interval);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [state, status, workspaceId, mediaId]);

  async function retry(event: FormEvent<HTMLFormElement>, jobId: string) {
    event.preventDefault();
    setRetrying(true);
    try {
      const job = await trpc.transcripts.retryJob.mutate({ workspaceId, jobId });
      setState((current) => (current ? { ...current, job } : current));
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "Could not retry the transcription.");
    } finally {
      setRetrying(false);
    }
  }

  const job = state?.job;
  return (
    <section
      className="tx-status"
      aria-label="Transcription"
      aria-live="polite"
      data-status={job?.status ?? (state ? "none" : "loading")}
    >
      {!state ? (
        <p className="tx-status-line muted">Checking transcription…</p>
      ) : !job ? (
        <p className="tx-status-line muted">Not sent for transcription.</p>
      ) : job.status === "queued" ? (
        <>
          <p className="tx-status-line">
            <span className="tx-badge tx-badge-queued">Queued</span>
            {job.lastError ? "Retrying after a problem." : "Waiting for a transcription worker."}
          </p>
          {state.localEngine && !job.lastError ? <LocalEngineNote /> : null}
          {job.lastError ? (
            <p className="tx-status-detail">
              Last attempt ({job.attempts} of {MAX_ATTEMPTS}) failed: {job.lastError}
            </p>
          ) : null}
        </>
      ) : job.status === "transcribing" ? (
        <>
          <p className="tx-status-line">
            <span className="tx-badge tx-badge-working">Transcribing</span>
            <span>{job.progress}%</span>
            {job.provider ? <span className="muted">with {providerName(job.provider)}</span> : null}
          </p>
          {job.provider === "local" ? <LocalEngineNote /> : null}
          <progress className="tx-progress" max={100} value={job.progress} aria-label="Transcription progress">
            {job.progress}%
          </progress>
        </>
      ) : job.status === "done" ? (
        <>
          <p className="tx-status-line">
            <span className="tx-badge tx-badge-done">Transcribed</span>
            {showTranscriptLink && state.transcriptId ? (
              <Link to={`/w/${workspaceId}/transcripts/${state.transcriptId}`}>Open transcript</Link>
            ) : null}
          </p>
          {job.provider === "local" ? <LocalEngineNote /> : null}
        </>
      ) : job.status === "failed" ? (
        <>
          <p className="tx-status-line">
            <span className="tx-badge tx-badge-failed">Failed</span>
            Transcription failed.
          </p>
          <p className="tx-status-detail">{job.lastError ?? "No reason was recorded."}</p>
          {mayRetry ? (
            <form
              method="post"
              action={`/w/${workspaceId}/transcription-jobs/${job.id}/retry`}
              onSubmit={(event) => retry(event, job.id)}
            >
              <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
              <button
                type="submit"
                className="button button-secondary button-small"
                aria-disabled={retrying || undefined}
                disabled={retrying}
              >
                {retrying ? "Retrying…" : "Retry transcription"}
              </button>
            </form>
          ) : null}
        </>
      ) : (
        <WaitingForProvider providersConfigured={state.providersConfigured} />
      )}
      {problem ? <p className="field-error">{problem}</p> : null}
    </section>
  );
}

function WaitingForProvider({ providersConfigured }: { providersConfigured: boolean }) {
  return (
    <div className="tx-waiting">
      <p className="tx-status-line">
        <span className="tx-badge tx-badge-waiting">Waiting</span>
        <strong>No transcription provider configured</strong>
      </p>
      {providersConfigured ? (
        <p className="tx-status-detail">
          A provider has just been configured. This file starts transcribing within a minute.
        </p>
      ) : (
        <p className="tx-status-detail">
          This file will be transcribed automatically as soon as transcription is turned on; nothing is transcribed
          until then. Whoever runs your Greenroom can connect a transcription service, or install the free offline
          engine for English (the README’s “Transcription” section says how); workspace owners can see what is set up
          under Settings → Setup.
        </p>
      )}
    </div>
  );
}

/** Said wherever the offline engine does (or will do) the work, so nobody mistakes its guesses for a real transcript. */
export function LocalEngineNote({ className = "tx-status-detail" }: { className?: string }) {
  return (
    <p className={className}>
      Transcribed on this server by the free offline engine: English only and low accuracy (roughly one word in three is
      wrong), so review it before publishing. For accurate transcripts in any language, ask whoever runs Greenroom to
      connect a transcription service (see “Transcription” in the README).
    </p>
  );
}
