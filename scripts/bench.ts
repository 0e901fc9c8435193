/**
 * `npm run bench`: starts the app on loopback (the same stack as `npm run dev`) and prints, per page, database
 * queries, connection setups, sequential waves and latency percentiles, for the HTTP read path (ADR 016) and the
 * previous per-request WebSocket pool side by side, with no added database latency and with an injected 50 ms
 * round trip on the database hop (the local proxy adds it; a new WebSocket costs three). Figures, not assertions:
 * tests/worker/round-trip-budgets.test.ts asserts the counts; this reports time.
 * Then uploads: throughput of a 200 MiB file through the multipart path, and upload-complete -> transcription job.
 * Then social publishing: how late Sandbox posts go out after their scheduled minute (cron + queue + consumer).
 * Then the edge cache: a 300-episode show's feed, requests/s from the cache and rendered; and start-up CPU.
 */
import { readFileSync } from "node:fs";
import { partRange, PART_SIZE } from "../server/services/media/rules";
import { wavSlice } from "../tests/support/audio";
import { pngFile } from "../tests/support/images";
import { fakeOpenAi, markedWav } from "../tests/support/transcripts";
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { createDb, RoundTripMeter } from "../db/client";
import { insertPublishedEpisode, insertShow } from "../tests/support/podcasts";
import { startApp, sleep, type RunningApp } from "./app-process";
import { measureStartupCpu } from "./startup-cpu";
import { benchInsertion } from "./bench-insertion";
import { benchRecording } from "./bench-recording";
import { CACHE_BYPASS_HEADER } from "../server/http/edge-cache";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
/** Iterations with the injected round trip, where each request takes hundreds of milliseconds. */
const RTT_ITERATIONS = Number(process.env.BENCH_RTT_ITERATIONS ?? 40);
const WARMUP = 5;
const DB_RTTS_MS = (process.env.BENCH_DB_RTT_MS ?? "0,50").split(",").map(Number);
/**
 * BENCH_PARTS picks the parts to run (comma-separated: pages, uploads, social, feed, startup, recording, insertion;
 * default all), so one part can be re-measured alone; BENCH_PAGES_ONLY=1 is the same as BENCH_PARTS=pages,startup.
 */
const PARTS = new Set(
  (
    process.env.BENCH_PARTS ??
    (process.env.BENCH_PAGES_ONLY ? "pages,startup" : "pages,uploads,social,feed,startup,recording,insertion")
  )
    .split(",")
    .map((part) => part.trim()),
);
const READ_PATHS = ["http", "websocket"] as const;

interface Sample {
  ms: number;
  queries: number;
  waves: number;
  setups: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(url: string, init: RequestInit): Promise<Sample> {
  const start = performance.now();
  const response = await fetch(url, { ...init, redirect: "manual" });
  await response.arrayBuffer();
  const ms = performance.now() - start;
  if (response.status >= 400) throw new Error(`${url} answered ${response.status}`);
  const header = (name: string) => Number(response.headers.get(`x-greenroom-db-${name}`) ?? NaN);
  return { ms, queries: header("queries"), waves: header("waves"), setups: header("setups") };
}

async function main() {
  // In-process, no app needed (scripts/bench-recording.ts).
  if (PARTS.has("recording")) await benchRecording();
  if (PARTS.has("insertion")) await benchInsertion();
  if ([...PARTS].every((part) => part === "recording" || part === "insertion")) return;
  // The transcription provider is a loopback server speaking OpenAI's protocol, so the queue consumer runs.
  const provider = fakeOpenAi({ apiKey: "sk-bench" });
  const providerUrl = await provider.start();
  try {
    for (const [index, rtt] of DB_RTTS_MS.entries()) {
      console.log(`\nStarting the app (PGlite + wrangler dev), database round trip +${rtt} ms…`);
      process.env.GREENROOM_DB_RTT_MS = String(rtt);
      const app = await startApp({
        vars: { TRANSCRIPTION_PROVIDERS: "openai", OPENAI_BASE_URL: providerUrl, OPENAI_API_KEY: "sk-bench" },
      });
      try {
        const session = await seed(app.baseUrl);
        if (PARTS.has("pages")) await benchPages(app.baseUrl, session, rtt);
        if (index === 0) {
          if (PARTS.has("uploads")) await benchUploads(app.baseUrl, session.cookie, session.workspaceId);
          if (PARTS.has("social")) await benchSocialPublishing(app.baseUrl, session.cookie, session.workspaceId);
          if (PARTS.has("feed")) await benchFeedEdgeCache(app, session.workspaceId);
        }
      } finally {
        await app.stop();
      }
    }
    if (PARTS.has("startup")) benchStartupCpu();
    console.log("\nLocal figures include PGlite (WASM, one serialised backend) and the local proxy; Neon differs.");
  } finally {
    await provider.stop();
  }
}

// ------------------------------------------------------------------------------------------------ Pages

interface Seeded {
  cookie: string;
  workspaceId: string;
  showId: string;
  episodeId: string;
  transcriptId: string | null;
}

/** An owner with a show, a published episode with audio, and (once the consumer has run) its transcript. */
async function seed(baseUrl: string): Promise<Seeded> {
  const email = `bench-${Date.now()}@example.test`;
  const signUp = await fetch(`${baseUrl}/api/trpc/auth.signUp`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ json: { name: "Bench Owner", email, password: "a long passphrase" } }),
  });
  if (!signUp.ok) throw new Error(`sign up failed: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .find((c) => c.startsWith("greenroom_session="))!
    .split(";")[0];
  const { workspaceId } = ((await signUp.json()) as { result: { data: { json: { workspaceId: string } } } }).result.data
    .json;
  const call = <T>(path: string, input: object, kind: "query" | "mutation" = "mutation") =>
    procedure<T>(baseUrl, cookie, path, { workspaceId, ...input }, kind).then((r) => r.data);

  const uploadFile = async (filename: string, contentType: string, file: Uint8Array) => {
    const session = await call<UploadSession>("media.createUpload", { filename, contentType, size: file.byteLength });
    await sendParts(baseUrl, session, file);
    await call("media.completeUpload", { mediaId: session.mediaId });
    return session;
  };
  const upload = await uploadFile("bench-episode.wav", "audio/wav", markedWav(2));
  // Episode audio must be MP3 or M4A (ADR 021); the WAV above is what the transcription part reads.
  const mp3 = new Uint8Array(readFileSync(new URL("../tests/fixtures/media/info.mp3", import.meta.url)));
  const episodeAudio = await uploadFile("bench-episode.mp3", "audio/mpeg", mp3);
  const show = await call<{ id: string }>("podcasts.createShow", {
    title: "Bench Show",
    category: "Technology",
    language: "en",
  });
  const episode = await call<{ id: string }>("podcasts.createEpisode", {
    showId: show.id,
    title: "Bench episode",
    audioMediaId: episodeAudio.mediaId,
  });
  await call("podcasts.updateEpisode", { episodeId: episode.id, status: "published" });
  let transcriptId: string | null = null;
  for (let i = 0; i < 60 && !transcriptId; i++) {
    const job = await call<{ transcriptId: string | null }>(
      "transcripts.getJobForMedia",
      { mediaId: upload.mediaId },
      "query",
    );
    transcriptId = job.transcriptId;
    if (!transcriptId) await sleep(500);
  }
  return { cookie, workspaceId, showId: show.id, episodeId: episode.id, transcriptId };
}

async function benchPages(baseUrl: string, s: Seeded, rtt: number) {
  const w = `/w/${s.workspaceId}`;
  const overviewInput = encodeURIComponent(JSON.stringify({ json: { workspaceId: s.workspaceId } }));
  const signedIn: [string, string][] = [
    ["dashboard", w],
    ["shows list", `${w}/shows`],
    ["show page", `${w}/shows/${s.showId}`],
    ["episode page", `${w}/episodes/${s.episodeId}`],
    ...(s.transcriptId ? [["transcript page", `${w}/transcripts/${s.transcriptId}`] as [string, string]] : []),
    ["billing", `${w}/billing`],
    ["media", `${w}/media`],
    ["posts", `${w}/social/posts`],
    ["tRPC getOverview", `/api/trpc/workspaces.getOverview?input=${overviewInput}`],
  ];
  const anonymous: [string, string][] = [
    ["public show", `/p/${s.showId}`],
    ["public episode", `/p/${s.showId}/${s.episodeId}`],
    ["RSS feed", `/feeds/${s.showId}.xml`],
    ["health", "/health"],
  ];
  const iterations = rtt > 0 ? RTT_ITERATIONS : ITERATIONS;
  console.log(
    `\nPages, database round trip +${rtt} ms: ${iterations} sequential requests each after ${WARMUP} warm-up, 1 client`,
  );
  console.log(
    "production round trips = waves + 3 x setups (a new WebSocket costs TCP, TLS and the upgrade before its query)\n",
  );
  console.log(
    `${"page".padEnd(18)} ${"path".padEnd(10)} ${"queries".padStart(7)} ${"setups".padStart(6)} ${"waves".padStart(5)} ${"prod RT".padStart(7)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
  );
  const cases = [
    ...signedIn.map(([name, path]) => ({ name, path, cookie: s.cookie })),
    ...anonymous.map(([name, path]) => ({ name, path, cookie: undefined })),
  ];
  for (const c of cases) {
    for (const readPath of READ_PATHS) {
      const headers: Record<string, string> = { "x-greenroom-db-read-path": readPath };
      if (c.cookie) headers.cookie = c.cookie;
      const url = `${baseUrl}${c.path}`;
      for (let i = 0; i < WARMUP; i++) await measure(url, { headers });
      const samples: Sample[] = [];
      for (let i = 0; i < iterations; i++) samples.push(await measure(url, { headers }));
      const sorted = samples.map((x) => x.ms).sort((a, b) => a - b);
      const distinct = (pick: (x: Sample) => number) => [...new Set(samples.map(pick))].join("/");
      const roundTrips = distinct((x) => RoundTripMeter.productionRoundTrips(x));
      console.log(
        `${c.name.padEnd(18)} ${readPath.padEnd(10)} ${distinct((x) => x.queries).padStart(7)} ${distinct((x) => x.setups).padStart(6)} ${distinct((x) => x.waves).padStart(5)} ${roundTrips.padStart(7)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 99).toFixed(1).padStart(8)}`,
      );
    }
  }
}

// ------------------------------------------------------------------------------------------------ Uploads

const MiB = 1024 * 1024;
const LARGE_UPLOAD_BYTES = 200 * MiB;
/** Parts in flight at once, as the browser's uploader sends them (app/lib/uploads.ts). */
const CONCURRENT_PARTS = 3;
const SMALL_UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);

interface UploadSession {
  mediaId: string;
  size: number;
  partSize: number;
  partCount: number;
  multipart: boolean;
  token: string;
}

async function procedure<T>(baseUrl: string, cookie: string, path: string, input: unknown, kind: "query" | "mutation") {
  const encoded = encodeURIComponent(JSON.stringify({ json: input }));
  const response =
    kind === "query"
      ? await fetch(`${baseUrl}/api/trpc/${path}?input=${encoded}`, { headers: { cookie } })
      : await fetch(`${baseUrl}/api/trpc/${path}`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin: baseUrl },
          body: JSON.stringify({ json: input }),
        });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  const queries = Number(response.headers.get("x-greenroom-db-queries") ?? NaN);
  return { data: ((await response.json()) as { result: { data: { json: T } } }).result.data.json, queries };
}

/**
 * Sends the parts of `file`, or of a generated WAV of the session's size, `CONCURRENT_PARTS` at a time; returns the
 * largest request body sent.
 */
async function sendParts(baseUrl: string, session: UploadSession, file?: Uint8Array) {
  const queue = Array.from({ length: session.partCount }, (_, i) => i + 1);
  let largest = 0;
  const worker = async () => {
    for (let partNumber = queue.shift(); partNumber !== undefined; partNumber = queue.shift()) {
      const { start, end } = partRange(session.size, session.partSize, partNumber);
      const body = file ? file.slice(start, end) : wavSlice(session.size, start, end);
      largest = Math.max(largest, body.byteLength);
      const path = session.multipart
        ? `/api/uploads/${session.mediaId}/parts/${partNumber}`
        : `/api/uploads/${session.mediaId}`;
      const response = await fetch(`${baseUrl}${path}?token=${encodeURIComponent(session.token)}`, {
        method: "PUT",
        body,
      });
      if (!response.ok) throw new Error(`part ${partNumber} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_PARTS, queue.length) }, worker));
  return largest;
}

/**
 * The time from an upload's last byte being stored to its transcription job being started by the queue consumer,
 * over several small uploads; then the throughput of one 200 MiB upload through the multipart path (parts
 * generated as they are sent).
 */
async function benchUploads(baseUrl: string, cookie: string, workspaceId: string) {
  const create = (filename: string, size: number) =>
    procedure<UploadSession>(
      baseUrl,
      cookie,
      "media.createUpload",
      { workspaceId, filename, contentType: "audio/wav", size },
      "mutation",
    ).then((r) => r.data);
  const complete = (mediaId: string) =>
    procedure<{ status: string; transcription: { status: string } | null }>(
      baseUrl,
      cookie,
      "media.completeUpload",
      { workspaceId, mediaId },
      "mutation",
    );

  const waits: number[] = [];
  const statuses = new Set<string>();
  let completeQueries = 0;
  for (let i = 0; i < SMALL_UPLOADS; i++) {
    const file = markedWav(2);
    const session = await create(`bench-${i}.wav`, file.byteLength);
    await sendParts(baseUrl, session, file);
    const stored = performance.now();
    const result = await complete(session.mediaId);
    completeQueries = result.queries;
    // The job has started once the queue consumer has claimed it (no longer queued), as the library shows it.
    for (;;) {
      const page = await procedure<{ items: { id: string; transcription: { status: string } | null }[] }>(
        baseUrl,
        cookie,
        "media.list",
        { workspaceId, limit: 1 },
        "query",
      );
      const job = page.data.items.find((item) => item.id === session.mediaId)?.transcription;
      if (job && job.status !== "queued") {
        waits.push(performance.now() - stored);
        statuses.add(job.status);
        break;
      }
    }
  }
  const sorted = waits.sort((a, b) => a - b);
  console.log(
    `\nUpload complete -> transcription job started, ${SMALL_UPLOADS} uploads of a 2 s WAV (last byte stored -> consumer has claimed the job)`,
  );
  console.log(
    `  p50 ${percentile(sorted, 50).toFixed(1)} ms   p95 ${percentile(sorted, 95).toFixed(1)} ms   completeUpload ${completeQueries} queries   job status: ${[...statuses].join(", ")}`,
  );

  const large = await create("bench-200mib.wav", LARGE_UPLOAD_BYTES);
  const started = performance.now();
  const largest = await sendParts(baseUrl, large);
  const sent = performance.now();
  const finished = await complete(large.mediaId);
  const done = performance.now();
  if (finished.data.status !== "ready") throw new Error(`the 200 MiB upload ended ${finished.data.status}`);
  const mibPerSecond = (ms: number) => (LARGE_UPLOAD_BYTES / MiB / (ms / 1000)).toFixed(1);
  console.log(
    `\nUpload, 200 MiB WAV through the Worker: ${large.partCount} parts of ${PART_SIZE / MiB} MiB, ${CONCURRENT_PARTS} in flight, largest request ${(largest / MiB).toFixed(1)} MiB`,
  );
  console.log(`  parts sent        ${((sent - started) / 1000).toFixed(1)} s   ${mibPerSecond(sent - started)} MiB/s`);
  console.log(
    `  incl. completion  ${((done - started) / 1000).toFixed(1)} s   ${mibPerSecond(done - started)} MiB/s   (completeUpload ${(done - sent).toFixed(0)} ms)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// ------------------------------------------------------------------------------------------------ Social publishing

const SOCIAL_POSTS_PER_MINUTE = 3;
const SOCIAL_MINUTES = 2;

interface PostView {
  id: string;
  status: string;
  scheduledAt: string | Date | null;
  publishedAt: string | Date | null;
  reason: string | null;
}

/**
 * Schedules Sandbox posts at the next minutes (the composer's resolution) and reports how long after its time each
 * was published: the per-minute cron claims posts due within its lookahead and the queue delivers each at its time,
 * so the figure should stay well under the 60 s the product promises.
 */
async function benchSocialPublishing(baseUrl: string, cookie: string, workspaceId: string) {
  const call = <T>(path: string, input: unknown, kind: "query" | "mutation" = "mutation") =>
    procedure<T>(baseUrl, cookie, path, { workspaceId, ...(input as object) }, kind).then((r) => r.data);
  const account = await call<{ id: string }>("socialAccounts.connectSandboxAccount", {
    username: `bench_${Date.now()}`,
  });
  const image = pngFile(32, 32, [20, 83, 45]);
  const upload = await call<UploadSession>("media.createUpload", {
    filename: "bench.png",
    contentType: "image/png",
    size: image.byteLength,
  });
  await sendParts(baseUrl, upload, image);
  await call("media.completeUpload", { mediaId: upload.mediaId });

  const now = new Date();
  const minute = (offset: number) =>
    new Date(
      Date.UTC(
        now.getUTCFullYear(),
        now.getUTCMonth(),
        now.getUTCDate(),
        now.getUTCHours(),
        now.getUTCMinutes() + offset,
      ),
    );
  const posts: string[] = [];
  for (let m = 2; m < 2 + SOCIAL_MINUTES; m++) {
    for (let i = 0; i < SOCIAL_POSTS_PER_MINUTE; i++) {
      const post = await call<PostView>("socialPosts.createPost", {
        accountId: account.id,
        type: "image",
        caption: `Bench post ${m}.${i} ${Date.now()}`,
        mediaIds: [upload.mediaId],
        scheduledLocal: minute(m).toISOString().slice(0, 16),
        timezone: "UTC",
        schedule: true,
      });
      posts.push(post.id);
    }
  }
  const deadline = minute(2 + SOCIAL_MINUTES).getTime() + 90_000;
  console.log(`
Social publishing, ${posts.length} Sandbox posts due at ${SOCIAL_MINUTES} consecutive minutes (waits until ${new Date(deadline).toISOString().slice(11, 19)} UTC at most)`);
  let views: PostView[] = [];
  while (Date.now() < deadline) {
    views = await Promise.all(posts.map((postId) => call<PostView>("socialPosts.getPost", { postId }, "query")));
    if (views.every((v) => v.status === "published" || v.status === "failed")) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const late = views
    .filter((v) => v.status === "published" && v.publishedAt && v.scheduledAt)
    .map((v) => (new Date(v.publishedAt!).getTime() - new Date(v.scheduledAt!).getTime()) / 1000)
    .sort((a, b) => a - b);
  const others = views
    .filter((v) => v.status !== "published")
    .map((v) => `${v.status}${v.reason ? ` (${v.reason})` : ""}`);
  console.log(
    `  published ${late.length}/${posts.length}   after their time: p50 ${late.length ? percentile(late, 50).toFixed(1) : "-"} s   max ${late.length ? late[late.length - 1].toFixed(1) : "-"} s` +
      (others.length ? `   not published: ${others.join(", ")}` : ""),
  );
}

// ------------------------------------------------------------------------------------------------ Edge cache

const FEED_EPISODES = 300;
const FEED_SECONDS = Number(process.env.BENCH_FEED_SECONDS ?? 5);
const FEED_CLIENTS = 4;
const QUERY_COUNT_HEADER = "x-greenroom-db-queries";

/** Requests/s of `FEED_CLIENTS` clients polling for `FEED_SECONDS`; `url(i)` varies the request per iteration. */
async function pollFor(url: (i: number) => string, headers: Record<string, string> = {}) {
  let requests = 0;
  const queries = new Set<string>();
  const cache = new Set<string>();
  const until = performance.now() + FEED_SECONDS * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const response = await fetch(url(requests++), { headers });
      await response.arrayBuffer();
      if (response.status !== 200 && response.status !== 304) throw new Error(`feed answered ${response.status}`);
      queries.add(response.headers.get(QUERY_COUNT_HEADER) ?? "?");
      cache.add(response.headers.get("x-greenroom-cache") ?? "bypass");
    }
  };
  await Promise.all(Array.from({ length: FEED_CLIENTS }, client));
  return { perSecond: requests / FEED_SECONDS, queries: [...queries].join("/"), cache: [...cache].join("/") };
}

/**
 * The public feed of a show with 300 published episodes: served from the edge cache (plain and conditional
 * polls) and rendered on every request (the local-tools bypass header, as a signed-in visitor would be).
 */
async function benchFeedEdgeCache(app: RunningApp, workspaceId: string) {
  neonConfig.webSocketConstructor = ws;
  const handle = createDb(app.database);
  const show = await (async () => {
    const created = await insertShow(handle.db, workspaceId, { title: "Bench Feed", category: "Technology" });
    for (let n = 1; n <= FEED_EPISODES; n++)
      await insertPublishedEpisode(
        handle.db,
        created,
        { title: `Episode ${n}`, episodeNumber: n },
        { size: 1_000_000 },
      );
    return created;
  })().finally(() => handle.close());

  const feed = `${app.baseUrl}/feeds/${show.id}.xml`;
  const first = await fetch(feed);
  const kib = (await first.arrayBuffer()).byteLength / 1024;
  const etag = first.headers.get("etag") ?? "";
  console.log(
    `\nFeed of ${FEED_EPISODES} episodes (${kib.toFixed(0)} KiB), ${FEED_CLIENTS} clients for ${FEED_SECONDS} s each`,
  );
  console.log(`${"case".padEnd(42)} ${"req/s".padStart(8)} ${"queries/req".padStart(12)} ${"cache".padStart(8)}`);
  const cases = [
    {
      name: "rendered every time (cache bypassed)",
      run: () => pollFor(() => feed, { [CACHE_BYPASS_HEADER]: "bypass" }),
    },
    { name: "edge cache hit", run: () => pollFor(() => feed) },
    { name: "edge cache hit, If-None-Match -> 304", run: () => pollFor(() => feed, { "if-none-match": etag }) },
  ];
  for (const c of cases) {
    const result = await c.run();
    console.log(
      `${c.name.padEnd(42)} ${result.perSecond.toFixed(0).padStart(8)} ${result.queries.padStart(12)} ${result.cache.padStart(8)}`,
    );
  }
}

/** The Worker's start-up CPU as `wrangler check startup` profiles it (scripts/check-bundle.ts holds the budget). */
function benchStartupCpu() {
  const startup = measureStartupCpu();
  console.log(
    `\nWorker start-up CPU: ${startup.minMs.toFixed(1)} ms (least of ${startup.samplesMs.map((ms) => ms.toFixed(1)).join(", ")})`,
  );
}
