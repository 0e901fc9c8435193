/**
 * `npm run bench`: starts the app on loopback (the same stack as `npm run dev`) and prints latency percentiles
 * and database queries per request for the SSR dashboard, a tRPC query and /health. Figures, not assertions:
 * tests assert query counts; this reports time.
 */
import { startApp } from "./app-process";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;
const QUERY_COUNT_HEADER = "x-greenroom-db-queries";

interface Sample {
  ms: number;
  queries: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(url: string, init: RequestInit): Promise<Sample> {
  const start = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return { ms, queries: Number(response.headers.get(QUERY_COUNT_HEADER) ?? NaN) };
}

async function main() {
  console.log("Starting the app (PGlite + wrangler dev)…");
  const app = await startApp();
  try {
    const email = `bench-${Date.now()}@example.test`;
    const signUp = await fetch(`${app.baseUrl}/api/trpc/auth.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ json: { name: "Bench Owner", email, password: "a long passphrase" } }),
    });
    if (!signUp.ok) throw new Error(`sign up failed: ${signUp.status} ${await signUp.text()}`);
    const cookie = signUp.headers.getSetCookie().find((c) => c.startsWith("greenroom_session="))!.split(";")[0];
    const { workspaceId } = ((await signUp.json()) as { result: { data: { json: { workspaceId: string } } } }).result.data.json;
    const overviewInput = encodeURIComponent(JSON.stringify({ json: { workspaceId } }));

    const cases: { name: string; url: string; init: RequestInit }[] = [
      { name: "SSR dashboard  GET /w/:id", url: `${app.baseUrl}/w/${workspaceId}`, init: { headers: { cookie } } },
      { name: "tRPC query     workspaces.getOverview", url: `${app.baseUrl}/api/trpc/workspaces.getOverview?input=${overviewInput}`, init: { headers: { cookie } } },
      { name: "health         GET /health", url: `${app.baseUrl}/health`, init: {} },
    ];

    console.log(`\n${ITERATIONS} sequential requests each after ${WARMUP} warm-up requests, loopback, 1 client\n`);
    console.log(`${"case".padEnd(42)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"mean ms".padStart(8)} ${"queries/req".padStart(12)}`);
    for (const c of cases) {
      for (let i = 0; i < WARMUP; i++) await measure(c.url, c.init);
      const samples: Sample[] = [];
      for (let i = 0; i < ITERATIONS; i++) samples.push(await measure(c.url, c.init));
      const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
      const queries = [...new Set(samples.map((s) => s.queries))].join("/");
      console.log(
        `${c.name.padEnd(42)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 99).toFixed(1).padStart(8)} ${mean.toFixed(1).padStart(8)} ${queries.padStart(12)}`,
      );
    }
    console.log("\nLocal figures include PGlite (WASM, one serialised backend) and the WebSocket proxy; Neon differs.");
  } finally {
    await app.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
