import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../workers/app";
import "./env";

export const ORIGIN = "http://localhost";

/** Sends a request through the Worker's real fetch handler and waits for its background work. */
export async function send(path: string, init: RequestInit = {}, bindings = env) {
  const ctx = createExecutionContext();
  const request = new Request(`${ORIGIN}${path}`, init);
  // Every real HTTP request carries Host; Remix checks it against Origin before running an action.
  if (!request.headers.has("host")) request.headers.set("host", new URL(ORIGIN).host);
  const response = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A same-origin tRPC mutation over HTTP (superjson-encoded input, as @trpc/client sends it). */
export function mutate(path: string, input: unknown, headers: Record<string, string> = {}) {
  return send(`/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify({ json: input }),
  });
}

export function query(path: string, input: unknown, headers: Record<string, string> = {}) {
  const encoded = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return send(`/api/trpc/${path}${encoded}`, { headers });
}

export const sessionCookieFrom = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith("greenroom_session="))
    ?.split(";")[0] ?? null;

let counter = 0;
/** Signs a new user up over HTTP and returns their cookie and first workspace. */
export async function signUpOverHttp(name = "Worker Tester") {
  const email = `worker-${Date.now()}-${counter++}@example.test`;
  const response = await mutate("auth.signUp", { name, email, password: "a long passphrase" });
  if (response.status !== 200) throw new Error(`sign up failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { result: { data: { json: { userId: string; workspaceId: string } } } };
  return { email, cookie: sessionCookieFrom(response)!, ...body.result.data.json };
}
