import { vitePlugin as remix } from "@remix-run/dev";
import { relative, resolve, sep } from "node:path";
import { defineConfig } from "vite";
import { exportFontsPlugin } from "./scripts/export-fonts";
import { trimmedFontkitPlugin } from "./scripts/fontkit-trimmed";
import { userAgentListsPlugin } from "./scripts/user-agent-lists";

declare module "@remix-run/cloudflare" {
  interface Future {
    v3_singleFetch: true;
  }
}

const serverSources = resolve(import.meta.dirname, "server") + sep;
const serverBuildDir = resolve(import.meta.dirname, "build/server");

export default defineConfig(({ isSsrBuild }) => ({
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
    // The PDF export's fonts, copied into build/client as static assets (never into the Worker bundle).
    exportFontsPlugin(),
    // The user-agent lists the rollup cron counts with, likewise as static assets (ADR 017).
    userAgentListsPlugin(),
    // fontkit's TrueType reader without CFF, AAT and variations, for wrangler to bundle (ADR 017).
    trimmedFontkitPlugin(),
  ],
  ssr: {
    target: "webworker",
    resolve: { conditions: ["workerd", "worker", "browser"], externalConditions: ["workerd", "worker"] },
  },
  optimizeDeps: { include: ["@trpc/client"] },
  build: {
    // A rebuild under a running `wrangler dev` must not delete the files it is serving; `npm run build`
    // removes build/ first, so deploys never carry stale assets.
    emptyOutDir: false,
    rollupOptions: {
      // The server bundle is imported by workers/app.ts and bundled again by wrangler. Leaving npm packages and
      // server/ sources as imports lets wrangler include ONE copy of each, shared by the Worker and Remix, so
      // `instanceof TRPCError` / `AppError` holds in actions and nothing ships twice.
      external: isSsrBuild ? (id: string) => id.startsWith(serverSources) : undefined,
      output: isSsrBuild
        ? { paths: (id: string) => (id.startsWith(serverSources) ? relative(serverBuildDir, id) : id) }
        : undefined,
    },
  },
}));
