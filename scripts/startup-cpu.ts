/**
 * Start-up CPU of the Worker as Cloudflare profiles it: `wrangler check startup` runs the bundled Worker's
 * top-level code in a local workerd and writes a CPU profile; the CPU is the sampled time that is not idle.
 * Works offline. On a shared machine other load inflates single runs, so the least of a few runs is reported.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const offline = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Sampled milliseconds spent running (JS, compile, GC), not waiting. The first delta precedes the first sample. */
export function startupCpuMs(profile: CpuProfile) {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  let micros = 0;
  profile.samples.forEach((node, i) => {
    if (i > 0 && !idle.has(node)) micros += profile.timeDeltas[i] ?? 0;
  });
  return micros / 1000;
}

/** Builds the Worker as `wrangler deploy` would and profiles its start-up `runs` times. */
export function measureStartupCpu(runs = 3) {
  const dir = mkdtempSync(join(tmpdir(), "greenroom-startup-"));
  try {
    const bundle = join(dir, "worker.bundle");
    execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outfile", bundle], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: offline,
    });
    const samples = Array.from({ length: runs }, (_, run) => {
      const outfile = join(dir, `startup-${run}.cpuprofile`);
      execFileSync("npx", ["wrangler", "check", "startup", "--worker", bundle, "--outfile", outfile], {
        cwd: root,
        stdio: ["ignore", "ignore", "inherit"],
        env: offline,
      });
      return startupCpuMs(JSON.parse(readFileSync(outfile, "utf8")) as CpuProfile);
    });
    return { minMs: Math.min(...samples), samplesMs: samples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
