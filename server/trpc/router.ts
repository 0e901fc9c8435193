import { createCallerFactory, router } from "./init";
import { authRouter } from "./routers/auth";
import { devRouter } from "./routers/dev";
import { workspacesRouter } from "./routers/workspaces";

export const appRouter = router({
  auth: authRouter,
  workspaces: workspacesRouter,
  dev: devRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
