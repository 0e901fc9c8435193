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

/** Parses `bytes a-b/size` (206) to its first byte; a 200 with a body starts at 0; anything else served none. */
function servedStart(response: Response): number | null {
  if (response.status === 200) return 0;
  if (response.status !== 206) return null;
  const match = /^bytes (\d+)-\d+\/\d+$/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : null;
}

function countryOf(request: Request): string | null {
  const cf = (request as { cf?: { country?: unknown } }).cf;
  return typeof cf?.country === "string" ? cf.country.slice(0, 8) : null;
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

/** A database for the salt: the request's own, or one opened only when the salt is not cached (edge-cache hits). */
export type SaltDb = DbOrTx | (() => { db: DbOrTx; close: () => Promise<void> });

/**
 * Gathers records per isolate and sends them to the analytics queue in batches, all inside `waitUntil`: the
 * response never waits for, or fails because of, analytics. The address is hashed with the day's salt here, so
 * no IP ever leaves the Worker's memory. Salts are cached per isolate by day.
 */
export class SaltedBatchRecorder<R extends { userAgent: string }> {
  private pending: { record: R; ip: string; day: string }[] = [];
  private flushScheduled = false;
  private salts = new Map<string, CryptoKey>();

  constructor(
    private readonly jobId: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Locally and in tests there is one listener at a time: send at once rather than hold each record 1 s. */
    private readonly flushAfterMs = FLUSH_AFTER_MS,
  ) {}

  /** Notes the record; returns at once. `waitUntil` keeps the isolate alive until the batch is sent. */
  protected add(opts: {
    record: R;
    ip: string;
    now: Date;
    db: SaltDb;
    queue: QueueProducer;
    waitUntil: (work: Promise<unknown>) => void;
  }) {
    this.pending.push({ record: opts.record, ip: opts.ip, day: utcDay(opts.now) });
    const flush = () => this.flush({ db: opts.db, queue: opts.queue });
    if (this.pending.length >= RECORDS_PER_MESSAGE) {
      opts.waitUntil(flush());
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      opts.waitUntil(this.sleep(this.flushAfterMs).then(flush));
    }
  }

  /** Sends everything pending. Never throws: a failure is logged and those records are lost, the response is not. */
  async flush(opts: { db: SaltDb; queue: QueueProducer }) {
    const batch = this.pending.splice(0);
    this.flushScheduled = false;
    if (batch.length === 0) return;
    try {
      const records: (R & { listenerKey: string })[] = [];
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
      await enqueueJobs(opts.queue, this.jobId, payloads);
    } catch (error) {
      console.error(
        JSON.stringify({
          event: "analytics.record_failed",
          job: this.jobId,
          requests: batch.length,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }

  private async saltOf(db: SaltDb, day: string) {
    const cached = this.salts.get(day);
    if (cached) return cached;
    let secret: string;
    if (typeof db === "function") {
      const handle = db();
      try {
        secret = await daySalt({ db: handle.db, day });
      } finally {
        await handle.close();
      }
    } else {
      secret = await daySalt({ db, day });
    }
    const key = await importSalt(secret);
    this.salts.clear();
    this.salts.set(day, key);
    return key;
  }
}

/** Enclosure requests (docs/decisions/019), one per response of the public media route but 404s. */
export class EnclosureRecorder extends SaltedBatchRecorder<Omit<EnclosureRequest, "listenerKey">> {
  constructor(sleep?: (ms: number) => Promise<void>, flushAfterMs?: number) {
    super(RECORD_REQUESTS_JOB, sleep, flushAfterMs);
  }

  record(opts: {
    request: Request;
    response: Response;
    episodeId: string;
    /** The ad arrangement the response served, if any. */
    arrangementId?: string | null;
    now: Date;
    db: SaltDb;
    queue: QueueProducer;
    waitUntil: (work: Promise<unknown>) => void;
  }) {
    const { request, response } = opts;
    const start = request.method === "GET" ? servedStart(response) : null;
    this.add({
      ...opts,
      ip: request.headers.get("cf-connecting-ip") ?? "",
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
        country: countryOf(request),
        referrer: referrerOrigin(request.headers.get("referer")),
        arrangementId: opts.arrangementId ?? null,
      },
    });
  }
}

export const RECORD_FEED_FETCHES_JOB = "record-feed-fetches";

/** One fetch of a public show feed as the edge saw it (docs/decisions/035); the consumer resolves the workspace. */
export const ZFeedFetch = z.object({
  id: z.uuid(),
  showId: z.uuid(),
  fetchedAt: z.iso.datetime(),
  listenerKey: z.string().min(1).max(64),
  method: z.string().max(10),
  status: z.number().int().min(100).max(599),
  userAgent: z.string().max(512),
  country: z.string().max(8).nullable(),
});
export type FeedFetch = z.infer<typeof ZFeedFetch>;
export const ZRecordFeedFetchesPayload = z.object({ requests: z.array(ZFeedFetch).min(1).max(100) });

/** Fetches of public show feeds, edge-cache hits and 304s included, for the subscriber estimate. */
export class FeedFetchRecorder extends SaltedBatchRecorder<Omit<FeedFetch, "listenerKey">> {
  constructor(sleep?: (ms: number) => Promise<void>, flushAfterMs?: number) {
    super(RECORD_FEED_FETCHES_JOB, sleep, flushAfterMs);
  }

  record(opts: {
    request: Request;
    response: Response;
    showId: string;
    now: Date;
    db: SaltDb;
    queue: QueueProducer;
    waitUntil: (work: Promise<unknown>) => void;
  }) {
    const { request } = opts;
    this.add({
      ...opts,
      ip: request.headers.get("cf-connecting-ip") ?? "",
      record: {
        id: crypto.randomUUID(),
        showId: opts.showId,
        fetchedAt: opts.now.toISOString(),
        method: request.method,
        status: opts.response.status,
        userAgent: (request.headers.get("user-agent") ?? "").slice(0, 512),
        country: countryOf(request),
      },
    });
  }
}
