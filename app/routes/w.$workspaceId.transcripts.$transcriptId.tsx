import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import {
  TRANSCRIPT_LANGUAGES,
  languageName,
  type TranscriptLanguage,
} from "../../server/services/transcription/languages";
import { formatTimestamp } from "../../server/services/transcription/timecode";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { TranscriptExportLinks } from "../components/transcript-export-links";
import {
  LocalEngineNote,
  providerName,
  TranscriptionStatus,
  type TranscriptionState,
} from "../components/transcription-status";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import podcastStyles from "../styles/podcasts.css?url";
import "../styles/transcripts.css";

// The download links share their look with the episode pages.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  {
    title: pageTitle(data ? transcriptTitle(data.transcript) : "Transcript", workspaceNameFrom(matches)),
  },
];

/** A transcript is named by the episode that publishes its audio; an unused recording by its file. */
function transcriptTitle(transcript: { episode: { title: string } | null; media: { filename: string } }) {
  return transcript.episode ? transcript.episode.title : transcript.media.filename;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const transcript = await context.api.transcripts.get({ workspaceId, transcriptId: params.transcriptId ?? "" });
    // The job's state as transcripts.getJobForMedia gives it, from the same read (one wave, ADR 016).
    const jobState = {
      job: transcript.job,
      transcriptId: transcript.id,
      providersConfigured: transcript.providersConfigured,
      localEngine: transcript.localEngine,
    };
    // ?t=<ms> (search results link here) opens the transcript at that moment.
    const t = Number(new URL(request.url).searchParams.get("t") ?? "");
    return { transcript, jobState, startAtMs: Number.isFinite(t) && t > 0 ? Math.floor(t) : null };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const segmentId = text(form, "segmentId");
  const api = context.api.transcripts;
  try {
    switch (intent) {
      case "update-segment":
        await api.updateSegment({ workspaceId, segmentId, text: text(form, "text") });
        return { intent, segmentId, notice: "Line saved." };
      case "save-language":
      case "retranscribe": {
        const language = (text(form, "language") || null) as TranscriptLanguage | null;
        await api.setLanguage({
          workspaceId,
          mediaId: text(form, "mediaId"),
          language,
          retranscribe: intent === "retranscribe",
        });
        const named = language ? languageName(language) : "automatic detection";
        return {
          intent,
          notice: intent === "retranscribe" ? `Transcribing again with ${named}.` : `Language set to ${named}.`,
        };
      }
      case "summarize": {
        const result = await api.summarize({ workspaceId, transcriptId: params.transcriptId ?? "" });
        return {
          intent,
          notice:
            result.summaryKind === "llm"
              ? "Summary, show notes and chapters written."
              : "Automatic summary, show notes and chapters made.",
        };
      }
      case "publication": {
        const part = text(form, "part") as "transcript" | "chapters";
        const published = text(form, "published") === "true";
        await api.setPublication({ workspaceId, transcriptId: params.transcriptId ?? "", part, published });
        const what = part === "chapters" ? "Chapters" : "Transcript";
        return {
          intent,
          notice: published ? `${what} published on the episode page and feed.` : `${what} made private.`,
        };
      }
      case "auto-publish": {
        const enabled = text(form, "enabled") === "true";
        await api.setShowAutoPublish({ workspaceId, showId: text(form, "showId"), enabled });
        return {
          intent,
          notice: enabled
            ? "This show now publishes machine transcripts and chapters without review."
            : "This show’s machine transcripts and chapters now wait for your approval.",
        };
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, segmentId });
  }
}

type Transcript = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>>["transcript"];
type Segment = Transcript["segments"][number];

/** The last segment that has started by `ms`: a pause between segments keeps the previous one current. */
function segmentAt(segments: Segment[], ms: number) {
  let [low, high, found] = [0, segments.length - 1, -1];
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (segments[mid].startMs <= ms) [found, low] = [mid, mid + 1];
    else high = mid - 1;
  }
  return found;
}

/** Enough rows for a line's text at the editor's width (about 50 characters), where CSS cannot size it. */
const rowsFor = (value: string) => Math.max(2, Math.ceil(value.length / 50));

/** False on the server and in the first render, so the page works without JavaScript and hydrates cleanly. */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export default function TranscriptPage() {
  const { transcript, jobState, startAtMs } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const canWrite = can(workspace.role, "content.write");
  const hydrated = useHydrated();
  const audioRef = useRef<HTMLAudioElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [playedMs, setPlayedMs] = useState<number | null>(startAtMs);
  const [follow, setFollow] = useState(true);
  const [editingId, setEditingId] = useState<string | null>(null);
  const segments = transcript.segments;
  const current = playedMs === null ? -1 : segmentAt(segments, playedMs);

  // Scroll the list itself (not the page) so the current line sits in its middle; never while someone edits.
  useEffect(() => {
    const list = listRef.current;
    const line = current >= 0 ? list?.querySelector<HTMLElement>(`[data-index="${current}"]`) : null;
    if (!list || !line || !follow || editingId) return;
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    list.scrollTo({
      top: line.offsetTop - list.clientHeight / 2 + line.clientHeight / 2,
      behavior: reduced ? "auto" : "smooth",
    });
  }, [current, follow, editingId]);

  // The player may have read its metadata before hydration, so cue ?t= both now and when it does.
  const cueStart = useCallback(() => {
    const audio = audioRef.current;
    if (audio && startAtMs !== null && audio.readyState >= 1 && audio.currentTime === 0)
      audio.currentTime = startAtMs / 1000;
  }, [startAtMs]);
  useEffect(cueStart, [cueStart]);

  function seek(ms: number) {
    const audio = audioRef.current;
    if (!audio) return;
    audio.currentTime = ms / 1000;
    setPlayedMs(ms);
    audio.play().catch(() => undefined);
  }

  // A re-transcription that finishes replaces the lines: load them.
  const revalidator = useRevalidator();
  const onStatusChange = useCallback(
    (state: TranscriptionState) => state.job?.status === "done" && revalidator.revalidate(),
    [revalidator],
  );

  const reTranscribing = transcript.job && transcript.job.status !== "done";
  const segmentErrors = errorsOf(result, "update-segment");
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Transcript</p>
          <h1 className="tx-title">{transcriptTitle(transcript)}</h1>
          <p className="lead">
            {transcript.episode ? `${transcript.media.filename} · ` : ""}
            {languageName(transcript.language)} · {segments.length} {segments.length === 1 ? "line" : "lines"}
            {segments.length > 0 ? ` · ${formatTimestamp(segments.at(-1)!.endMs)}` : ""} · transcribed with{" "}
            {providerName(transcript.provider)}
          </p>
          {transcript.provider === "local" ? <LocalEngineNote className="muted" /> : null}
        </div>
        <div className="tx-header-actions">
          {canWrite ? (
            <Link
              className="button button-secondary"
              to={`/w/${workspace.id}/social/compose?sourceType=transcript&sourceId=${transcript.id}`}
            >
              Share to social
            </Link>
          ) : null}
          <TranscriptExportLinks transcriptId={transcript.id} />
        </div>
      </div>
      <Notice message={noticeOf(result)} />
      {reTranscribing ? (
        <div className="card tx-rerun">
          <TranscriptionStatus
            workspaceId={workspace.id}
            mediaId={transcript.mediaId}
            initial={jobState}
            showTranscriptLink={false}
            onStatusChange={onStatusChange}
          />
        </div>
      ) : null}

      <div className="tx-layout">
        <section className="card tx-main" aria-labelledby="lines-heading">
          <div className="tx-player">
            <audio
              ref={audioRef}
              controls
              preload="metadata"
              src={`/api/media/${transcript.mediaId}`}
              onLoadedMetadata={cueStart}
              onTimeUpdate={(e) => setPlayedMs(e.currentTarget.currentTime * 1000)}
            >
              Your browser cannot play this file.
            </audio>
            {hydrated ? (
              <label className="tx-follow">
                <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow playback
              </label>
            ) : null}
          </div>
          <h2 id="lines-heading" className="visually-hidden">
            Transcript lines
          </h2>
          {segmentErrors && !hydrated ? <ErrorSummary errors={segmentErrors} /> : null}
          {segments.length === 0 ? (
            <p className="muted">The provider found no speech in this file.</p>
          ) : (
            <ol className="tx-lines" ref={listRef} tabIndex={hydrated ? -1 : undefined}>
              {segments.map((segment, index) => (
                <Line
                  key={segment.id}
                  segment={segment}
                  index={index}
                  current={index === current}
                  canWrite={canWrite}
                  hydrated={hydrated}
                  editing={editingId === segment.id}
                  onEdit={() => setEditingId(segment.id)}
                  onClose={() => setEditingId((id) => (id === segment.id ? null : id))}
                  onSeek={seek}
                />
              ))}
            </ol>
          )}
        </section>

        <aside className="tx-side">
          <PublicationCard transcript={transcript} canWrite={canWrite} result={result} />
          <LanguageCard transcript={transcript} canWrite={canWrite} result={result} />
          <SummaryCard transcript={transcript} canWrite={canWrite} result={result} hydrated={hydrated} onSeek={seek} />
        </aside>
      </div>
    </>
  );
}

function Line({
  segment,
  index,
  current,
  canWrite,
  hydrated,
  editing,
  onEdit,
  onClose,
  onSeek,
}: {
  segment: Segment;
  index: number;
  current: boolean;
  canWrite: boolean;
  hydrated: boolean;
  editing: boolean;
  onEdit: () => void;
  onClose: () => void;
  onSeek: (ms: number) => void;
}) {
  const fetcher = useFetcher<typeof action>();
  const saving = fetcher.state !== "idle";
  const errors = errorsOf(fetcher.data, "update-segment");
  const at = formatTimestamp(segment.startMs);
  // A save that succeeded closes the editor; one that failed keeps it open with the message.
  useEffect(() => {
    if (fetcher.state === "idle" && noticeOf(fetcher.data)) onClose();
  }, [fetcher.state, fetcher.data]);
  const pending = fetcher.formData?.get("text");
  const shown = typeof pending === "string" ? pending.trim() : segment.text;

  const fields = (
    <>
      <input type="hidden" name="intent" value="update-segment" />
      <input type="hidden" name="segmentId" value={segment.id} />
      <label className="visually-hidden" htmlFor={`line-${segment.id}`}>
        Line at {at}
      </label>
    </>
  );

  // Without JavaScript: every line is its own small form.
  if (!hydrated) {
    return (
      <li className="tx-line" data-index={index}>
        <span className="tx-time">{at}</span>
        {segment.speaker ? <span className="tx-speaker">{segment.speaker}</span> : null}
        {canWrite ? (
          <Form method="post" className="tx-line-form">
            {fields}
            <textarea
              id={`line-${segment.id}`}
              name="text"
              defaultValue={segment.text}
              rows={rowsFor(segment.text)}
              maxLength={5000}
            />
            <button type="submit" className="button button-secondary button-small">
              Save<span className="visually-hidden"> line at {at}</span>
            </button>
          </Form>
        ) : (
          <span className="tx-text">{segment.text}</span>
        )}
      </li>
    );
  }

  const save = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Escape") onClose();
    if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) fetcher.submit(event.currentTarget.form);
  };
  return (
    <li
      className={current ? "tx-line is-current" : "tx-line"}
      data-index={index}
      aria-current={current ? "time" : undefined}
    >
      <button type="button" className="tx-time" onClick={() => onSeek(segment.startMs)}>
        {at}
        <span className="visually-hidden"> — play from here</span>
      </button>
      {segment.speaker ? <span className="tx-speaker">{segment.speaker}</span> : null}
      {editing ? (
        <fetcher.Form method="post" className="tx-line-form">
          {fields}
          <textarea
            id={`line-${segment.id}`}
            name="text"
            defaultValue={segment.text}
            rows={rowsFor(segment.text)}
            maxLength={5000}
            autoFocus
            onKeyDown={save}
            aria-invalid={errors ? true : undefined}
            aria-describedby={errors ? `line-${segment.id}-error` : `line-${segment.id}-hint`}
          />
          {errors ? (
            <p id={`line-${segment.id}-error`} className="field-error">
              {errors.fieldErrors.text?.join(" ") ?? errors.formError}
            </p>
          ) : (
            <p id={`line-${segment.id}-hint`} className="field-hint">
              The timing stays as transcribed. Ctrl+Enter saves, Esc cancels.
            </p>
          )}
          <div className="actions">
            <button type="submit" className="button button-small" aria-disabled={saving || undefined}>
              {saving ? "Saving…" : "Save"}
            </button>
            <button type="button" className="button button-secondary button-small" onClick={onClose}>
              Cancel
            </button>
          </div>
        </fetcher.Form>
      ) : (
        <>
          <button type="button" className="tx-text" onClick={() => onSeek(segment.startMs)}>
            {shown}
          </button>
          {canWrite ? (
            <button type="button" className="tx-edit" onClick={onEdit}>
              Edit<span className="visually-hidden"> line at {at}</span>
            </button>
          ) : null}
        </>
      )}
    </li>
  );
}

/**
 * Machine text is private until approved (ADR 020): says where the transcript and chapters can be seen and lets a
 * writer publish or withdraw each, or let the show publish them without review.
 */
function PublicationCard({
  transcript,
  canWrite,
  result,
}: {
  transcript: Transcript;
  canWrite: boolean;
  result: unknown;
}) {
  const auto = transcript.show?.autoPublishTranscripts ?? false;
  const hasChapters = (transcript.chapters?.length ?? 0) > 0;
  const parts = [
    { part: "transcript", label: "Transcript", publishedAt: transcript.transcriptPublishedAt, available: true },
    { part: "chapters", label: "Chapters", publishedAt: transcript.chaptersPublishedAt, available: hasChapters },
  ] as const;
  return (
    <section className="card tx-card" aria-labelledby="publication-heading">
      <h2 id="publication-heading">Publication</h2>
      <ErrorSummary errors={errorsOf(result, ["publication", "auto-publish"])} />
      {!transcript.episode ? (
        <p className="muted tx-small">
          No episode uses this audio, so nothing is public. Once an episode publishes it, its transcript and chapters
          appear on the episode page and in the feed after you approve them here.
        </p>
      ) : (
        <p className="muted tx-small">
          Public on the page and feed of “{transcript.episode.title}”
          {transcript.episode.status === "published" ? "" : " once the episode is published"}, after approval. Chapters
          are shown together with an approved transcript.
        </p>
      )}
      <ul className="tx-publication">
        {parts.map(({ part, label, publishedAt, available }) => {
          const isPublic = auto || publishedAt !== null;
          return (
            <li key={part}>
              <span className={`badge ${isPublic ? "badge-success" : "badge-warning"}`}>
                {label}: {isPublic ? "approved" : available ? "private, awaiting review" : "none yet"}
              </span>
              {canWrite && !auto && available ? (
                <Form method="post">
                  <input type="hidden" name="part" value={part} />
                  <input type="hidden" name="published" value={publishedAt === null ? "true" : "false"} />
                  <SubmitButton
                    intent="publication"
                    className="button button-secondary button-small"
                    pendingLabel="Saving…"
                  >
                    {publishedAt === null
                      ? `Approve and publish ${label.toLowerCase()}`
                      : `Make ${label.toLowerCase()} private`}
                  </SubmitButton>
                </Form>
              ) : null}
            </li>
          );
        })}
      </ul>
      {transcript.show ? (
        canWrite ? (
          <Form method="post" className="stack">
            <input type="hidden" name="showId" value={transcript.show.id} />
            <input type="hidden" name="enabled" value={auto ? "false" : "true"} />
            <p className="muted tx-small">
              {auto
                ? `“${transcript.show.title}” publishes machine transcripts and chapters without review.`
                : `Every machine transcript and chapter list of “${transcript.show.title}” waits for approval.`}
            </p>
            <SubmitButton intent="auto-publish" className="button button-secondary button-small" pendingLabel="Saving…">
              {auto ? "Review each one before publishing" : "Publish this show’s transcripts without review"}
            </SubmitButton>
          </Form>
        ) : auto ? (
          <p className="muted tx-small">This show publishes machine transcripts and chapters without review.</p>
        ) : null
      ) : null}
    </section>
  );
}

function LanguageCard({
  transcript,
  canWrite,
  result,
}: {
  transcript: Transcript;
  canWrite: boolean;
  result: unknown;
}) {
  const current =
    transcript.language && Object.hasOwn(TRANSCRIPT_LANGUAGES, transcript.language) ? transcript.language : "";
  return (
    <section className="card tx-card" aria-labelledby="language-heading">
      <h2 id="language-heading">Language</h2>
      {canWrite ? (
        <Form method="post" className="stack">
          <ErrorSummary errors={errorsOf(result, ["save-language", "retranscribe"])} />
          <input type="hidden" name="mediaId" value={transcript.mediaId} />
          <div className="field">
            <label htmlFor="language">Spoken language</label>
            <p className="field-hint" id="language-hint">
              Detected: {languageName(transcript.language)}. Correct it here, or transcribe again with it as a hint.
            </p>
            <select id="language" name="language" defaultValue={current} aria-describedby="language-hint">
              <option value="">Detect automatically</option>
              {Object.entries(TRANSCRIPT_LANGUAGES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <SubmitButton intent="save-language" className="button button-secondary" pendingLabel="Saving…">
              Save language
            </SubmitButton>
            <SubmitButton intent="retranscribe" className="button button-secondary" pendingLabel="Queuing…">
              Transcribe again
            </SubmitButton>
          </div>
          <p className="muted tx-small">Transcribing again replaces the text, including your edits, and the summary.</p>
        </Form>
      ) : (
        <p>{languageName(transcript.language)}</p>
      )}
    </section>
  );
}

function SummaryCard({
  transcript,
  canWrite,
  result,
  hydrated,
  onSeek,
}: {
  transcript: Transcript;
  canWrite: boolean;
  result: unknown;
  hydrated: boolean;
  onSeek: (ms: number) => void;
}) {
  const hasSummary = Boolean(transcript.summary);
  const generateLabel = transcript.summaryMode === "llm" ? "Generate with AI" : "Generate automatic summary";
  return (
    <section className="card tx-card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary, show notes and chapters</h2>
      {hasSummary ? (
        <p className={transcript.summaryKind === "llm" ? "tx-kind tx-kind-llm" : "tx-kind tx-kind-extractive"}>
          {transcript.summaryKind === "llm"
            ? "Written by an AI model — check it before publishing."
            : "Automatic summary (extractive, no AI provider configured)"}
        </p>
      ) : null}
      <ErrorSummary errors={errorsOf(result, "summarize")} />
      {hasSummary ? (
        <>
          <h3>Summary</h3>
          <p className="tx-prose">{transcript.summary}</p>
          <h3>Show notes</h3>
          <p className="tx-prose">{transcript.showNotes}</p>
          {transcript.chapters?.length ? (
            <>
              <h3>Chapters</h3>
              <ol className="tx-chapters">
                {transcript.chapters.map((chapter) => (
                  <li key={chapter.startMs}>
                    {hydrated ? (
                      <button type="button" className="tx-time" onClick={() => onSeek(chapter.startMs)}>
                        {formatTimestamp(chapter.startMs)}
                        <span className="visually-hidden"> — play from here</span>
                      </button>
                    ) : (
                      <span className="tx-time">{formatTimestamp(chapter.startMs)}</span>
                    )}
                    <span>{chapter.title}</span>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </>
      ) : (
        <p className="muted">No summary yet.</p>
      )}
      {canWrite ? (
        <Form method="post" className="tx-generate">
          <SubmitButton
            intent="summarize"
            className={hasSummary ? "button button-secondary" : "button"}
            pendingLabel={transcript.summaryMode === "llm" ? "Writing…" : "Making…"}
          >
            {hasSummary ? "Generate again" : generateLabel}
          </SubmitButton>
        </Form>
      ) : null}
      {transcript.summaryMode === "extractive" ? (
        <p className="muted tx-small">
          No AI writing service is set up, so the summary is made of the transcript’s most representative sentences and
          the chapters are even time splits named by their keywords. Whoever runs your Greenroom can turn on written
          summaries.
        </p>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
