import { TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import {
  ACCEPTED_FORMATS_SENTENCE,
  contentTypeForFile,
  formatBytes,
  MAX_UPLOAD_BYTES,
  partLength,
  partRange,
} from "../../server/services/media/rules";
import type { AppRouter } from "../../server/trpc/router";
import { trpc } from "./trpc.client";
import { ownValue } from "../../server/lib/records";

type MediaOutputs = inferRouterOutputs<AppRouter>["media"];
export type UploadSession = MediaOutputs["getUpload"];
export type UploadedItem = MediaOutputs["completeUpload"];

/** Parts in flight at once: enough to keep a connection busy, few enough to keep memory and retries small. */
const CONCURRENT_PARTS = 3;
/** A failed part is retried three times, waiting longer each time. */
const RETRY_DELAYS_MS = [1_000, 3_000, 9_000];

export type UploadPhase = "preparing" | "uploading" | "retrying" | "offline" | "verifying";

export interface UploadCallbacks {
  onProgress(sentBytes: number, totalBytes: number): void;
  onPhase(phase: UploadPhase, detail?: string): void;
  /** The server's id for the file, as soon as it has one (so a cancel can remove it). */
  onMediaId(mediaId: string): void;
}

/** Why an upload stopped, in words for the person; `resumable` when choosing the file again would continue it. */
export class UploadFailure extends Error {
  constructor(
    message: string,
    readonly resumable: boolean,
  ) {
    super(message);
    this.name = "UploadFailure";
  }
}

// ----------------------------------------------------------------------------------------- Resume memory

/** The same file chosen again after a reload is recognised by name, size and modification time. */
const fingerprint = (file: File) => `${file.name}|${file.size}|${file.lastModified}`;
const storageKey = (workspaceId: string) => `greenroom:uploads:${workspaceId}`;

function readMemory(workspaceId: string): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(storageKey(workspaceId)) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}

function writeMemory(workspaceId: string, update: (memory: Record<string, string>) => void) {
  try {
    const memory = readMemory(workspaceId);
    update(memory);
    localStorage.setItem(storageKey(workspaceId), JSON.stringify(memory));
  } catch {
    // Private browsing or a full quota: uploads still work, they just cannot resume after a reload.
  }
}

export const forgetUpload = (workspaceId: string, file: File) =>
  writeMemory(workspaceId, (memory) => void delete memory[fingerprint(file)]);

// ----------------------------------------------------------------------------------------- Checks

/** The type to declare, or a failure naming what is wrong before anything is sent. */
export function checkFile(file: File) {
  const contentType = contentTypeForFile(file.name, file.type);
  if (!contentType)
    throw new UploadFailure(
      `“${file.name}” is not a file type Greenroom stores. Upload ${ACCEPTED_FORMATS_SENTENCE}.`,
      false,
    );
  if (file.size === 0) throw new UploadFailure(`“${file.name}” is empty.`, false);
  if (file.size > MAX_UPLOAD_BYTES) {
    throw new UploadFailure(
      `“${file.name}” is ${formatBytes(file.size)}; files can be at most ${formatBytes(MAX_UPLOAD_BYTES)}. Compress it or split it into parts.`,
      false,
    );
  }
  return contentType;
}

// ----------------------------------------------------------------------------------------- Transport

interface PutResult {
  status: number;
  message: string;
}

/** The request never got an answer; its message completes "Part 3 failed (…)". */
class NetworkError extends Error {}

/** The message of our JSON error body; empty for anything else (a proxy's HTML error page, say). */
function errorMessageOf(body: string) {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? "";
  } catch {
    return "";
  }
}

/** One PUT with upload progress (fetch cannot report it); rejects with NetworkError when the connection fails. */
function putBlob(
  url: string,
  body: Blob,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    // A part that has not arrived in 10 minutes (under 14 KB/s) is treated as a dropped connection and retried.
    xhr.timeout = 10 * 60_000;
    xhr.onload = () => resolve({ status: xhr.status, message: errorMessageOf(xhr.responseText) });
    xhr.onerror = () => reject(new NetworkError("the connection failed"));
    xhr.ontimeout = () => reject(new NetworkError("the connection timed out"));
    xhr.onabort = () => reject(new DOMException("Upload cancelled.", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

function wait(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => (clearTimeout(timer), reject(new DOMException("Upload cancelled.", "AbortError"))),
      { once: true },
    );
  });
}

/** Resolves when the browser is online again (at once if it is). */
function online(signal: AbortSignal) {
  if (navigator.onLine) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    window.addEventListener("online", () => resolve(), { once: true });
    signal.addEventListener("abort", () => reject(new DOMException("Upload cancelled.", "AbortError")), { once: true });
  });
}

const isNotFound = (error: unknown) =>
  error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "NOT_FOUND";

// ----------------------------------------------------------------------------------------- The upload

/**
 * Uploads a file through the Worker: registers it (or finds the unfinished upload of the same file), sends
 * the parts the server does not have yet, retrying each failed part with backoff and waiting out offline
 * spells, then asks the server to check and finish it.
 */
export async function uploadFile(
  opts: { workspaceId: string; file: File; signal: AbortSignal } & UploadCallbacks,
): Promise<UploadedItem> {
  const { workspaceId, file } = opts;
  const contentType = checkFile(file);
  opts.onPhase("preparing");

  let session = await resumableSession(workspaceId, file);
  if (session?.status === "ready" || session?.status === "rejected") {
    forgetUpload(workspaceId, file);
    if (session.status === "ready") return trpc.media.completeUpload.mutate({ workspaceId, mediaId: session.mediaId });
    session = null;
  }
  if (!session) {
    session = await trpc.media.createUpload.mutate({ workspaceId, filename: file.name, contentType, size: file.size });
    const mediaId = session.mediaId;
    writeMemory(workspaceId, (memory) => void (memory[fingerprint(file)] = mediaId));
  }
  if (opts.signal.aborted) {
    // Cancelled while the upload was being registered: nothing may be left behind.
    await cancelUpload(workspaceId, session.mediaId, file);
    throw new DOMException("Upload cancelled.", "AbortError");
  }
  opts.onMediaId(session.mediaId);

  if (session.status === "uploading") await sendMissingParts(opts, session);

  opts.onPhase("verifying");
  const item = await trpc.media.completeUpload.mutate({ workspaceId, mediaId: session.mediaId });
  forgetUpload(workspaceId, file);
  return item;
}

async function resumableSession(workspaceId: string, file: File): Promise<UploadSession | null> {
  const mediaId = ownValue(readMemory(workspaceId), fingerprint(file));
  if (!mediaId) return null;
  try {
    return await trpc.media.getUpload.query({ workspaceId, mediaId });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    forgetUpload(workspaceId, file);
    return null;
  }
}

async function sendMissingParts(
  opts: { workspaceId: string; file: File; signal: AbortSignal } & UploadCallbacks,
  first: UploadSession,
) {
  let session = first;
  const { size, partSize, partCount } = session;
  const stop = new AbortController();
  opts.signal.addEventListener("abort", () => stop.abort(), { once: true });
  const signal = stop.signal;
  const stored = new Set(session.uploadedParts);
  const pending = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !stored.has(n));
  let done = [...stored].reduce((sum, n) => sum + partLength(size, partSize, n), 0);
  const inFlight = new Map<number, number>();
  const report = () => opts.onProgress(done + [...inFlight.values()].reduce((a, b) => a + b, 0), size);
  report();
  opts.onPhase("uploading");

  /** A token expires after a day; a long or resumed upload fetches a fresh one and carries on. */
  let refreshing: Promise<UploadSession> | null = null;
  const refreshToken = async () => {
    refreshing ??= trpc.media.getUpload
      .query({ workspaceId: opts.workspaceId, mediaId: session.mediaId })
      .finally(() => (refreshing = null));
    session = await refreshing;
  };

  const sendPart = async (partNumber: number) => {
    const { start, end } = partRange(size, partSize, partNumber);
    const blob = opts.file.slice(start, end);
    let retries = 0;
    let refreshed = false;
    for (;;) {
      signal.throwIfAborted();
      await online(signal);
      const address = session.multipart
        ? `/api/uploads/${session.mediaId}/parts/${partNumber}`
        : `/api/uploads/${session.mediaId}`;
      let failure: string;
      try {
        const result = await putBlob(
          `${address}?token=${encodeURIComponent(session.token ?? "")}`,
          blob,
          (loaded) => (inFlight.set(partNumber, loaded), report()),
          signal,
        );
        if (result.status === 200) {
          inFlight.delete(partNumber);
          done += end - start;
          report();
          return;
        }
        if (result.status === 403 && !refreshed && /expired/.test(result.message)) {
          refreshed = true;
          await refreshToken();
          continue;
        }
        // Other refusals (a bad token, a finished upload, a wrong size) will not change by sending again.
        if (result.status < 500 && result.status !== 408 && result.status !== 429) {
          throw new UploadFailure(
            result.message || `The server refused part ${partNumber} (HTTP ${result.status}).`,
            false,
          );
        }
        failure = result.message || `the server answered HTTP ${result.status}`;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        failure = error.message;
      }
      inFlight.delete(partNumber);
      report();
      // Offline spells are waited out without using up retries: the part goes again once the browser is back.
      if (!navigator.onLine) {
        opts.onPhase("offline");
        await online(signal);
        opts.onPhase("uploading");
        continue;
      }
      if (retries === RETRY_DELAYS_MS.length) {
        throw new UploadFailure(
          `Part ${partNumber} of ${partCount} could not be sent (${failure}). Finished parts are kept: choose the file again to resume.`,
          true,
        );
      }
      const delay = RETRY_DELAYS_MS[retries++];
      opts.onPhase(
        "retrying",
        `Part ${partNumber} failed (${failure}). Retry ${retries} of ${RETRY_DELAYS_MS.length} in ${delay / 1000} s…`,
      );
      await wait(delay, signal);
      opts.onPhase("uploading");
    }
  };

  const queue = [...pending];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await sendPart(next);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_PARTS, queue.length) }, worker));
  } finally {
    // One part failing for good stops the others; what they finished stays stored for the resume.
    stop.abort();
  }
}

/** Cancels an unfinished upload on the server, so its stored parts do not linger. */
export async function cancelUpload(workspaceId: string, mediaId: string, file: File) {
  forgetUpload(workspaceId, file);
  // If this fails (offline), the file stays listed as unfinished in the library, where it can be deleted.
  await trpc.media.abortUpload.mutate({ workspaceId, mediaId }).catch(() => undefined);
}
