import { env } from "cloudflare:test";
import fc from "fast-check";
import * as remixBuild from "virtual:greenroom/remix-build";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { createApp } from "../../server/app";
import { appRouter } from "../../server/trpc/router";
import { insertMedia, insertPublishedEpisode, insertShow, insertTranscript } from "../support/podcasts";
import { ORIGIN, send, signUpOverHttp } from "./http";

/**
 * The HTTP half of the project's fuzzer (issue 9, item 7): every Hono route and every Remix route of the real
 * Worker, and the tRPC endpoint, get malformed requests (bad path segments and encodings, hostile headers,
 * broken bodies, forms and batches). None may answer 5xx. Routes are read from the app and the Remix build, so
 * routes added later are covered without edits. FUZZ_SEED and FUZZ_RUNS reproduce or search longer.
 */
const fuzzEnv = env as unknown as { FUZZ_SEED?: string; FUZZ_RUNS?: string };
const SEED = Number(fuzzEnv.FUZZ_SEED || 20261206);
const RUNS = Math.max(1, Number(fuzzEnv.FUZZ_RUNS || 200) / 200);

const { db, close } = createDb({ databaseUrl: env.DATABASE_URL, localProxy: env.LOCAL_DB_PROXY });
afterAll(() => close());

let owner: Awaited<ReturnType<typeof signUpOverHttp>>;
let ids: Map<string, string[]>;
beforeAll(async () => {
  owner = await signUpOverHttp("Fuzz Owner");
  const show = await insertShow(db, owner.workspaceId, { title: "Fuzz show" });
  const { episode, media } = await insertPublishedEpisode(db, show);
  const image = await insertMedia(db, owner.workspaceId, { kind: "image" });
  const transcript = await insertTranscript(db, {
    workspaceId: owner.workspaceId,
    mediaId: media.id,
    episodeId: episode.id,
    segments: [{ startMs: 0, endMs: 1000, text: "Hello" }],
  });
  ids = new Map([
    ["workspace", [owner.workspaceId]],
    ["show", [show.id]],
    ["episode", [episode.id]],
    ["media", [media.id, image.id]],
    ["transcript", [transcript.id]],
  ]);
});

const MB = "a".repeat(1 << 20);

/** Path segments a client can send: malformed percent-encoding, encoded NUL and lone surrogates, huge, traversal. */
const nastySegments = [
  "%00",
  "a%00b",
  "%ZZ",
  "%",
  "%ED%A0%80",
  "%uD800",
  "%C0%AE",
  "..",
  "%2e%2e",
  "%2F",
  "__proto__",
  "constructor",
  "x".repeat(8000),
  "00000000-0000-0000-0000-000000000000",
  "not-a-uuid",
  "feed.xml",
  "episode.mp3",
  "artwork.jpg",
  "transcript.vtt",
  "transcript.srt",
  "transcript.pdf",
  "transcript.docx",
  "export.zip",
  "file.json",
  "",
];

function segmentFor(param: string): fc.Arbitrary<string> {
  const kind = [...ids.keys()].find((k) => param.toLowerCase().includes(k));
  const own = (kind && ids.get(kind)) || [...ids.values()].flat();
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...own) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 4, arbitrary: fc.constantFrom(...nastySegments) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }).map(encodeURIComponent) },
  );
}

/** Fills `:param` and `*` of a route pattern. */
function pathFor(pattern: string): fc.Arbitrary<string> {
  const parts = pattern.split("/");
  return fc
    .tuple(
      ...parts.map((part) =>
        part.startsWith(":")
          ? segmentFor(part.slice(1).replace(/\?$/, ""))
          : part === "*"
            ? segmentFor("")
            : fc.constant(part),
      ),
    )
    .map((filled) => filled.join("/") || "/");
}

const nastyQueries = fc.constantFrom(
  "",
  "?token=%00",
  "?token=x",
  `?token=${"t".repeat(5000)}`,
  "?cursor=%00&limit=-1",
  "?cursor=__proto__&limit=1e309",
  "?q=%ED%A0%80",
  "?q=%ZZ",
  "?page=NaN&offset=Infinity",
  "?date=2099-02-30&tz=Not%2FAZone",
  "?view=__proto__&tab=constructor&sort=toString",
  "?state=x&code=y",
  "?error=access_denied",
  "?redirectTo=%2F%2Fevil.test",
  "?__proto__[x]=1&constructor[prototype][y]=2",
  "?_data=routes%2Fapp",
  "?index&_data=root",
);

const cookies = () =>
  fc.constantFrom<(string | null)[]>(
    owner.cookie,
    owner.cookie,
    owner.cookie,
    null,
    "greenroom_session=%00",
    "greenroom_session=__proto__",
    `greenroom_session=${"x".repeat(5000)}`,
    "greenroom_session=a; greenroom_session=b",
  );

/** Mostly the body's own type, so forms get parsed; sometimes a type that contradicts it. */
const nastyContentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "application/json",
      "multipart/form-data",
      "multipart/form-data; boundary=",
      "multipart/form-data; boundary=xyz",
      "application/x-www-form-urlencoded",
      "text/plain",
      "application/octet-stream",
      "application/json; charset=utf-16",
    ),
  },
);

const nastyHeaders = fc.record(
  {
    range: fc.constantFrom(
      "bytes=abc",
      "bytes=99999999999999999999-",
      "bytes=-0",
      "bytes=5-1",
      "bytes=0-0,1-1,2-2",
      "items=0-1",
    ),
    "if-none-match": fc.constantFrom("*", '"x"', "W/\u0001"),
    "if-modified-since": fc.constantFrom("not a date", "Tue, 31 Feb 9999 99:99:99 GMT"),
    "content-length": fc.constantFrom("0", "-1", "abc", "99999999999", "3"),
    "stripe-signature": fc.constantFrom("t=1,v1=abc", "", "t=abc", "v1=" + "0".repeat(64)),
    "x-forwarded-for": fc.constantFrom("::1", "%00"),
    accept: fc.constantFrom("application/json", "*/*", "text/html"),
  },
  { requiredKeys: [] },
);

const multipart = (boundary: string, parts: [string, string][], broken: boolean) =>
  parts
    .map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join("") +
  (broken ? `--${boundary}\r\ncontent-disposition: form-data; name="x"\r\n\r\nunterminated` : `--${boundary}--\r\n`);

const FORM_FIELDS = [
  "intent",
  "name",
  "title",
  "email",
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "description",
  "author",
  "category",
  "caption",
  "text",
  "language",
  "timezone",
  "scheduledLocal",
  "publishAtLocal",
  "role",
  "plan",
  "username",
  "userId",
  "invitationId",
  "sessionId",
  "segmentId",
  "postId",
  "accountId",
  "mediaId",
  "mediaIds",
  "artworkMediaId",
  "sourceType",
  "sourceId",
  "type",
  "q",
  "redirectTo",
];
const INTENTS = [
  "change-password",
  "change-role",
  "create-episode",
  "delete",
  "delete-show",
  "invite",
  "leave",
  "publish",
  "remove",
  "retranscribe",
  "revoke-invitation",
  "revoke-others",
  "revoke-session",
  "save",
  "save-language",
  "schedule",
  "summarize",
  "transfer-ownership",
  "unpublish",
  "update-segment",
  "update-show",
  "__proto__",
  "constructor",
];
const formValue = fc.oneof(
  fc.constantFrom(...INTENTS),
  fc.constantFrom(
    "",
    "\u0000",
    "a\u0000b",
    "\uD800",
    MB.slice(0, 300_000),
    "__proto__",
    "2099-02-30T25:61",
    "-1",
    "1e309",
  ),
  fc.uuid(),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const formFields = fc.array(fc.tuple(fc.constantFrom(...FORM_FIELDS), formValue), { minLength: 0, maxLength: 8 });

/** A body that is broken as its declared type, or fine but full of hostile values. */
const nastyBody = fc.oneof(
  formFields.map((fields) => ({
    body: new URLSearchParams(fields).toString(),
    type: "application/x-www-form-urlencoded",
  })),
  formFields.map((fields) => ({
    body: multipart("B0UNDARY", fields, false),
    type: "multipart/form-data; boundary=B0UNDARY",
  })),
  formFields.map((fields) => ({
    body: multipart("B0UNDARY", fields, true),
    type: "multipart/form-data; boundary=B0UNDARY",
  })),
  formFields.map((fields) => ({ body: multipart("B0UNDARY", fields, false), type: "multipart/form-data" })),
  formFields.map((fields) => ({
    body: multipart("B0UNDARY", fields, false),
    type: "multipart/form-data; boundary=OTHER",
  })),
  fc.constantFrom(
    { body: "%ZZ=%ZZ&a", type: "application/x-www-form-urlencoded" },
    { body: "{", type: "application/json" },
    { body: '{"__proto__": {"x": 1}}', type: "application/json" },
    { body: "\u0000", type: "text/plain" },
    { body: MB, type: "application/x-www-form-urlencoded" },
    { body: "", type: "multipart/form-data; boundary=B0UNDARY" },
    { body: "--B0UNDARY\r\n\r\n", type: "multipart/form-data; boundary=B0UNDARY" },
  ),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ body: bytes, type: "application/octet-stream" })),
);

interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const describeRequest = (r: RequestSpec) =>
  `${r.method} ${r.path.slice(0, 300)} headers=${JSON.stringify(r.headers).slice(0, 300)} body=${
    r.body === undefined
      ? "none"
      : JSON.stringify(typeof r.body === "string" ? r.body.slice(0, 300) : `${r.body.length} bytes`)
  }`;

/** Sends one generated request and fails on any 5xx, naming the request. */
async function expectNo5xx(spec: RequestSpec) {
  let response: Response;
  try {
    response = await send(spec.path, {
      method: spec.method,
      headers: spec.headers,
      body: spec.method === "GET" || spec.method === "HEAD" ? undefined : (spec.body as BodyInit),
    });
  } catch (error) {
    // A request the Request constructor itself refuses (e.g. an invalid header value) never reaches the Worker.
    if (error instanceof TypeError && !String(error.stack).includes("server/")) return;
    throw new Error(`${describeRequest(spec)} threw ${String(error)}`, { cause: error });
  }
  const text = spec.method === "HEAD" ? "" : await response.text();
  if (response.status >= 500) {
    throw new Error(`${describeRequest(spec)} answered ${response.status}: ${text.slice(0, 400)}`);
  }
}

function requests(paths: fc.Arbitrary<string>, methods: string[]): fc.Arbitrary<RequestSpec> {
  return fc
    .record({
      method: fc.constantFrom(...methods),
      path: paths,
      query: nastyQueries,
      cookie: cookies(),
      headers: nastyHeaders,
      contentType: nastyContentType,
      sameOrigin: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      body: nastyBody,
    })
    .map(({ method, path, query, cookie, headers, contentType, sameOrigin, body }) => ({
      method,
      path: `${path}${query}`,
      headers: {
        ...headers,
        "content-type": contentType ?? body.type,
        ...(cookie ? { cookie } : {}),
        ...(sameOrigin ? { origin: ORIGIN } : {}),
      },
      body: body.body,
    }));
}

async function run(arbitrary: fc.Arbitrary<RequestSpec>, numRuns: number) {
  const result = await fc.check(fc.asyncProperty(arbitrary, expectNo5xx), { seed: SEED, numRuns, endOnFailure: true });
  if (result.failed) {
    const reason = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    throw new Error(`${reason}\n(reproduce: FUZZ_SEED=${result.seed}, fast-check path ${result.counterexamplePath})`);
  }
}

/** The app's own routes (not the catch-all Remix one or middleware). */
const honoRoutes = [
  ...new Set(
    createApp({ remixBuild: async () => remixBuild })
      .routes.filter((r) => r.path !== "*" && r.path !== "/*" && !r.path.startsWith("/api/trpc"))
      .map((r) => `${r.method} ${r.path}`),
  ),
];

/** Remix routes as URL patterns, with whether they have an action. */
const remixRoutes = Object.values(remixBuild.routes)
  .filter((route) => route.id !== "root")
  .map((route) => {
    const segments: string[] = [];
    const parentOf = (r: typeof route) =>
      r.parentId && Object.hasOwn(remixBuild.routes, r.parentId) ? remixBuild.routes[r.parentId] : undefined;
    for (let r: typeof route | undefined = route; r; r = parentOf(r)) {
      if (r.path) segments.unshift(r.path);
    }
    return { id: route.id, pattern: `/${segments.join("/")}`, action: Boolean(route.module.action) };
  });

describe(`fuzzing the HTTP surface (seed ${SEED})`, () => {
  it("finds the routes", () => {
    expect(honoRoutes.length).toBeGreaterThan(5);
    expect(remixRoutes.filter((r) => r.action).length).toBeGreaterThan(5);
  });

  it.each(honoRoutes)(
    "%s: no 5xx from malformed requests",
    async (route) => {
      const [method, pattern] = route.split(" ");
      const methods = method === "ALL" ? ["GET", "POST", "PUT", "DELETE"] : [method, method, "HEAD", "POST"];
      await run(requests(pathFor(pattern), methods), Math.round(60 * RUNS));
    },
    120_000,
  );

  it.each(remixRoutes.filter((r) => r.action))(
    "Remix action $id: no 5xx from malformed forms",
    async ({ pattern }) => {
      await run(requests(pathFor(pattern), ["POST"]), Math.round(40 * RUNS));
    },
    120_000,
  );

  it.each(remixRoutes.filter((r) => !r.action))(
    "Remix loader $id: no 5xx from malformed URLs",
    async ({ pattern }) => {
      await run(requests(pathFor(pattern), ["GET", "GET", "HEAD", "POST"]), Math.round(15 * RUNS));
    },
    120_000,
  );

  it("tRPC over HTTP: no 5xx from malformed batches and bodies", async () => {
    const procedures = Object.keys(appRouter._def.procedures);
    const trpcPath = fc.oneof(
      fc.constantFrom(...procedures),
      fc.array(fc.constantFrom(...procedures), { minLength: 2, maxLength: 14 }).map((p) => p.join(",")),
      fc.constantFrom("__proto__", "constructor", "auth.__proto__", "auth", "", ",", "%00", "%ZZ", "a".repeat(5000)),
    );
    const input = fc.oneof(
      fc.constantFrom(
        "",
        "?input=%ZZ",
        "?input={",
        "?input=%00",
        "?batch=1",
        "?batch=1&input={}",
        "?batch=1&input=[]",
        '?batch=1&input={"0":{"json":{"__proto__":1}},"99":null}',
        '?input={"json":{"workspaceId":"x"},"meta":{"values":{"workspaceId":["Date"]}}}',
        '?input={"json":1,"meta":{"values":["bigint"]}}',
        '?input={"json":{"a":1},"meta":{"values":{"a":[["custom","nope"]]},"referentialEqualities":{"a":["b.c.d"]}}}',
        `?input=${encodeURIComponent(JSON.stringify({ json: { workspaceId: owner.workspaceId } }))}`,
      ),
      fc
        .anything({ maxDepth: 3 })
        .map((value) => `?input=${encodeURIComponent(JSON.stringify({ json: value }) ?? "")}`),
    );
    const body = fc.oneof(
      fc.constantFrom(
        "",
        "{",
        "null",
        "[]",
        '{"0":{"json":null},"1":"x"}',
        '{"json":{"workspaceId":"\\u0000"}}',
        '{"json":{"__proto__":{"x":1}}}',
        '{"json":{"a":"2024"},"meta":{"values":{"a":["Date"]}}}',
        '{"json":{"a":"x"},"meta":{"values":{"a":["regexp"]}}}',
        '{"json":{"a":"(a+)+$"},"meta":{"values":{"a":["regexp"]}}}',
        '{"json":{"a":{}},"meta":{"values":{"a":["map"]}}}',
        '{"json":{"a":["x"]},"meta":{"values":{"a":["set"]}}}',
        '{"json":{"a":[1]},"meta":{"referentialEqualities":{"a":["__proto__.polluted"]}}}',
        MB,
      ),
      fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify({ json: value }) ?? ""),
    );
    const trpc = fc
      .record({
        method: fc.constantFrom("GET", "POST", "POST", "PUT", "PATCH"),
        path: trpcPath,
        input,
        body,
        cookie: cookies(),
        type: fc.constantFrom("application/json", "text/plain", "multipart/form-data", "application/octet-stream"),
      })
      .map(({ method, path, input, body, cookie, type }) => ({
        method,
        path: `/api/trpc/${path}${input}`,
        headers: { "content-type": type, origin: ORIGIN, ...(cookie ? { cookie } : {}) },
        body,
      }));
    await run(trpc, Math.round(400 * RUNS));
  }, 300_000);
});
