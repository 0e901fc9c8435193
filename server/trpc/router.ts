import { createCallerFactory, router } from "./init";
import { adsRouter } from "./routers/ads";
import { analyticsRouter } from "./routers/analytics";
import { audienceRouter } from "./routers/audience";
import { authRouter } from "./routers/auth";
import { billingRouter } from "./routers/billing";
import { campaignsRouter } from "./routers/campaigns";
import { checkinRouter } from "./routers/checkin";
import { commentsRouter } from "./routers/comments";
import { devRouter } from "./routers/dev";
import { eventsRouter } from "./routers/events";
import { mediaRouter } from "./routers/media";
import { notificationsRouter } from "./routers/notifications";
import { paymentsRouter } from "./routers/payments";
import { podcastsRouter } from "./routers/podcasts";
import { postsRouter } from "./routers/posts";
import { privateFeedsRouter } from "./routers/private-feeds";
import { searchRouter } from "./routers/search";
import { socialAccountsRouter } from "./routers/social-accounts";
import { socialInsightsRouter } from "./routers/social-insights";
import { socialPostsRouter } from "./routers/social-posts";
import { socialSandboxRouter } from "./routers/social-sandbox";
import { tiersRouter } from "./routers/tiers";
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
  socialAccounts: socialAccountsRouter,
  socialPosts: socialPostsRouter,
  socialInsights: socialInsightsRouter,
  socialSandbox: socialSandboxRouter,
  notifications: notificationsRouter,
  analytics: analyticsRouter,
  payments: paymentsRouter,
  campaigns: campaignsRouter,
  audience: audienceRouter,
  tiers: tiersRouter,
  posts: postsRouter,
  comments: commentsRouter,
  ads: adsRouter,
  privateFeeds: privateFeedsRouter,
  events: eventsRouter,
  checkin: checkinRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
