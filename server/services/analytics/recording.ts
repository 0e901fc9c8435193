import * as z from "zod";
import type { DbOrTx } from "../../../db/client";
import { enqueueJobs, type QueueProducer } from "../platform/jobs";
import { daySalt, importSalt, listenerKey, utcDay } from "./listener";

export const RECORD_REQUESTS_JOB = "record-enclosure-requests";

/** One enclosure request as the edge saw it; the queue consumer resolves the show and workspace. */
export const ZEnclosureRequest = z.object({
  id: z.uuid(),
  episodeId: z.uuid(),
  requestedAt: z.iso.datetime(),
  listenerKey: z.string().min(1).max(64),
  method: z.string().max(10),
  status: z.number().int().min(100).max(599),
  rangeHeader: z.string().max(100).nullable(),
  rangeStart: z.number().int().min(0).nullable(),
  bytesSent: z.number().int().min(0),
  userAgent: z.string().max(512),
  country: z.string().max(8).nullable(),
  referrer: z.string().max(200).nullable(),
  /** The ad arrangement served (docs/decisions/024); absent in messages sent before insertion existed. */
  arrangementId: z.string().max(64).nullable().default(null),
});
export type EnclosureRequest = z.infer<typeof ZEnclosureRequest>;
export const ZRecordRequestsPayload = z.object({ requests: z.array(ZEnclosureRequest).min(1).max(100) });

/** Records per queue message (~1 KiB each at most, well under the 128 KB message limit). */
export const RECORDS_PER_MESSAGE = 50;
/** How long an isolate gathers requests before sending them: one send per second per isolate at most. */
export const FLUSH_AFTER_MS = 1000;

interface Pending {
  record: Omit<EnclosureRequest, "listenerKey">;
  ip: string;
  day: string;
}

/** Parses `bytes a-b/size` (206) to its first byte; a 200 with a body starts at 0; anything else served none. */
function servedStart(response: Response): number | null {
  if (response.status === 200) return 0;
  if (response.status !== 206) return null;
  const match = /^bytes (\d+)-\d+\/\d+$/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : null;
}

function referrerOrigin(referer: string | null): string | null {
  if (!referer) return null;
  try {
    const origin = new URL(referer).origin;
    return origin === "null" ? null : origin.slice(0, 200);
  } catch {
    return null;
  }
}

/**
 * Gathers enclosure requests per isolate and sends them to the analytics queue in batches, all inside
 * `waitUntil`: the download never waits for, or fails because of, analytics. The address is hashed with the
 * day's salt here, so no IP ever leaves the Worker's memory. Salts are cached per isolate by day.
 */
export class EnclosureRecorder {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private salts = new Map<string, CryptoKey>();

  constructor(
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Locally and in tests there is one listener at a time: send at once rather than hold each request 1 s. */
    private readonly flushAfterMs = FLUSH_AFTER_MS,
  ) {}

  /** Notes the request; returns at once. `waitUntil` keeps the isolate alive until the batch is sent. */
  record(opts: {
    request: Request;
    response: Response;
    episodeId: string;
    /** The ad arrangement the response served, if any. */
    arrangementId?: string | null;
    now: Date;
    db: DbOrTx;
    queue: QueueProducer;
    waitUntil: (work: Promise<unknown>) => void;
  }) {
    const { request, response } = opts;
    const start = request.method === "GET" ? servedStart(response) : null;
    const cf = (request as { cf?: { country?: unknown } }).cf;
    this.pending.push({
      ip: request.headers.get("cf-connecting-ip") ?? "",
      day: utcDay(opts.now),
      record: {
        id: crypto.randomUUID(),
        episodeId: opts.episodeId,
        requestedAt: opts.now.toISOString(),
        method: request.method,
        status: response.status,
        rangeHeader: request.headers.get("range")?.slice(0, 100) ?? null,
        rangeStart: start,
        bytesSent: start === null ? 0 : Number(response.headers.get("content-length") ?? 0),
        userAgent: (request.headers.get("user-agent") ?? "").slice(0, 512),
        country: typeof cf?.country === "string" ? cf.country.slice(0, 8) : null,
        referrer: referrerOrigin(request.headers.get("referer")),
        arrangementId: opts.arrangementId ?? null,
      },
    });
    const flush = () => this.flush({ db: opts.db, queue: opts.queue });
    if (this.pending.length >= RECORDS_PER_MESSAGE) {
      opts.waitUntil(flush());
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      opts.waitUntil(this.sleep(this.flushAfterMs).then(flush));
    }
  }

  /** Sends everything pending. Never throws: a failure is logged and those requests are lost, the download is not. */
  async flush(opts: { db: DbOrTx; queue: QueueProducer }) {
    const batch = this.pending.splice(0);
    this.flushScheduled = false;
    if (batch.length === 0) return;
    try {
      const records: EnclosureRequest[] = [];
      for (const item of batch) {
        const salt = await this.saltOf(opts.db, item.day);
        records.push({
          ...item.record,
          listenerKey: await listenerKey({ salt, ip: item.ip, userAgent: item.record.userAgent }),
        });
      }
      const payloads = [];
      for (let i = 0; i < records.length; i += RECORDS_PER_MESSAGE)
        payloads.push({ requests: records.slice(i, i + RECORDS_PER_MESSAGE) });
      await enqueueJobs(opts.queue, RECORD_REQUESTS_JOB, payloads);
    } catch (error) {
      console.error(
        JSON.stringify({
          event: "analytics.record_failed",
          requests: batch.length,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }

  private async saltOf(db: DbOrTx, day: string) {
    const cached = this.salts.get(day);
    if (cached) return cached;
    const key = await importSalt(await daySalt({ db, day }));
    this.salts.clear();
    this.salts.set(day, key);
    return key;
  }
}
