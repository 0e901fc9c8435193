import { Miniflare } from "miniflare";

/**
 * A real R2 bucket for Node tests: miniflare's local implementation (the one `wrangler dev` uses), in memory.
 * Dispose it in afterAll.
 */
export async function createLocalR2() {
  const mf = new Miniflare({ modules: true, script: "export default {}", r2Buckets: ["MEDIA"] });
  const bucket = (await mf.getR2Bucket("MEDIA")) as unknown as R2Bucket;
  return { bucket, dispose: () => mf.dispose() };
}
