import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/cloudflare" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  // The server bundle runs in workerd: resolve packages' worker builds and bundle everything, so wrangler
  // gets one self-contained module and React's production build (see scripts/check-bundle.ts).
  ssr: {
    target: "webworker",
    noExternal: true,
    resolve: { conditions: ["workerd", "worker", "browser"], externalConditions: ["workerd", "worker"] },
  },
  optimizeDeps: { include: ["@trpc/client"] },
  build: {
    // A rebuild under a running `wrangler dev` must not delete the files it is serving; `npm run build`
    // removes build/ first, so deploys never carry stale assets.
    emptyOutDir: false,
  },
});
