import { Hono } from "hono";
import type { Env } from "../env";
import { escapeHtml } from "../lib/html";
import { abandonInstagramConnect, completeInstagramConnect, InstagramConnectError } from "../services/social/accounts";
import { CONNECT_OUTCOMES, INSTAGRAM_CALLBACK_PATH, type ConnectOutcome } from "../services/social/instagram-oauth";
import type { TrpcContext } from "../trpc/context";
import { isLinkToken, textProblem } from "../lib/text";

type CallbackEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

export const instagramOAuthRoutes = new Hono<CallbackEnv>();

const accountsPage = (workspaceId: string, outcome: ConnectOutcome) =>
  `/w/${workspaceId}/social/accounts?connect=${outcome}`;

/** When the attempt cannot be tied to a workspace (unknown or spent state) there is no accounts page to return to. */
function standalonePage(outcome: ConnectOutcome, status: 400 | 403) {
  const message = escapeHtml(CONNECT_OUTCOMES[outcome]);
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Instagram connection</title></head>` +
      `<body><main><h1>Instagram connection</h1><p role="alert">${message}</p><p><a href="/app">Back to Greenroom</a></p></main></body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}

/**
 * GET /api/social/instagram/callback?code&state, or ?error&state when the member declined: Instagram's redirect
 * after consent. Needs the member's session (a signed-out visitor logs in and comes back here); the state ties
 * the answer to the member and workspace that started it, and the result shows on the accounts page.
 */
instagramOAuthRoutes.get(INSTAGRAM_CALLBACK_PATH, async (c) => {
  const { db, auth, env, config, clock, meta } = c.var.trpc;
  const url = new URL(c.req.url);
  if (!auth) return c.redirect(`/login?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`, 303);
  const state = url.searchParams.get("state");
  const code = url.searchParams.get("code");
  // Both reach the database or Instagram: a state we never issued, or a code Postgres could not hold, is refused here.
  if (!isLinkToken(state) || (code !== null && (code.length > 2048 || textProblem(code) !== null)))
    return standalonePage("state_invalid", 400);

  if (url.searchParams.get("error") || !code) {
    const abandoned = await abandonInstagramConnect({ db, userId: auth.user.id, state });
    return abandoned
      ? c.redirect(accountsPage(abandoned.workspaceId, "denied"), 303)
      : standalonePage("state_expired", 400);
  }

  try {
    const { workspaceId } = await completeInstagramConnect({
      db,
      env,
      userId: auth.user.id,
      state,
      code,
      appUrl: config.appUrl,
      meta,
      now: clock(),
    });
    return c.redirect(accountsPage(workspaceId, "connected"), 303);
  } catch (error) {
    if (!(error instanceof InstagramConnectError)) throw error;
    if (error.workspaceId) return c.redirect(accountsPage(error.workspaceId, error.outcome), 303);
    return standalonePage(error.outcome, error.code === "FORBIDDEN" ? 403 : 400);
  }
});
