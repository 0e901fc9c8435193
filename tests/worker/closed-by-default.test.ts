import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QUERY_COUNT_HEADER } from "../../server/app";
import { MAX_REQUEST_BODY_BYTES } from "../../server/http/body-limit";
import { MAX_STRIPE_WEBHOOK_BYTES } from "../../server/http/stripe-webhook";
import worker from "../../workers/app";
import { ORIGIN, send } from "./http";

afterEach(() => {
  vi.restoreAllMocks();
});

const production = { ...env, ENVIRONMENT: "production" };
const brokenDatabase = {
  LOCAL_DB_PROXY: "127.0.0.1:9",
  DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/postgres",
};
let ipCounter = 0;
/** A fresh client address per call, so per-IP limits of one test never reach another. */
const freshIp = () => `192.0.2.${(ipCounter++ % 250) + 1}`;

function postTrpc(path: string, input: unknown, bindings = env, extraHeaders: Record<string, string> = {}) {
  return send(
    `/api/trpc/${path}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": freshIp(), ...extraHeaders },
      body: JSON.stringify({ json: input }),
    },
    bindings,
  );
}

function postBatch(paths: string[], inputs: unknown[]) {
  const body = Object.fromEntries(inputs.map((input, i) => [i, { json: input }]));
  return send(`/api/trpc/${paths.join(",")}?batch=1`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": freshIp() },
    body: JSON.stringify(body),
  });
}

type TrpcError = { error: { json: { message: string; data: { code: string } } } };

describe("an unknown or missing ENVIRONMENT", () => {
  it.each([["prod"], ["Production"], [undefined]])("refuses to serve anything with %j, and logs why", async (value) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const bindings = { ...env, ENVIRONMENT: value as string };
    for (const path of ["/", "/health", "/login", "/dev/mailbox", "/api/trpc/auth.getSession"]) {
      const response = await send(path, {}, bindings);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe("Service unavailable.");
    }
    const post = await postTrpc("auth.requestPasswordReset", { email: "someone@example.test" }, bindings);
    expect(post.status).toBe(503);
    expect(logged.mock.calls.map((args) => String(args[0])).join("\n")).toContain("config.refused");
  });

  it("makes queue batches and crons fail (so they retry) instead of running", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const bindings = { ...env, ENVIRONMENT: "staging-typo" };
    const batch = { queue: "greenroom-email", messages: [], ackAll() {}, retryAll() {} } as unknown as MessageBatch;
    await expect(worker.queue(batch, bindings)).rejects.toThrow(/ENVIRONMENT is "staging-typo"/);
    const controller = { cron: "* * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController;
    await expect(worker.scheduled(controller, bindings)).rejects.toThrow(/ENVIRONMENT/);
    expect(logged).toHaveBeenCalled();
  });
});

describe("a production environment", () => {
  it("uses __Host- Secure cookies and exposes no query count", async () => {
    const email = `prod-${Date.now()}@example.test`;
    const response = await postTrpc(
      "auth.signUp",
      { name: "Prod Tester", email, password: "a long passphrase" },
      production,
    );
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-greenroom_session="));
    expect(cookie).toMatch(/; Secure/i);
    expect(response.headers.has(QUERY_COUNT_HEADER)).toBe(false);
    // The same request in the test environment does expose it (the local tools are on there).
    expect((await send("/api/trpc/auth.getSession")).headers.has(QUERY_COUNT_HEADER)).toBe(true);
  });

  it("hides the dev mailbox from the API and the page", async () => {
    expect((await send("/api/trpc/dev.listMailbox", {}, production)).status).toBe(404);
    expect((await send("/dev/mailbox", {}, production)).status).toBe(404);
    expect((await send("/api/trpc/dev.listMailbox")).status).toBe(200);
  });

  it("hides internal error text that the test environment shows", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const input = { email: "someone@example.test" };
    const local = (await (
      await postTrpc("auth.requestPasswordReset", input, { ...env, ...brokenDatabase })
    ).json()) as TrpcError;
    const prod = (await (
      await postTrpc("auth.requestPasswordReset", input, { ...production, ...brokenDatabase })
    ).json()) as TrpcError;
    expect(local.error.json.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(local.error.json.message).not.toBe("Something went wrong on our side.");
    expect(prod.error.json.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(prod.error.json.message).toBe("Something went wrong on our side.");
  });
});

describe("batch cost", () => {
  it("refuses a batch carrying two expensive calls as a whole, before any of them runs", async () => {
    const email = `batch-${Date.now()}@example.test`;
    const response = await postBatch(
      ["auth.requestPasswordReset", "auth.requestPasswordReset"],
      [{ email }, { email }],
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as TrpcError[];
    expect(body).toHaveLength(2);
    for (const item of body) expect(item.error.json.message).toMatch(/too much at once.*one at a time/);
  });

  it("accepts one expensive call with cheap ones, and ten cheap calls", async () => {
    const one = await postBatch(
      ["auth.requestPasswordReset", "auth.logOut", "auth.logOut", "auth.logOut", "auth.logOut"],
      [{ email: `batch-one-${Date.now()}@example.test` }, undefined, undefined, undefined, undefined],
    );
    expect(one.status).toBe(200);
    const ten = await postBatch(
      Array.from({ length: 10 }, () => "auth.logOut"),
      Array.from({ length: 10 }, () => undefined),
    );
    expect(ten.status).toBe(200);
  });
});

/** A body streamed without Content-Length, so only counting the stream can catch it. */
function streamOf(bytes: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

describe("request bodies", () => {
  it("refuses a tRPC body over the cap with 413, announced or streamed", async () => {
    const announced = await send("/api/trpc/auth.logOut", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: "x".repeat(MAX_REQUEST_BODY_BYTES + 1),
    });
    expect(announced.status).toBe(413);
    const streamed = await send("/api/trpc/auth.logOut", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: streamOf(MAX_REQUEST_BODY_BYTES + 64 * 1024),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("refuses a Remix form over the cap with 413", async () => {
    const response = await send("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: streamOf(MAX_REQUEST_BODY_BYTES + 64 * 1024),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("answers a malformed multipart form with 400 and a non-form body with 415, not 500", async () => {
    const malformed = await send("/login", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=----nope", origin: ORIGIN },
      body: "this is not multipart at all",
    });
    expect(malformed.status).toBe(400);
    const noBoundary = await send("/login", {
      method: "POST",
      headers: { "content-type": "multipart/form-data", origin: ORIGIN },
      body: "--x\r\n",
    });
    expect(noBoundary.status).toBe(400);
    const json = await send("/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: "{}",
    });
    expect(json.status).toBe(415);
  });

  it("refuses a Stripe webhook body over its cap before verifying anything", async () => {
    const bindings = { ...env, STRIPE_SECRET_KEY: "sk_test_cap", STRIPE_WEBHOOK_SECRET: "whsec_cap" };
    const response = await send(
      "/api/webhooks/stripe",
      {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" },
        body: streamOf(MAX_STRIPE_WEBHOOK_BYTES + 64 * 1024),
        duplex: "half",
      } as RequestInit,
      bindings,
    );
    expect(response.status).toBe(413);
  });
});
