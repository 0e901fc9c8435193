import { createMessageBatch, env } from "cloudflare:test";
import { and, eq, gte, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { emails, grants, users } from "../../db/schema";
import { NEWSLETTER_PREPARE_JOB, NEWSLETTER_SEND_JOB } from "../../server/services/posts/newsletter";
import { privateFeedKey, privateFeedToken } from "../../server/services/private-feeds/tokens";
import worker from "../../workers/app";
import { insertEpisode } from "../support/podcasts";
import { endGrant, grantTier, insertSupporter, insertTier } from "../support/private-feeds";
import { mutate, ORIGIN, query, send, signUpOverHttp } from "./http";
import { publishedShow, workerDb } from "./podcast-fixtures";

/**
 * Paywall everywhere (issue 12 item 8), over HTTP through the built Worker: one post and one episode open to a
 * chosen paid tier, each carrying a secret word in its body or notes, and every surface that can carry content
 * read as anonymous, a free member, a member of the wrong paid tier and a member of the right one. The secret
 * appears only for the right tier, and only where that surface shows content at all (the public episode page
 * never shows a gated episode's notes: members listen in their private feed, ADR 028).
 *
 * The post is written over HTTP (posts.create with hostile markup, then posts.update to publish it and send it as a
 * newsletter), so the real sanitiser runs. The free member and the wrong tier once held the right tier too: they
 * commented on the post while they could read it, the grant then ended, and the creator replied to every comment,
 * so each reader class receives a reply notification about a post it may or may not read now.
 */

const POST_SECRET = "zebracode";
const EPISODE_SECRET = "okapinotes";
const COMMENT_SECRET = "quokkaremark";
const REPLY_SECRET = "narwhalanswer";

type Reader = "anonymous" | "free" | "wrongTier" | "rightTier";
type Member = Exclude<Reader, "anonymous">;
const READERS: Reader[] = ["anonymous", "free", "wrongTier", "rightTier"];
const MEMBERS: Member[] = ["free", "wrongTier", "rightTier"];

/** What the email provider's HTTP API received (Resend's `POST /emails`), captured at the Worker's `fetch`. */
interface SentEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

let fx: Awaited<ReturnType<typeof world>>;

/** A queue producer that keeps what is sent, so a job's follow-up messages can be run through the Worker by hand. */
function capturingQueue() {
  const sent: unknown[] = [];
  const producer = {
    async send(body: unknown) {
      sent.push(body);
    },
    async sendBatch(messages: { body: unknown }[]) {
      for (const message of messages) sent.push(message.body);
    },
  };
  return { sent, producer: producer as unknown as Queue };
}

/** Runs queue messages through the Worker's real queue handler (workers/app.ts → dispatch → job). */
async function runQueue(bodies: unknown[], bindings: typeof env) {
  const batch = createMessageBatch(
    "greenroom-email",
    bodies.map((body, i) => ({ id: `m-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  await worker.queue(batch, bindings);
}

const jobOf = (body: unknown) => (body as { job: string }).job;

async function world() {
  const { owner, show, media } = await publishedShow({ showTitle: "Paywall show" });
  const handle = workerDb();
  try {
    const free = await insertTier(handle.db, owner.workspaceId, { name: "Free", paid: false });
    const wrong = await insertTier(handle.db, owner.workspaceId, { name: "Bronze", paid: true });
    const right = await insertTier(handle.db, owner.workspaceId, { name: "Gold", paid: true });
    const key = await privateFeedKey(env.UPLOAD_SIGNING_SECRET);
    const people: Partial<Record<Member, { cookie: string; feed: string; email: string; userId: string }>> = {};
    const lapsedGold: { id: string; workspaceId: string }[] = [];
    for (const [reader, tier] of [
      ["free", free],
      ["wrongTier", wrong],
      ["rightTier", right],
    ] as const) {
      const person = await signUpOverHttp(`Reader ${reader}`);
      // Newsletters go to confirmed addresses only.
      await handle.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, person.userId));
      const supporter = await insertSupporter(handle.db, owner.workspaceId, person.userId);
      await grantTier(handle.db, supporter, tier, { startsAt: new Date(Date.now() - 60_000) });
      if (reader !== "rightTier") {
        lapsedGold.push(await grantTier(handle.db, supporter, right, { startsAt: new Date(Date.now() - 60_000) }));
      }
      const token = await privateFeedToken({ key, supporterId: supporter.id, showId: show.id, generation: 0 });
      people[reader] = {
        cookie: person.cookie,
        feed: `/feeds/private/${token}`,
        email: person.email,
        userId: person.userId,
      };
    }
    const episode = await insertEpisode(handle.db, show, {
      title: "Gold episode",
      description: `Show notes with ${EPISODE_SECRET}`,
      status: "published",
      publishedAt: new Date(Date.now() - 60_000),
      audioMediaId: media.id,
      visibility: "tiers",
      visibilityTierIds: [right.id],
    });
    const ownerHeaders = { cookie: owner.cookie };
    const created = await mutate(
      "posts.create",
      {
        workspaceId: owner.workspaceId,
        title: "Gold post",
        excerpt: "An open teaser",
        bodyHtml: `<p onclick="steal()">The paid text: ${POST_SECRET}.</p><script>alert("x")</script><img src="x" onerror="alert(1)">`,
        visibility: "tiers",
        visibilityTierIds: [right.id],
      },
      ownerHeaders,
    );
    expect(created.status, await created.clone().text()).toBe(200);
    const post = ((await created.json()) as { result: { data: { json: { id: string; bodyHtml: string } } } }).result
      .data.json;
    // The sanitiser ran in the Worker: the text stays, the script and the handlers do not.
    expect(post.bodyHtml).toContain(POST_SECRET);
    expect(post.bodyHtml).not.toMatch(/script|onclick|onerror/);
    const postId = post.id;
    const published = await mutate(
      "posts.update",
      { workspaceId: owner.workspaceId, postId, status: "published" },
      ownerHeaders,
    );
    expect(published.status).toBe(200);
    const commentIds = {} as Record<Member, string>;
    for (const reader of MEMBERS) {
      const commented = await mutate(
        "comments.create",
        {
          workspaceId: owner.workspaceId,
          targetKind: "post",
          targetId: postId,
          body: `${reader} says ${COMMENT_SECRET}`,
        },
        { cookie: people[reader]!.cookie },
      );
      expect(commented.status).toBe(200);
      commentIds[reader] = (
        (await commented.json()) as { result: { data: { json: { id: string } } } }
      ).result.data.json.id;
    }
    for (const grant of lapsedGold) await endGrant(handle.db, grant, "canceled");
    // The creator answers every comment: each author is told, in words that follow their access now.
    const replyStart = new Date(Date.now() - 1000);
    for (const reader of MEMBERS) {
      const replied = await mutate(
        "comments.create",
        {
          workspaceId: owner.workspaceId,
          targetKind: "post",
          targetId: postId,
          parentId: commentIds[reader],
          body: `The creator answers ${REPLY_SECRET}`,
        },
        ownerHeaders,
      );
      expect(replied.status).toBe(200);
    }
    const replyEmails = await handle.db
      .select()
      .from(emails)
      .where(
        and(
          inArray(
            emails.to,
            MEMBERS.map((reader) => people[reader]!.email),
          ),
          // Sign-up sent each of them a confirmation before.
          gte(emails.createdAt, replyStart),
        ),
      );
    const newsletter = await sendNewsletter({ ws: owner.workspaceId, postId, ownerHeaders });
    // Which grants each reader holds now (the lapsed Gold grants are ended).
    const stillGold = await handle.db
      .select({ id: grants.id })
      .from(grants)
      .where(and(eq(grants.tierId, right.id), eq(grants.status, "active")));
    expect(stillGold).toHaveLength(1);
    return { owner, show, episode, postId, people, ws: owner.workspaceId, replyEmails, newsletter };
  } finally {
    await handle.close();
  }
}

/**
 * The newsletter through the Worker's real path: posts.update with sendNewsletter queues the prepare job; the queue
 * handler runs it (recipients by the gate, delivery rows, send batches queued); the queue handler runs each send
 * batch with the Resend provider, whose HTTP API is the one thing replaced (at `fetch`), so every email body a
 * recipient would get is captured as rendered. The local `outbox` provider keeps no copy of a newsletter.
 */
async function sendNewsletter(opts: { ws: string; postId: string; ownerHeaders: Record<string, string> }) {
  const queue = capturingQueue();
  const bindings = {
    ...env,
    EMAIL_QUEUE: queue.producer,
    EMAIL_PROVIDER: "resend" as const,
    RESEND_API_KEY: "re_test",
    RESEND_API_URL: "https://email-provider.test",
  };
  const asked = await send(
    "/api/trpc/posts.update",
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, ...opts.ownerHeaders },
      body: JSON.stringify({ json: { workspaceId: opts.ws, postId: opts.postId, sendNewsletter: true } }),
    },
    bindings,
  );
  expect(asked.status).toBe(200);
  expect(queue.sent.map(jobOf)).toEqual([NEWSLETTER_PREPARE_JOB]);
  const prepare = queue.sent.splice(0);
  const mailed: SentEmail[] = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(bindings.RESEND_API_URL)) return realFetch(input, init);
    mailed.push(JSON.parse(String(init?.body)) as SentEmail);
    return Response.json({ id: `provider-${mailed.length}` });
  });
  try {
    await runQueue(prepare, bindings);
    const sends = queue.sent.splice(0);
    expect(sends.length).toBeGreaterThan(0);
    expect(new Set(sends.map(jobOf))).toEqual(new Set([NEWSLETTER_SEND_JOB]));
    await runQueue(sends, bindings);
  } finally {
    spy.mockRestore();
  }
  return mailed;
}

afterAll(() => vi.restoreAllMocks());

beforeAll(async () => {
  fx = await world();
});

const headersOf = (reader: Reader): Record<string, string> =>
  reader === "anonymous" ? {} : { cookie: fx.people[reader]!.cookie };
const get = (path: string, reader: Reader) => send(path, { headers: headersOf(reader) });
const bodyOf = async (response: Response) => ({ status: response.status, text: await response.text() });

describe("paywall everywhere: a tier-gated post and episode, read as each reader", () => {
  for (const reader of READERS) {
    const allowed = reader === "rightTier";

    it(`${reader}: the post page, its data request and its Open Graph tags`, async () => {
      const path = `/c/${fx.ws}/posts/${fx.postId}`;
      const html = await bodyOf(await get(path, reader));
      expect(html.status).toBe(200);
      expect(html.text).toContain("Gold post");
      expect(html.text.includes(POST_SECRET), "page HTML").toBe(allowed);
      // Open Graph and the description come from the title and teaser only, for every reader.
      const og = [...html.text.matchAll(/<meta[^>]+(?:property|name)="(?:og:[a-z]+|description)"[^>]*>/g)].join("");
      expect(og).toContain("An open teaser");
      expect(og).not.toContain(POST_SECRET);
      // Remix's single-fetch data request for the same page.
      const data = await bodyOf(await get(`${path}.data`, reader));
      expect(data.status).toBe(200);
      expect(data.text.includes(POST_SECRET), "page data").toBe(allowed);
      // The comment under it is as closed as the post.
      expect(html.text.includes(COMMENT_SECRET), "comment on the page").toBe(allowed);
    });

    it(`${reader}: tRPC post, comments and search`, async () => {
      const post = await bodyOf(
        await query("posts.getPublic", { workspaceId: fx.ws, postId: fx.postId }, headersOf(reader)),
      );
      expect(post.status).toBe(200);
      expect(post.text.includes(POST_SECRET), "posts.getPublic").toBe(allowed);
      const thread = await bodyOf(
        await query("comments.listThread", { targetKind: "post", targetId: fx.postId }, headersOf(reader)),
      );
      expect(thread.status).toBe(allowed ? 200 : 404);
      expect(thread.text.includes(COMMENT_SECRET), "comments.listThread").toBe(allowed);
      expect(thread.text.includes(REPLY_SECRET), "comments.listThread replies").toBe(allowed);
      const list = await bodyOf(await query("posts.listPublic", { workspaceId: fx.ws }, headersOf(reader)));
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(POST_SECRET);
      // A body match alone finds the post only for a reader who may read the body.
      const search = await query("posts.searchPublic", { workspaceId: fx.ws, q: POST_SECRET }, headersOf(reader));
      expect(search.status).toBe(200);
      const found = ((await search.json()) as { result: { data: { json: { items: unknown[] } } } }).result.data.json;
      expect(found.items.length > 0, "posts.searchPublic").toBe(allowed);
      const byTeaser = await bodyOf(
        await query("posts.searchPublic", { workspaceId: fx.ws, q: "teaser" }, headersOf(reader)),
      );
      expect(byTeaser.status).toBe(200);
      // A teaser match quotes its snippet from the title and teaser for a reader without access.
      if (!allowed) expect(byTeaser.text).not.toContain(POST_SECRET);
    });

    it(`${reader}: the episode page, its data, the public feed and the episode's public files`, async () => {
      const path = `/p/${fx.show.id}/${fx.episode.id}`;
      const html = await bodyOf(await get(path, reader));
      expect(html.status).toBe(200);
      expect(html.text).toContain("Gold episode");
      // Nobody reads a gated episode's notes on the public page, the right tier included (they use the feed).
      expect(html.text).not.toContain(EPISODE_SECRET);
      const data = await bodyOf(await get(`${path}.data`, reader));
      expect(data.text).not.toContain(EPISODE_SECRET);
      const show = await bodyOf(await get(`/p/${fx.show.id}`, reader));
      expect(show.text).not.toContain(EPISODE_SECRET);
      const feed = await bodyOf(await get(`/feeds/${fx.show.id}.xml`, reader));
      expect(feed.status).toBe(200);
      expect(feed.text).not.toContain(EPISODE_SECRET);
      expect(feed.text).not.toContain(fx.episode.id);
      for (const file of ["transcript.vtt", "transcript.srt", "chapters.json"]) {
        const response = await get(`/feeds/${fx.show.id}/episodes/${fx.episode.id}/${file}`, reader);
        expect(response.status, file).toBe(404);
        await response.body?.cancel();
      }
    });

    it(`${reader}: the private feed`, async () => {
      if (reader === "anonymous") {
        // No supporter, no address: a made-up token is unknown.
        const response = await get(`/feeds/private/${"A".repeat(43)}`, reader);
        expect(response.status).toBe(404);
        await response.body?.cancel();
        return;
      }
      // The show's only gated episode is Gold's: the other members' grants open nothing in it, so their address
      // is refused with the explanation (ADR 028, addendum of 6 December 2026).
      const feed = await bodyOf(await get(fx.people[reader]!.feed, reader));
      expect(feed.status).toBe(allowed ? 200 : 410);
      expect(feed.text.includes(EPISODE_SECRET), "private feed").toBe(allowed);
      // The free member's Gold ended; the wrong tier still pays, for a tier that does not include it.
      if (reader === "free") expect(feed.text).toContain("Your paid membership ended");
      if (reader === "wrongTier") expect(feed.text).toContain("Your membership does not include these episodes");
      const audio = await get(`${fx.people[reader]!.feed}/episodes/${fx.episode.id}/audio.mp3`, reader);
      expect(audio.status, "private enclosure").toBe(allowed ? 200 : 410);
      await audio.body?.cancel();
    });

    it(`${reader}: the newsletter email and its web version`, async () => {
      if (reader !== "anonymous") {
        const mine = fx.newsletter.filter((email) => email.to.includes(fx.people[reader]!.email));
        // Only a reader the gate lets read the post gets it; nobody else gets a copy, not even a teaser.
        expect(mine, "newsletter copies").toHaveLength(allowed ? 1 : 0);
        if (allowed) {
          const [email] = mine;
          expect(email.html).toContain(POST_SECRET);
          expect(email.text).toContain(POST_SECRET);
          expect(email.html).not.toMatch(/<script|onclick|onerror/);
          expect(email.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
        }
      }
      // The copy's "Read it on the web" link is the post page, which follows the reader's access.
      const [copy] = fx.newsletter;
      const webVersion = /Read it on the web: (\S+)/.exec(copy.text)![1];
      expect(webVersion).toBe(`${ORIGIN}/c/${fx.ws}/posts/${fx.postId}`);
      const page = await bodyOf(await get(webVersion.slice(ORIGIN.length), reader));
      expect(page.status).toBe(200);
      expect(page.text.includes(POST_SECRET), "web version").toBe(allowed);
    });

    it(`${reader}: the reply notification, and the comment lists a supporter sees`, async () => {
      if (reader === "anonymous") {
        // Nobody to notify; their own comment list is for signed-in supporters only.
        const mine = await query("comments.listMine", { workspaceId: fx.ws }, {});
        expect(mine.status).toBe(401);
        expect(await mine.text()).not.toContain(COMMENT_SECRET);
        return;
      }
      // Reply emails only (sign-up sent each reader a confirmation too): their footer says why they came.
      const mails = fx.replyEmails.filter(
        (email) => email.to === fx.people[reader]!.email && email.text.includes("because you commented"),
      );
      expect(mails, "reply emails").toHaveLength(1);
      const [mail] = mails;
      // The post's body is never in a notification; the reply and the post's title only for a reader of the post.
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toContain(POST_SECRET);
      for (const part of [mail.text, mail.html]) {
        expect(part.includes(REPLY_SECRET), "reply email quotes the reply").toBe(allowed);
      }
      expect(mail.subject.includes("Gold post"), "reply email names the post").toBe(allowed);
      if (!allowed) for (const part of [mail.text, mail.html]) expect(part).not.toContain("Gold post");
      // The portal's "your comments": their own words, and the post's title only while they may read it.
      const mine = await query("comments.listMine", { workspaceId: fx.ws }, headersOf(reader));
      expect(mine.status).toBe(200);
      const items = (
        (await mine.json()) as {
          result: { data: { json: { items: { body: string; target: { title: string } | null }[] } } };
        }
      ).result.data.json.items;
      expect(items.map((item) => item.body)).toEqual([`${reader} says ${COMMENT_SECRET}`]);
      expect(items[0].target?.title ?? null).toBe(allowed ? "Gold post" : null);
      const portal = await bodyOf(await get(`/c/${fx.ws}/account`, reader));
      expect(portal.status).toBe(200);
      expect(portal.text).not.toContain(POST_SECRET);
      expect(portal.text).not.toContain(REPLY_SECRET);
    });

    it(`${reader}: downloads`, async () => {
      // No supporter-facing export exists (no personal-data download yet); the downloads are the team's CSVs. None
      // carries post content, and none opens to a reader outside the team.
      for (const path of [`/w/${fx.ws}/audience.csv`, `/w/${fx.ws}/analytics.csv`]) {
        const response = await bodyOf(await get(path, reader));
        expect(response.status, path).not.toBe(200);
        expect(response.text).not.toContain(POST_SECRET);
        expect(response.text).not.toContain(COMMENT_SECRET);
      }
    });
  }

  it("the creator's own downloads carry no post or comment content either", async () => {
    for (const path of [`/w/${fx.ws}/audience.csv`, `/w/${fx.ws}/analytics.csv`]) {
      const response = await bodyOf(await send(path, { headers: { cookie: fx.owner.cookie } }));
      expect(response.status, path).toBe(200);
      expect(response.text).not.toContain(POST_SECRET);
      expect(response.text).not.toContain(COMMENT_SECRET);
    }
  });
});
