import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { toBase64Url } from "../../server/lib/base64url";
import { importTicketPublicKey, verifyTicketCode } from "../../server/services/checkin/ticket-code";
import { requireUser } from "../lib/auth.server";
import { throwLoaderError } from "../lib/errors.server";
import { pageTitle } from "../lib/meta";
import { decodeQr, decodeQrFile } from "../lib/qr-decode.client";
import { trpc } from "../lib/trpc.client";
import "../styles/checkin.css";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data ? `Check-in: ${data.list.event.title}` : "Check-in") },
];

/**
 * The steward's door page (ADR 031). Outside the workspace layout on purpose: a steward has `checkin.scan` only,
 * and the layout reads what only `workspace.read` may. One statement after the session: the offline list.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    const list = await context.api.checkin.getOfflineList({ workspaceId, eventId: params.eventId ?? "" });
    // A reload without a network gets this page from the service worker's cache: the device keeps whichever list
    // is newer, this one or the one it refreshed and stored since.
    return { workspaceId, list, loadedAt: new Date().toISOString() };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

type OfflineList = ReturnType<typeof useLoaderData<typeof loader>>["list"];
type Ticket = OfflineList["tickets"][number];
interface Scan {
  nonce: string;
  ticketId: string;
  list: string;
  scannedAt: string;
  /** The code's version (a transfer raises it); scans queued before this field existed lack it. */
  secretVersion?: number;
}
interface Admission {
  checkInId: string | null;
  scannedAt: string;
  stewardName: string;
  deviceLabel: string;
}
interface Stored {
  list: OfflineList;
  loadedAt?: string;
  pending: Scan[];
}
type Result = { kind: "admitted" | "refused"; message: string } | null;

const keyOf = (ticketId: string, list: string) => `${ticketId}|${list}`;
const randomId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(18)));
const timeOf = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const who = (admission: Admission) =>
  `${admission.stewardName || "a steward"}${admission.deviceLabel ? ` (${admission.deviceLabel})` : ""}`;
const REFUSED_STATUS: Record<string, string> = {
  canceled: "This ticket was cancelled.",
  refunded: "This ticket was refunded.",
  transferred: "This ticket was transferred to someone else; their new code admits them.",
};

function admissionsOf(list: OfflineList, pending: Scan[], deviceLabel: string) {
  const map = new Map<string, Admission>();
  for (const row of list.checkIns) {
    map.set(keyOf(row.ticketId, row.list), {
      checkInId: row.id,
      scannedAt: String(row.scannedAt),
      stewardName: row.stewardName,
      deviceLabel: row.deviceLabel,
    });
  }
  for (const scan of pending) {
    map.set(keyOf(scan.ticketId, scan.list), {
      checkInId: null,
      scannedAt: scan.scannedAt,
      stewardName: "you",
      deviceLabel,
    });
  }
  return map;
}

/**
 * Registers the service worker that lets this page reload without a network (ADR 036), scoped to this page's path,
 * then hands it the page's address and the files it loaded, and resolves once they are cached.
 */
async function keepPageOffline() {
  if (!("serviceWorker" in navigator)) return false;
  await navigator.serviceWorker.register("/checkin-sw.js", { scope: location.pathname });
  const registration = await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (!worker) return false;
  const urls = [
    location.pathname,
    ...performance.getEntriesByType("resource").map((entry) => entry.name),
    ...[...document.querySelectorAll<HTMLLinkElement>("link[rel=modulepreload], link[rel=stylesheet]")].map(
      (link) => link.href,
    ),
  ];
  return new Promise<boolean>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<{ ok: boolean }>) => resolve(event.data.ok);
    worker.postMessage({ type: "cache-page", urls }, [channel.port2]);
  });
}

export default function CheckInPage() {
  const { workspaceId, list: loaded, loadedAt } = useLoaderData<typeof loader>();
  const eventId = loaded.event.id;
  const storageKey = `greenroom.checkin.${workspaceId}.${eventId}`;
  const [list, setList] = useState<OfflineList>(loaded);
  const [listLoadedAt, setListLoadedAt] = useState(loadedAt);
  const [offlineReady, setOfflineReady] = useState(false);
  const [pending, setPending] = useState<Scan[]>([]);
  const [admissions, setAdmissions] = useState<Map<string, Admission>>(() => admissionsOf(loaded, [], ""));
  const [checkInList, setCheckInList] = useState("main");
  const [deviceLabel, setDeviceLabel] = useState("");
  const [deviceId, setDeviceId] = useState("");
  const [online, setOnline] = useState(true);
  const [result, setResult] = useState<Result>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [query, setQuery] = useState("");
  const [camera, setCamera] = useState(false);
  const [syncing, setSyncing] = useState(false);
  const [publicKey, setPublicKey] = useState<CryptoKey | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pendingRef = useRef<Scan[]>([]);
  pendingRef.current = pending;

  // Restore this device's queue and settings, and store the freshly loaded list for use without a network.
  useEffect(() => {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? "null") as Stored | null;
    const queue = stored?.pending ?? [];
    const label = localStorage.getItem("greenroom.checkin.deviceLabel") ?? "";
    let id = localStorage.getItem("greenroom.checkin.deviceId");
    if (!id) {
      id = randomId();
      localStorage.setItem("greenroom.checkin.deviceId", id);
    }
    setDeviceId(id);
    setDeviceLabel(label);
    setCheckInList(localStorage.getItem(`${storageKey}.list`) ?? "main");
    setPending(queue);
    // A page served from the service worker's cache carries the list of its last online load; a refresh since then
    // stored a newer one.
    const newer = stored?.loadedAt && stored.loadedAt > loadedAt ? stored : null;
    const current = newer?.list ?? loaded;
    setList(current);
    setListLoadedAt(newer?.loadedAt ?? loadedAt);
    setAdmissions(admissionsOf(current, queue, label));
    setOnline(navigator.onLine);
    void importTicketPublicKey(loaded.publicKey).then(setPublicKey);
  }, [loaded, loadedAt, storageKey]);

  useEffect(() => {
    localStorage.setItem(storageKey, JSON.stringify({ list, loadedAt: listLoadedAt, pending } satisfies Stored));
  }, [storageKey, list, listLoadedAt, pending]);

  useEffect(() => {
    // Offline, the page can only have come from its service worker's cache if one controls it.
    if (!navigator.onLine) {
      setOfflineReady(Boolean(navigator.serviceWorker?.controller));
      return;
    }
    keepPageOffline()
      .then(setOfflineReady)
      // Without a service worker (private windows, old browsers) the stored list still works until a reload.
      .catch(() => setOfflineReady(false));
  }, []);

  const ticketsById = useMemo(() => new Map(list.tickets.map((ticket) => [ticket.id, ticket])), [list]);

  const sync = useCallback(async () => {
    const queue = pendingRef.current.slice(0, 200);
    if (queue.length === 0 || !navigator.onLine || !deviceId) return;
    setSyncing(true);
    try {
      const outcomes = await trpc.checkin.syncScans.mutate({
        workspaceId,
        eventId,
        deviceId,
        deviceLabel,
        scans: queue.map((scan) => ({
          ...scan,
          scannedAt: new Date(scan.scannedAt),
          secretVersion: scan.secretVersion ?? ticketsById.get(scan.ticketId)?.secretVersion ?? 1,
        })),
      });
      const answered = new Set(outcomes.map((outcome) => outcome.nonce));
      const news: string[] = [];
      setAdmissions((current) => {
        const next = new Map(current);
        for (const outcome of outcomes) {
          const scan = queue.find((entry) => entry.nonce === outcome.nonce);
          if (!scan) continue;
          const key = keyOf(scan.ticketId, scan.list);
          const holder = ticketsById.get(scan.ticketId)?.holderName ?? "A ticket";
          if (outcome.outcome === "refused" || outcome.outcome === "undone") {
            next.delete(key);
            if (outcome.outcome === "refused") news.push(`${holder}: ${outcome.reason}`);
            continue;
          }
          const admission = {
            checkInId: outcome.checkIn.id,
            scannedAt: String(
              outcome.checkIn.scannedAt instanceof Date
                ? outcome.checkIn.scannedAt.toISOString()
                : outcome.checkIn.scannedAt,
            ),
            stewardName: outcome.checkIn.stewardName,
            deviceLabel: outcome.checkIn.deviceLabel,
          };
          next.set(key, admission);
          if (outcome.outcome === "already_checked_in") {
            news.push(`${holder}: already checked in at ${timeOf(admission.scannedAt)} by ${who(admission)}.`);
          }
        }
        return next;
      });
      setPending((current) => current.filter((scan) => !answered.has(scan.nonce)));
      if (news.length > 0) setNotes((current) => [...news, ...current].slice(0, 20));
    } catch {
      // Offline again or the server is unreachable: the scans stay queued on this device.
    } finally {
      setSyncing(false);
    }
  }, [workspaceId, eventId, deviceId, deviceLabel, ticketsById]);

  // Connectivity: sync as soon as the network is back, and every 15 s poll the counts and other gates' admissions.
  useEffect(() => {
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    const timer = window.setInterval(() => {
      if (!navigator.onLine) return;
      void sync();
      trpc.checkin.getCounts
        .query({ workspaceId, eventId })
        .then((counts) =>
          setAdmissions((current) => {
            const next = new Map(current);
            for (const row of counts.recent) {
              const key = keyOf(row.ticketId, row.list);
              if (!next.has(key)) {
                next.set(key, {
                  checkInId: row.id,
                  scannedAt: new Date(row.scannedAt).toISOString(),
                  stewardName: row.stewardName,
                  deviceLabel: row.deviceLabel,
                });
              }
            }
            return next;
          }),
        )
        .catch(() => undefined);
    }, 15_000);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      window.clearInterval(timer);
    };
  }, [sync, workspaceId, eventId]);

  const admit = useCallback(
    (ticket: Ticket, secretVersion: number) => {
      if (ticket.status !== "valid") {
        setResult({ kind: "refused", message: `${ticket.holderName}: ${REFUSED_STATUS[ticket.status]}` });
        return;
      }
      const existing = admissions.get(keyOf(ticket.id, checkInList));
      if (existing) {
        setResult({
          kind: "refused",
          message: `${ticket.holderName}: already checked in at ${timeOf(existing.scannedAt)} by ${who(existing)}.`,
        });
        return;
      }
      const scan: Scan = {
        nonce: randomId(),
        ticketId: ticket.id,
        list: checkInList,
        scannedAt: new Date().toISOString(),
        secretVersion,
      };
      pendingRef.current = [...pendingRef.current, scan];
      setPending(pendingRef.current);
      setAdmissions((current) =>
        new Map(current).set(keyOf(ticket.id, checkInList), {
          checkInId: null,
          scannedAt: scan.scannedAt,
          stewardName: "you",
          deviceLabel,
        }),
      );
      setResult({ kind: "admitted", message: `Admitted: ${ticket.holderName} (${ticket.typeName}).` });
      void sync();
    },
    [admissions, checkInList, deviceLabel, sync],
  );

  const handleCode = useCallback(
    async (code: string | null) => {
      if (!code) {
        setResult({ kind: "refused", message: "No QR code found. Try again, closer and with more light." });
        return;
      }
      if (!publicKey) return;
      const verified = await verifyTicketCode({ publicKey, workspaceId, eventId, code });
      if (!verified) {
        setResult({ kind: "refused", message: "Not a ticket for this event: the code's signature does not match." });
        return;
      }
      const ticket = ticketsById.get(verified.ticketId);
      if (!ticket) {
        setResult({ kind: "refused", message: "A genuine ticket this device's list does not know: refresh the list." });
      } else if (ticket.secretVersion !== verified.secretVersion) {
        setResult({ kind: "refused", message: `${ticket.holderName}: this code was replaced by a newer one.` });
      } else admit(ticket, verified.secretVersion);
    },
    [publicKey, workspaceId, eventId, ticketsById, admit],
  );

  // The camera loop: a frame every 300 ms; the same code is not re-read for 3 s while it stays in view.
  useEffect(() => {
    if (!camera) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    let last = { code: "", at: 0 };
    const tick = async () => {
      if (stopped) return;
      const video = videoRef.current;
      if (video && canvasRef.current && video.readyState >= 2) {
        const code = await decodeQr(video, canvasRef.current);
        if (code && (code !== last.code || Date.now() - last.at > 3000)) {
          last = { code, at: Date.now() };
          await handleCode(code);
        }
      }
      window.setTimeout(() => void tick(), 300);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then((media) => {
        stream = media;
        if (videoRef.current) {
          videoRef.current.srcObject = media;
          void videoRef.current.play();
        }
        void tick();
      })
      .catch(() => {
        setCamera(false);
        setResult({ kind: "refused", message: "The camera is not available. Scan from a photo instead." });
      });
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [camera, handleCode]);

  const undo = async (ticketId: string) => {
    const key = keyOf(ticketId, checkInList);
    const admission = admissions.get(key);
    if (!admission) return;
    if (admission.checkInId === null) {
      // Not uploaded yet: forgetting the queued scan is the whole undo.
      setPending((current) => current.filter((scan) => !(scan.ticketId === ticketId && scan.list === checkInList)));
    } else {
      try {
        await trpc.checkin.undo.mutate({ workspaceId, eventId, checkInId: admission.checkInId, reason: "" });
      } catch {
        setResult({ kind: "refused", message: "Undo needs a connection; try again when online." });
        return;
      }
    }
    setAdmissions((current) => {
      const next = new Map(current);
      next.delete(key);
      return next;
    });
    setResult({
      kind: "refused",
      message: `Check-in of ${ticketsById.get(ticketId)?.holderName ?? "the ticket"} undone.`,
    });
  };

  const refresh = async () => {
    try {
      const fresh = await trpc.checkin.getOfflineList.query({ workspaceId, eventId });
      const asLoaded = JSON.parse(JSON.stringify(fresh)) as OfflineList;
      setList(asLoaded);
      setListLoadedAt(new Date().toISOString());
      setAdmissions(admissionsOf(asLoaded, pendingRef.current, deviceLabel));
    } catch {
      setResult({ kind: "refused", message: "Could not refresh the list; the stored one is still in use." });
    }
  };

  const validTickets = list.tickets.filter((ticket) => ticket.status === "valid").length;
  const checkedIn = [...admissions.keys()].filter((key) => key.endsWith(`|${checkInList}`)).length;
  const needle = query.trim().toLowerCase();
  const matches = needle
    ? list.tickets
        .filter((ticket) => `${ticket.holderName} ${ticket.holderEmail}`.toLowerCase().includes(needle))
        .slice(0, 25)
    : [];
  const recent = [...admissions.entries()]
    .filter(([key]) => key.endsWith(`|${checkInList}`))
    .sort(([, a], [, b]) => b.scannedAt.localeCompare(a.scannedAt))
    .slice(0, 10);

  return (
    <main id="main" className="checkin">
      <header>
        <h1>Check-in: {list.event.title}</h1>
        <p className="checkin-status" data-online={online} role="status">
          {online ? "Online" : "Offline"}
          {pending.length > 0
            ? ` · ${pending.length} scan${pending.length === 1 ? "" : "s"} waiting to upload`
            : " · All scans uploaded"}
          {syncing ? " · uploading…" : ""}
        </p>
      </header>

      <dl className="checkin-counts" aria-label="Counts">
        <div>
          <dt>Checked in ({checkInList})</dt>
          <dd data-testid="checked-in">{checkedIn}</dd>
        </div>
        <div>
          <dt>Valid tickets</dt>
          <dd>{validTickets}</dd>
        </div>
      </dl>

      <div
        className="checkin-result"
        data-kind={result?.kind ?? "none"}
        role={result?.kind === "refused" ? "alert" : "status"}
        aria-live="assertive"
        hidden={!result}
      >
        {result?.message}
      </div>

      <section aria-labelledby="scan-heading" className="stack">
        <h2 id="scan-heading">Scan</h2>
        <div className="checkin-controls">
          <button type="button" className="button" onClick={() => setCamera((on) => !on)} aria-pressed={camera}>
            {camera ? "Stop camera" : "Scan with camera"}
          </button>
          <label>
            Scan from a photo
            <input
              type="file"
              accept="image/*"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = "";
                if (file && canvasRef.current) {
                  void decodeQrFile(file, canvasRef.current)
                    .then(handleCode)
                    .catch(() => handleCode(null));
                }
              }}
            />
          </label>
        </div>
        {camera ? <video ref={videoRef} className="checkin-video" muted playsInline aria-label="Camera view" /> : null}
        <canvas ref={canvasRef} hidden />
      </section>

      <section aria-labelledby="search-heading" className="stack">
        <h2 id="search-heading">Find by name or email</h2>
        <label>
          Name or email
          <input type="search" value={query} onChange={(event) => setQuery(event.currentTarget.value)} />
        </label>
        {needle && matches.length === 0 ? <p>No ticket holder matches.</p> : null}
        <ul className="checkin-list">
          {matches.map((ticket) => {
            const admission = admissions.get(keyOf(ticket.id, checkInList));
            return (
              <li key={ticket.id}>
                <span>
                  <strong>{ticket.holderName}</strong> {ticket.holderEmail} · {ticket.typeName}
                  {ticket.status !== "valid" ? ` · ${REFUSED_STATUS[ticket.status]}` : ""}
                  {admission ? ` · checked in at ${timeOf(admission.scannedAt)} by ${who(admission)}` : ""}
                </span>
                {admission ? (
                  <button type="button" className="button button-secondary" onClick={() => void undo(ticket.id)}>
                    Undo check-in of {ticket.holderName}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button"
                    disabled={ticket.status !== "valid"}
                    onClick={() => admit(ticket, ticket.secretVersion)}
                  >
                    Check in {ticket.holderName}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="recent-heading" className="stack">
        <h2 id="recent-heading">Latest check-ins</h2>
        {notes.length > 0 ? (
          <ul aria-label="Upload results">
            {notes.map((note, index) => (
              <li key={`${index}-${note}`}>{note}</li>
            ))}
          </ul>
        ) : null}
        <ul className="checkin-list">
          {recent.map(([key, admission]) => {
            const ticketId = key.split("|")[0];
            const ticket = ticketsById.get(ticketId);
            return (
              <li key={key}>
                <span>
                  {ticket?.holderName ?? "Ticket"} at {timeOf(admission.scannedAt)} by {who(admission)}
                  {admission.checkInId ? "" : " (not uploaded yet)"}
                </span>
                <button type="button" className="button button-secondary" onClick={() => void undo(ticketId)}>
                  Undo check-in of {ticket?.holderName ?? "this ticket"}
                </button>
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="device-heading" className="stack">
        <h2 id="device-heading">This device</h2>
        <div className="checkin-controls">
          <label>
            Device name
            <input
              value={deviceLabel}
              maxLength={60}
              onChange={(event) => {
                setDeviceLabel(event.currentTarget.value);
                localStorage.setItem("greenroom.checkin.deviceLabel", event.currentTarget.value);
              }}
            />
          </label>
          <label>
            Check-in list
            <input
              value={checkInList}
              maxLength={40}
              pattern="[a-z0-9][a-z0-9-]*"
              list="checkin-lists"
              onChange={(event) => {
                const value = event.currentTarget.value.toLowerCase();
                setCheckInList(value);
                localStorage.setItem(`${storageKey}.list`, value);
              }}
            />
            <datalist id="checkin-lists">
              {list.lists.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </label>
          <button type="button" className="button button-secondary" onClick={() => void refresh()} disabled={!online}>
            Refresh the ticket list
          </button>
          <button type="button" className="button button-secondary" onClick={() => void sync()} disabled={!online}>
            Upload now
          </button>
        </div>
        <p className="field-hint">
          {list.tickets.length} tickets are stored on this device, so scanning keeps working without a network; scans
          upload when it is back.
          {offlineReady ? " This page also reopens without a network." : ""}
        </p>
      </section>
    </main>
  );
}
