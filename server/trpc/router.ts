import { createCallerFactory, router } from "./init";
import { authRouter } from "./routers/auth";
import { workspacesRouter } from "./routers/workspaces";

export const appRouter = router({
  auth: authRouter,
  workspaces: workspacesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
