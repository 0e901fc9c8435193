import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../../server/trpc/router";

/** The browser's typed client for /api/trpc; the session cookie rides along (same origin). */
export const trpc = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc", maxItems: 10, transformer: superjson })],
});
