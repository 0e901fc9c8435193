import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from "react";
import { ACCEPT_ATTRIBUTE, formatBytes } from "../../server/services/media/rules";
import {
  cancelUpload,
  checkFile,
  UploadFailure,
  uploadFile,
  type UploadedItem,
  type UploadPhase,
} from "../lib/uploads";
import { ownValue } from "../../server/lib/records";

type ItemPhase = UploadPhase | "ready" | "rejected" | "failed" | "cancelled";

interface UploadItem {
  key: string;
  file: File;
  phase: ItemPhase;
  sent: number;
  /** Announced to screen readers when it changes; progress percentages are not, to avoid a flood. */
  status: string;
  mediaId?: string;
  resumable?: boolean;
  controller?: AbortController;
}

const ACTIVE: ReadonlySet<ItemPhase> = new Set(["preparing", "uploading", "retrying", "offline", "verifying"]);

const TRANSCRIPTION_NOTE: Record<string, string> = {
  waiting_for_provider: " Transcription is waiting for a provider to be configured.",
  queued: " Transcription is queued.",
  transcribing: " Transcription has started.",
};

function readyStatus(item: UploadedItem) {
  if (item.status === "rejected") return `Rejected: ${item.rejectionReason ?? "the file did not pass the checks."}`;
  return `Ready.${item.transcription ? (ownValue(TRANSCRIPTION_NOTE, item.transcription.status) ?? "") : ""}`;
}

const PHASE_STATUS: Record<UploadPhase, string> = {
  preparing: "Preparing…",
  uploading: "Uploading…",
  retrying: "Retrying…",
  offline: "You are offline. The upload continues when the connection is back.",
  verifying: "Checking the file…",
};

/**
 * Drag-and-drop and a file picker, an in-browser recorder, and one row per file with a real progress bar.
 * Uploads go straight to the Worker in parts (app/lib/uploads.ts); choosing a file again resumes it.
 */
export function Uploader({
  workspaceId,
  onUploaded,
  onActiveMediaIds,
}: {
  workspaceId: string;
  onUploaded: () => void;
  /** The media ids this tab is still sending or checking, so the library can say so instead of "unfinished". */
  onActiveMediaIds?: (ids: string[]) => void;
}) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [hydrated, setHydrated] = useState(false);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();
  useEffect(() => setHydrated(true), []);
  const activeIds = items
    .filter((item) => item.mediaId && ACTIVE.has(item.phase))
    .map((item) => item.mediaId!)
    .join(" ");
  useEffect(() => onActiveMediaIds?.(activeIds ? activeIds.split(" ") : []), [activeIds, onActiveMediaIds]);

  const update = useCallback((key: string, change: Partial<UploadItem>) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const start = useCallback(
    (key: string, file: File) => {
      const controller = new AbortController();
      update(key, { phase: "preparing", status: PHASE_STATUS.preparing, controller, resumable: false });
      uploadFile({
        workspaceId,
        file,
        signal: controller.signal,
        onProgress: (sent) => update(key, { sent }),
        onPhase: (phase, detail) => update(key, { phase, status: detail ?? PHASE_STATUS[phase] }),
        onMediaId: (mediaId) => update(key, { mediaId }),
      }).then(
        (item) => {
          update(key, {
            phase: item.status === "rejected" ? "rejected" : "ready",
            sent: file.size,
            status: readyStatus(item),
            controller: undefined,
          });
          onUploaded();
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const message = error instanceof Error ? error.message : "The upload failed.";
          update(key, {
            phase: "failed",
            status: message,
            resumable: error instanceof UploadFailure ? error.resumable : true,
            controller: undefined,
          });
        },
      );
    },
    [workspaceId, update, onUploaded],
  );

  const add = useCallback(
    (files: File[]) => {
      const added = files.map((file) => ({
        key: crypto.randomUUID(),
        file,
        phase: "preparing" as ItemPhase,
        sent: 0,
        status: PHASE_STATUS.preparing,
      }));
      setItems((current) => [...added, ...current]);
      for (const item of added) {
        try {
          checkFile(item.file);
          start(item.key, item.file);
        } catch (error) {
          update(item.key, { phase: "failed", status: (error as Error).message, resumable: false });
        }
      }
    },
    [start, update],
  );

  const cancel = (item: UploadItem) => {
    item.controller?.abort();
    update(item.key, { phase: "cancelled", status: "Cancelled. Nothing was kept.", controller: undefined });
    if (item.mediaId) void cancelUpload(workspaceId, item.mediaId, item.file).then(onUploaded);
  };

  const busy = items.some((item) => ACTIVE.has(item.phase));
  // Leaving mid-upload pauses it; the browser asks first. Choosing the same files again resumes them.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) add([...event.dataTransfer.files]);
  };

  return (
    <div className="uploader">
      <div
        className={dragging ? "dropzone is-dragging" : "dropzone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-title">Drop audio, video or images here</p>
        <p className="dropzone-hint" id={hintId}>
          MP3, M4A, WAV, Ogg, FLAC, WebM, MP4, MOV, JPEG, PNG or WebP, up to 2 GB each. Interrupted uploads resume when
          you choose the same file again.
        </p>
        <div className="dropzone-actions">
          <button
            type="button"
            className="button"
            disabled={!hydrated}
            onClick={() => inputRef.current?.click()}
            aria-describedby={hintId}
          >
            Choose files
          </button>
          <Recorder disabled={!hydrated} onRecorded={(file) => add([file])} />
        </div>
        <noscript>
          <p className="field-error">Uploading and recording need JavaScript, which is turned off in this browser.</p>
        </noscript>
        <label htmlFor={inputId} className="visually-hidden">
          Files to upload
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          className="visually-hidden"
          tabIndex={-1}
          onChange={(event) => {
            add([...(event.currentTarget.files ?? [])]);
            event.currentTarget.value = "";
          }}
        />
      </div>

      {items.length > 0 ? (
        <section aria-label="Uploads" className="upload-list-section">
          <ul className="upload-list">
            {items.map((item) => (
              <UploadRow
                key={item.key}
                item={item}
                onCancel={() => cancel(item)}
                onResume={() => start(item.key, item.file)}
              />
            ))}
          </ul>
          {items.some((item) => !ACTIVE.has(item.phase)) ? (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setItems((current) => current.filter((item) => ACTIVE.has(item.phase)))}
            >
              Clear finished
            </button>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function UploadRow({ item, onCancel, onResume }: { item: UploadItem; onCancel: () => void; onResume: () => void }) {
  const labelId = useId();
  const total = item.file.size;
  const percent = total > 0 ? Math.floor((item.sent / total) * 100) : 0;
  const active = ACTIVE.has(item.phase);
  const tone =
    item.phase === "ready" ? "is-ready" : item.phase === "rejected" || item.phase === "failed" ? "is-failed" : "";
  // A file refused before anything was sent has no progress to show.
  const started = item.phase !== "failed" || item.mediaId !== undefined;
  return (
    <li className={`upload-item ${tone}`}>
      <div className="upload-item-header">
        <span className="upload-name" id={labelId}>
          {item.file.name}
        </span>
        {started ? (
          <span className="upload-numbers">
            {percent}% · {formatBytes(item.sent)} of {formatBytes(total)}
          </span>
        ) : null}
      </div>
      {started ? (
        <progress
          className="upload-progress"
          max={total}
          value={item.sent}
          aria-labelledby={labelId}
          aria-valuetext={`${percent}%`}
        />
      ) : null}
      <div className="upload-item-footer">
        <p className="upload-status" role="status">
          {item.status}
        </p>
        {active && item.phase !== "verifying" ? (
          <button type="button" className="button button-secondary button-small" onClick={onCancel}>
            Cancel<span className="visually-hidden"> upload of {item.file.name}</span>
          </button>
        ) : null}
        {item.phase === "failed" && item.resumable ? (
          <button type="button" className="button button-small" onClick={onResume}>
            Resume<span className="visually-hidden"> upload of {item.file.name}</span>
          </button>
        ) : null}
      </div>
    </li>
  );
}

// ----------------------------------------------------------------------------------------- Recording

/** Formats the recorder produces, best first; the file name's extension follows the one chosen. */
const RECORDING_TYPES: Array<[string, string]> = [
  ["audio/webm;codecs=opus", "webm"],
  ["audio/webm", "webm"],
  ["audio/ogg;codecs=opus", "ogg"],
  ["audio/mp4", "m4a"],
];

interface Recording {
  recorder: MediaRecorder;
  stream: MediaStream;
  audio: AudioContext;
  frame: number;
  startedAt: number;
}

function microphoneError(error: unknown) {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError")
    return "Microphone access is blocked. Allow it in your browser's site settings, then try again.";
  if (name === "NotFoundError") return "No microphone was found. Connect one and try again.";
  if (name === "NotReadableError") return "The microphone is in use by another app. Close it and try again.";
  return "The recording could not start. Check your microphone and try again.";
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

/**
 * Records from the microphone with MediaRecorder, showing the input level (an AnalyserNode's RMS, as a
 * <meter>) and the elapsed time; the recording is handed over as a File and uploads like any other.
 */
function Recorder({ disabled, onRecorded }: { disabled: boolean; onRecorded: (file: File) => void }) {
  const [state, setState] = useState<"idle" | "starting" | "recording">("idle");
  const [level, setLevel] = useState(0);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recording = useRef<Recording | null>(null);
  const meterId = useId();

  const release = useCallback(() => {
    const current = recording.current;
    if (!current) return;
    cancelAnimationFrame(current.frame);
    current.stream.getTracks().forEach((track) => track.stop());
    void current.audio.close();
    recording.current = null;
  }, []);
  useEffect(() => release, [release]);

  const startRecording = async () => {
    setError(null);
    if (typeof MediaRecorder === "undefined" || !navigator.mediaDevices?.getUserMedia) {
      setError("This browser cannot record audio here. Record in another app and upload the file.");
      return;
    }
    setState("starting");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const [mimeType, extension] = RECORDING_TYPES.find(([type]) => MediaRecorder.isTypeSupported(type)) ?? [
        "",
        "webm",
      ];
      const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
      recorder.onstop = () => {
        const type = recorder.mimeType || mimeType || "audio/webm";
        const stamp = new Date().toISOString().slice(0, 19).replace("T", " ").replace(/:/g, "-");
        onRecorded(new File(chunks, `Recording ${stamp}.${extension}`, { type, lastModified: Date.now() }));
      };

      const audio = new AudioContext();
      const analyser = audio.createAnalyser();
      analyser.fftSize = 2048;
      audio.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const current: Recording = { recorder, stream, audio, frame: 0, startedAt: Date.now() };
      const tick = () => {
        analyser.getFloatTimeDomainData(samples);
        const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
        // -60 dBFS (silence) .. 0 dBFS (clipping) onto 0..1.
        setLevel(Math.max(0, Math.min(1, (20 * Math.log10(rms || 1e-6) + 60) / 60)));
        setElapsed(Math.floor((Date.now() - current.startedAt) / 1000));
        current.frame = requestAnimationFrame(tick);
      };
      recording.current = current;
      recorder.start(1000);
      tick();
      setState("recording");
    } catch (caught) {
      release();
      setState("idle");
      setError(microphoneError(caught));
    }
  };

  const stopRecording = () => {
    recording.current?.recorder.stop();
    release();
    setState("idle");
    setLevel(0);
    setElapsed(0);
  };

  return (
    <div className="recorder">
      {state === "recording" ? (
        <>
          <button type="button" className="button button-danger" onClick={stopRecording}>
            Stop and upload
          </button>
          <span className="recorder-live" role="status">
            <span className="recorder-dot" aria-hidden="true" />
            Recording {clock(elapsed)}
          </span>
          <label htmlFor={meterId} className="visually-hidden">
            Input level
          </label>
          <meter
            id={meterId}
            className="level-meter"
            min={0}
            max={1}
            low={0.3}
            high={0.9}
            optimum={0.6}
            value={level}
          />
        </>
      ) : (
        <button
          type="button"
          className="button button-secondary"
          disabled={disabled || state === "starting"}
          onClick={startRecording}
        >
          {state === "starting" ? "Starting…" : "Record audio"}
        </button>
      )}
      {error ? (
        <p className="field-error recorder-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
