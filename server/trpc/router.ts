import { createCallerFactory, router } from "./init";
import { authRouter } from "./routers/auth";
import { billingRouter } from "./routers/billing";
import { devRouter } from "./routers/dev";
import { mediaRouter } from "./routers/media";
import { podcastsRouter } from "./routers/podcasts";
import { searchRouter } from "./routers/search";
import { transcriptsRouter } from "./routers/transcripts";
import { workspacesRouter } from "./routers/workspaces";

export const appRouter = router({
  auth: authRouter,
  workspaces: workspacesRouter,
  dev: devRouter,
  media: mediaRouter,
  transcripts: transcriptsRouter,
  podcasts: podcastsRouter,
  search: searchRouter,
  billing: billingRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
