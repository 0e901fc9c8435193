/**
 * `npm run test:browser`: end-to-end scenarios in Chromium against the whole app (`scripts/dev.ts`: local
 * Postgres, the Remix build, `wrangler dev` with its queue consumer), started here on free ports with its own
 * data folders and always stopped again.
 *
 * Needs Chromium at /usr/bin/chromium (Debian: `apt-get install chromium`), or CHROMIUM_PATH.
 * Prints `ok - <name>` / `not ok - <name>: <error>` per scenario and ends with `browser: N passed, N failed`;
 * a failed scenario leaves a screenshot in test-results/browser/.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { sleep, startApp, type RunningApp } from "../../scripts/app-process";
import { toZonedLocal } from "../../server/services/social/schedule-time";
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { createDb } from "../../db/client";
import { notifyWorkspace } from "../../server/services/notifications/notify";
import { pngFile } from "../support/images";
import { insertEpisode, insertPublishedEpisode, insertShow, insertTranscript } from "../support/podcasts";
import { wavFile } from "../support/audio";
import { and, eq, isNull } from "drizzle-orm";
import {
  adArrangements,
  analyticsRequests,
  campaignFlightTargets,
  checkIns,
  episodes,
  events,
  mediaObjects,
  tickets,
} from "../../db/schema";
import type { Database } from "../../db/client";
import { insertEvent } from "../support/events";
import { addSteward } from "../support/checkin";
import { createCampaign, createUser, createWorkspace } from "../support/factories";

// Scenarios that seed through a transaction open the driver's WebSocket pool, and Node 20 has no global WebSocket.
neonConfig.webSocketConstructor = ws;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const RESULTS_DIR = path.join(ROOT, "test-results", "browser");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/**
 * "Sync now" is refused for five minutes after any sync of the account (SYNC_NOW_COOLDOWN_MS in
 * server/services/social/insights.ts), including the six-hourly sync cron's at 00/06/12/18 UTC.
 */
const SYNC_NOW_COOLDOWN_MS = 5 * 60_000;
/**
 * The social scenario waits up to SOCIAL_PUBLISH_TIMEOUT_MS for the cron and the queue to publish its post, and
 * up to SYNC_NOW_COOLDOWN_MS more when a run crosses the sync cron's hour; the 320 px scenario visits ~30 pages.
 */
const OVERALL_TIMEOUT_MS = 8 * 60_000 + SYNC_NOW_COOLDOWN_MS + 2 * 60_000;
const STEP_TIMEOUT_MS = 15_000;
const DESKTOP = { width: 1280, height: 900 };
/** The check-in page is used on a steward's phone. */
const PHONE = { width: 360, height: 760 };
/** Emails are written at once but delivered by the queue consumer a second or two later. */
const MAIL_TIMEOUT_MS = 30_000;
/** A post scheduled one to two minutes out, claimed by the every-minute cron and published by the queue consumer. */
const SOCIAL_PUBLISH_TIMEOUT_MS = 200_000;
/** The analytics queue's consumer takes a batch after at most 5 s (wrangler.toml); waitUntil work lands sooner. */
const BACKGROUND_TIMEOUT_MS = 30_000;
/** `BROWSER_ONLY=<part of a scenario's name>` runs only the scenarios whose names contain it; unset, all run. */
const ONLY = process.env.BROWSER_ONLY?.trim().toLowerCase() ?? "";
/** Two podcast apps of the Open Podcast Analytics Working Group's list (a curl user agent would count as a bot). */
const OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
const POCKET_CASTS = "Pocket Casts/7.52 (Android 14)";

interface Scenario {
  name: string;
  /** The page it drives: the one screenshotted when it fails. */
  page: Page;
  run: () => Promise<void>;
}

/** Rejects if `promise` has not settled within `ms`; the timer never outlives the race. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ----------------------------------------------------------------------------------------------- Helpers

/** Polls `read` until it returns something, for work the app does off the response's path (queue, waitUntil). */
async function waitFor<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + BACKGROUND_TIMEOUT_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting ${BACKGROUND_TIMEOUT_MS / 1000}s for ${what}`);
    await sleep(500);
  }
}

/**
 * Waits until the dev mailbox lists an email to `to`, with `subject` in its subject, as delivered; opens it and
 * returns its first link, after checking that the link points at the app under test.
 */
async function openDeliveredEmail(page: Page, baseUrl: string, to: string, subject: string) {
  const deadline = Date.now() + MAIL_TIMEOUT_MS;
  for (;;) {
    await page.goto(`${baseUrl}/dev/mailbox`);
    const email = page
      .locator("details.mail")
      .filter({ hasText: `To ${to}` })
      .filter({ hasText: subject })
      .first();
    if ((await email.count()) > 0 && (await email.locator(".badge").innerText()) === "Delivered") {
      await email.locator("summary").click();
      const link = email.locator(".mail-text a").first();
      const href = await link.getAttribute("href");
      assert.ok(href?.startsWith(`${baseUrl}/`), `the email "${subject}" links to ${href}, not to ${baseUrl}`);
      return link;
    }
    if (Date.now() > deadline)
      throw new Error(`no delivered email "${subject}" to ${to} in the dev mailbox after ${MAIL_TIMEOUT_MS / 1000}s`);
    await sleep(500);
  }
}

const WORKSPACE_URL = /\/w\/[0-9a-f-]{36}(\?.*)?$/;

function workspaceIdOf(page: Page) {
  const id = /\/w\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  assert.ok(id, `not on a workspace page: ${page.url()}`);
  return id;
}

/**
 * Presses "Sync now" on the analytics page until the on-demand sync runs and reports `synced`. When the run
 * crosses 00/06/12/18 UTC the sync cron may have synced the account moments before (possibly before the post was
 * published): the page then answers with the documented cooldown message, and the sync is pressed again once the
 * cooldown is over, so the sync checked is always one that ran after the post went out.
 */
async function syncNow(page: Page, synced: string) {
  const deadline = Date.now() + SYNC_NOW_COOLDOWN_MS + 60_000;
  const done = page.getByText(synced, { exact: true });
  const cooldown = page.getByText(/^This account was synced a moment ago\. Try again in \d+ minutes?\.$/);
  for (;;) {
    await page.getByRole("button", { name: "Sync now" }).click();
    await done.or(cooldown).first().waitFor();
    if (await done.isVisible()) return;
    if (Date.now() > deadline)
      throw new Error(`"Sync now" was still cooling down ${(SYNC_NOW_COOLDOWN_MS + 60_000) / 1000}s later`);
    await sleep(15_000);
    await page.reload();
  }
}

async function fillSignUp(page: Page, user: { name: string; email: string; password: string }) {
  await page.getByLabel("Your name", { exact: true }).fill(user.name);
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function fillLogIn(page: Page, user: { email: string; password: string }) {
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** A browser context of its own with `user` signed in (their session cookie), and a page in it. */
async function signedInPage(browser: Browser, baseUrl: string, user: { sessionToken: string }, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: "greenroom_session", value: user.sessionToken, url: baseUrl }]);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { context, page };
}

/**
 * A creator's workspace with a published paid event (one ticket type at `priceCents`, buyers may cancel until 48 h
 * before the start) and a signed-in supporter in their own browser context, ready to buy through the sandbox.
 */
async function paidEventSetup(
  db: Database,
  browser: Browser,
  baseUrl: string,
  names: { owner: string; workspace: string; supporter: string },
  opts: { priceCents: number; capacity: number },
) {
  const owner = await createUser(db, { name: names.owner });
  const workspace = await createWorkspace(db, owner, names.workspace);
  const { event, types } = await insertEvent(db, workspace.id, {
    capacity: opts.capacity,
    types: [{ name: "Seat", priceCents: opts.priceCents }],
  });
  await db.update(events).set({ refundWindowHours: 48 }).where(eq(events.id, event.id));
  const supporter = await createUser(db, { name: names.supporter });
  const { context, page: supporterPage } = await signedInPage(browser, baseUrl, supporter);
  return { owner, workspace, event, type: types[0]!, supporter, context, supporterPage };
}

/**
 * Buys one ticket on the public event page, pays on the labelled sandbox checkout and returns the ticket's id once
 * the page lists it (the sandbox confirms the payment offline, through the same events as Stripe).
 */
async function buyTicketInSandbox(page: Page, eventUrl: string, price: string) {
  await page.goto(eventUrl);
  await page.getByRole("button", { name: "Buy tickets" }).click();
  await page.waitForURL(/\/sandbox\/checkout\/[^/?]+$/);
  await page.getByRole("heading", { level: 1, name: "Sandbox payment — no real money" }).waitFor();
  await page.getByRole("button", { name: `Pay ${price} (sandbox)` }).click();
  await page.waitForURL(/\?order=/);
  const link = page.getByRole("region", { name: "Your tickets" }).getByRole("link", { name: "Ticket 1" });
  const deadline = Date.now() + MAIL_TIMEOUT_MS;
  while ((await link.count()) === 0) {
    if (Date.now() > deadline) throw new Error("the paid ticket never appeared on the event page");
    await sleep(500);
    await page.reload();
  }
  const href = await link.getAttribute("href");
  const ticketId = /\/tickets\/([0-9a-f-]{36})$/.exec(href ?? "")?.[1];
  assert.ok(ticketId, `unexpected ticket link ${href}`);
  return ticketId;
}

/** Screenshots the QR code on the ticket page into `file`: the "photo" of a ticket that a steward scans. */
async function photographTicket(page: Page, ticketUrl: string, file: string) {
  await page.goto(ticketUrl);
  await writeFile(file, await page.getByRole("img", { name: /^QR code of your ticket/ }).screenshot());
  return file;
}

/**
 * `paidEventSetup` at the door: the supporter buys a seat through the sandbox and photographs its QR code into
 * `folder`, and a steward of the workspace is signed in on a phone, ready to open the check-in page.
 */
async function doorSetup(
  db: Database,
  browser: Browser,
  baseUrl: string,
  names: { owner: string; workspace: string; supporter: string; steward: string },
  folder: string,
) {
  const setup = await paidEventSetup(db, browser, baseUrl, names, { priceCents: 1000, capacity: 5 });
  const eventUrl = `${baseUrl}/c/${setup.workspace.id}/events/${setup.event.id}`;
  const ticketId = await buyTicketInSandbox(setup.supporterPage, eventUrl, "$10.00");
  const ticketUrl = `${baseUrl}/c/${setup.workspace.id}/tickets/${ticketId}`;
  const photo = await photographTicket(setup.supporterPage, ticketUrl, path.join(folder, `${ticketId}.png`));
  const steward = await addSteward(db, setup.workspace.id, names.steward);
  const { context: stewardContext, page: door } = await signedInPage(browser, baseUrl, steward, PHONE);
  return { ...setup, eventUrl, ticketId, photo, steward, stewardContext, door };
}

// --------------------------------------------------------------------------------------------- Scenarios

/** `page` runs with JavaScript and carries one user through scenarios 1-6; `plain` has JavaScript disabled. */
function scenarios(baseUrl: string, page: Page, plain: Page, database: RunningApp["database"]): Scenario[] {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const user = { name: "Robin Browser", email: `robin-${stamp}@example.com`, password: "a long enough password" };
  const invitee = `guest-${stamp}@example.com`;
  const secondWorkspace = `Second studio ${stamp}`;
  let firstWorkspaceId = "";

  return [
    {
      page,
      name: "sign up lands on the dashboard with the unverified-email banner",
      async run() {
        await page.goto(`${baseUrl}/signup`);
        await fillSignUp(page, user);
        await page.waitForURL(WORKSPACE_URL);
        firstWorkspaceId = workspaceIdOf(page);
        await page.getByRole("heading", { level: 1, name: /^Welcome to / }).waitFor();
        await page
          .getByRole("region", { name: "Email confirmation" })
          .getByText("Confirm your email address.")
          .waitFor();
      },
    },
    {
      page,
      name: "the verification email's link confirms the address",
      async run() {
        const link = await openDeliveredEmail(page, baseUrl, user.email, "Confirm your email");
        await link.click();
        await page.waitForURL(/\/verify-email\?token=/);
        await page.getByRole("button", { name: "Confirm my email" }).click();
        await page.waitForURL(WORKSPACE_URL);
        await page.getByText("Your email address is confirmed.").waitFor();
        assert.equal(
          await page.getByRole("region", { name: "Email confirmation" }).count(),
          0,
          "the unverified banner is still shown",
        );
      },
    },
    {
      page,
      name: "a second workspace is created from the switcher",
      async run() {
        await page.goto(`${baseUrl}/w/${firstWorkspaceId}`);
        await page.locator(".switcher > summary").click();
        await page.getByRole("link", { name: "New workspace" }).click();
        await page.waitForURL(/\/workspaces\/new$/);
        await page.getByLabel("Workspace name", { exact: true }).fill(secondWorkspace);
        await page.getByRole("button", { name: "Create workspace" }).click();
        await page.waitForURL(WORKSPACE_URL);
        assert.notEqual(workspaceIdOf(page), firstWorkspaceId, "still on the first workspace");
        await page.getByRole("heading", { level: 1, name: `Welcome to ${secondWorkspace}` }).waitFor();
        await page.locator(".switcher > summary").click();
        assert.equal(
          await page.locator(".switcher .menu-list li").count(),
          2,
          "the switcher should list both workspaces",
        );
        await page.keyboard.press("Escape");
        assert.equal(await page.locator(".switcher").getAttribute("open"), null, "Escape should close the switcher");
      },
    },
    {
      page,
      name: "inviting a member lists the invitation and mails it",
      async run() {
        await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Members" }).click();
        await page.getByRole("heading", { level: 1, name: "Members" }).waitFor();
        await page.getByLabel("Email address", { exact: true }).fill(invitee);
        await page.getByLabel("Role", { exact: true }).selectOption("viewer");
        await page.getByRole("button", { name: "Send invitation" }).click();
        await page.getByRole("status").getByText(`Invitation sent to ${invitee}`).waitFor();
        const row = page
          .getByRole("region", { name: "Pending invitations" })
          .getByRole("row")
          .filter({ hasText: invitee });
        await row.waitFor();
        assert.match(await row.innerText(), /Viewer/);
        const link = await openDeliveredEmail(page, baseUrl, invitee, `invited you to ${secondWorkspace}`);
        assert.match((await link.getAttribute("href")) ?? "", /\/invite\/[\w-]{10,}$/);
      },
    },
    {
      page,
      name: "log out, then log back in to the dashboard",
      async run() {
        await page.goto(`${baseUrl}/w/${firstWorkspaceId}`);
        await page.locator(".user-menu > summary").click();
        await page.getByRole("button", { name: "Log out" }).click();
        await page.waitForURL(/\/login(\?.*)?$/);
        await page.getByRole("heading", { level: 1, name: "Log in to Greenroom" }).waitFor();
        await fillLogIn(page, user);
        await page.waitForURL(WORKSPACE_URL);
        await page.getByRole("heading", { level: 1, name: /^Welcome to / }).waitFor();
      },
    },
    {
      page,
      name: "the billing page in the offline default says billing is not configured and shows the Free plan",
      async run() {
        await page.goto(`${baseUrl}/w/${firstWorkspaceId}`);
        await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Billing" }).click();
        await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();
        await page.getByRole("heading", { level: 2, name: "Billing is not configured" }).waitFor();
        await page.getByText("This workspace is on the Free plan.").waitFor();
        const current = page
          .getByRole("region", { name: "Plans" })
          .getByRole("row")
          .filter({ hasText: "Current plan" });
        assert.match(await current.innerText(), /^Free/);
        assert.equal(
          await page.getByRole("button", { name: /^Upgrade to / }).count(),
          0,
          "offline there is nothing to buy",
        );
        assert.equal(await page.locator(".usage-meters meter").count(), 5, "one meter per plan limit");
      },
    },
    {
      page,
      name: "an audio upload shows progress, retries a failed part, resumes after a reload and lands in the media library",
      async run() {
        // 9 MiB: two parts, so the browser takes the multipart path.
        const total = 9 * 1024 * 1024 + 321;
        const name = `Pilot episode ${stamp}.wav`;
        const folder = await mkdtemp(path.join(tmpdir(), "greenroom-upload-"));
        const file = path.join(folder, name);
        await writeFile(file, wavFile(total));
        const openMedia = async () => {
          await page.getByRole("heading", { level: 1, name: "Media" }).waitFor();
          await page.waitForFunction(
            () => document.querySelector<HTMLButtonElement>(".dropzone .button")?.disabled === false,
          );
          // Every value the progress bar and the status line take, to check what the person saw on the way.
          await page.evaluate(() => {
            const seen: { progress: number[]; status: string[] } = { progress: [], status: [] };
            (window as unknown as { uploadSeen: typeof seen }).uploadSeen = seen;
            new MutationObserver(() => {
              const bar = document.querySelector<HTMLProgressElement>("progress.upload-progress");
              const status = document.querySelector(".upload-status")?.textContent ?? "";
              if (bar && seen.progress.at(-1) !== bar.value) seen.progress.push(bar.value);
              if (status && seen.status.at(-1) !== status) seen.status.push(status);
            }).observe(document.body, {
              subtree: true,
              childList: true,
              characterData: true,
              attributes: true,
              attributeFilter: ["value"],
            });
          });
        };
        const seen = () =>
          page.evaluate(
            () => (window as unknown as { uploadSeen: { progress: number[]; status: string[] } }).uploadSeen,
          );
        try {
          await page.goto(`${baseUrl}/w/${firstWorkspaceId}`);
          await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Media" }).click();
          await openMedia();

          // Part 1's first attempt loses its connection; part 2 never gets an answer before the reload.
          let part1Attempts = 0;
          await page.route(/\/api\/uploads\/[^/]+\/parts\/\d+\?/, (route) => {
            if (/\/parts\/2\?/.test(route.request().url())) return;
            return part1Attempts++ === 0 ? route.abort("connectionreset") : route.continue();
          });
          const part1Stored = page.waitForResponse(
            (response) => /\/parts\/1\?/.test(response.url()) && response.status() === 200,
            { timeout: 30_000 },
          );
          await page.getByLabel("Files to upload", { exact: true }).setInputFiles(file);
          await part1Stored;
          const before = await seen();
          assert.ok(
            before.status.some((text) => /^Part 1 failed \(the connection failed\)\. Retry 1 of 3/.test(text)),
            `no retry was shown: ${before.status.join(" | ")}`,
          );
          assert.ok(
            before.progress.some((value) => value > 0 && value < total),
            `the progress bar never showed partial progress: ${before.progress.join(", ")}`,
          );

          // Reloading cancels part 2 in flight (unrouting first would let it through).
          page.once("dialog", (dialog) => void dialog.accept());
          await page.reload();
          await page.unrouteAll({ behavior: "ignoreErrors" });
          await openMedia();
          await page
            .getByRole("region", { name: "Library" })
            .getByRole("row")
            .filter({ hasText: name })
            .getByText("Upload unfinished")
            .waitFor();
          const sent: string[] = [];
          page.on(
            "request",
            (request) =>
              request.method() === "PUT" &&
              sent.push(new URL(request.url()).pathname.replace(/^.*\/uploads\/[^/]+/, "")),
          );
          await page.getByLabel("Files to upload", { exact: true }).setInputFiles(file);

          const item = page.locator(".upload-item").filter({ hasText: name });
          await item
            .getByRole("status")
            .getByText(/^Ready\./)
            .waitFor({ timeout: 60_000 });
          assert.deepEqual(
            sent,
            ["/parts/2"],
            `after the reload only the missing part should be sent, not ${sent.join(", ")}`,
          );
          const bar = item.locator("progress");
          assert.equal(
            await bar.getAttribute("value"),
            await bar.getAttribute("max"),
            "the progress bar did not reach the end",
          );
          await item.getByText(/^100% · 9 MB of 9 MB$/).waitFor();
          const row = page.getByRole("region", { name: "Library" }).getByRole("row").filter({ hasText: name });
          await row.getByText("Ready", { exact: true }).waitFor();
          // `npm run dev` serves the offline engine when pocketsphinx is installed (CI installs it), so the file is
          // handed to it rather than left waiting for a provider.
          await row.getByText(/^(Queued|Transcribing|Transcribed)/).waitFor();
          await page.getByText("9 MB used by 1 file").waitFor();
        } finally {
          await page.unrouteAll({ behavior: "ignoreErrors" });
          await rm(folder, { recursive: true, force: true });
        }
      },
    },
    {
      page,
      name: "a Sandbox post scheduled a minute out is published by the pipeline and shows in the Sandbox feed",
      async run() {
        const sandboxUser = `studio_${stamp}`;
        const caption = `Episode 12 is live ${stamp}\nListen now #podcast #greenroom`;
        const imageName = `cover-${stamp}.png`;
        const folder = await mkdtemp(path.join(tmpdir(), "greenroom-social-"));
        const image = path.join(folder, imageName);
        await writeFile(image, pngFile(64, 64, [20, 83, 45]));
        const social = page.getByRole("navigation", { name: "Social" });
        try {
          await page.goto(`${baseUrl}/workspaces/new`);
          await page.getByLabel("Workspace name", { exact: true }).fill(`Social studio ${stamp}`);
          await page.getByRole("button", { name: "Create workspace" }).click();
          await page.waitForURL(WORKSPACE_URL);
          const workspaceId = workspaceIdOf(page);

          // Connect a Sandbox account on the Accounts tab.
          await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Social" }).click();
          await page.getByRole("heading", { level: 1, name: "Social" }).waitFor();
          await social.getByRole("link", { name: "Accounts" }).click();
          await page.getByLabel("Sandbox username", { exact: true }).fill(sandboxUser);
          await page.getByRole("button", { name: "Connect Sandbox account" }).click();
          await page.getByRole("status").getByText(`@${sandboxUser} is connected`).waitFor();
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-accounts.png"), fullPage: true });

          // An image in the media library.
          await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Media" }).click();
          await page.getByRole("heading", { level: 1, name: "Media" }).waitFor();
          await page.waitForFunction(
            () => document.querySelector<HTMLButtonElement>(".dropzone .button")?.disabled === false,
          );
          await page.getByLabel("Files to upload", { exact: true }).setInputFiles(image);
          await page
            .locator(".upload-item")
            .filter({ hasText: imageName })
            .getByRole("status")
            .getByText(/^Ready\./)
            .waitFor({ timeout: 60_000 });

          // Compose: one minute out (the start of the minute after next), in Berlin time.
          await page.goto(`${baseUrl}/w/${workspaceId}/social`);
          await social.getByRole("link", { name: "Compose" }).click();
          await page.getByRole("heading", { level: 2, name: "Compose a post" }).waitFor();
          await page.getByLabel("Account", { exact: true }).selectOption({ label: `@${sandboxUser} (Sandbox)` });
          await page.getByLabel(imageName).check();
          await page.getByLabel("Caption", { exact: true }).fill(caption);
          await page.getByText("2/30 hashtags").waitFor();
          await page.getByRole("complementary", { name: "Preview" }).getByText("#greenroom").waitFor();
          await page.getByLabel("Time zone", { exact: true }).selectOption("Europe/Berlin");
          const due = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
          await page.getByLabel("Publish at", { exact: true }).fill(toZonedLocal(due, "Europe/Berlin"));
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-compose.png"), fullPage: true });
          await page.getByRole("button", { name: "Schedule", exact: true }).click();
          await page.waitForURL(/\/social\/compose\?postId=.*saved=scheduled/);
          await page
            .getByRole("status")
            .getByText(/^Scheduled for .*\(Europe\/Berlin\), which is .* UTC\./)
            .waitFor();

          // The Posts page lists it as scheduled, then (the cron claims it, the consumer publishes it) as published.
          await page.goto(`${baseUrl}/w/${workspaceId}/social/posts?tab=scheduled`);
          await page
            .locator(".post-row")
            .filter({ hasText: `Episode 12 is live ${stamp}` })
            .waitFor();
          const deadline = Date.now() + SOCIAL_PUBLISH_TIMEOUT_MS;
          for (;;) {
            await page.goto(`${baseUrl}/w/${workspaceId}/social/posts?tab=published`);
            const row = page.locator(".post-row").filter({ hasText: `Episode 12 is live ${stamp}` });
            if ((await row.count()) > 0) {
              await row.locator(".badge").getByText("Published", { exact: true }).waitFor();
              break;
            }
            if (Date.now() > deadline) {
              await page.goto(`${baseUrl}/w/${workspaceId}/social/posts?tab=failed`);
              const failedRow = page.locator(".post-row").filter({ hasText: `Episode 12 is live ${stamp}` });
              const failed = (await failedRow.count()) > 0 ? await failedRow.innerText() : null;
              await page.goto(`${baseUrl}/w/${workspaceId}/social/posts?tab=scheduled`);
              const pendingRow = page.locator(".post-row").filter({ hasText: `Episode 12 is live ${stamp}` });
              const pending = (await pendingRow.count()) > 0 ? await pendingRow.innerText() : null;
              const why = failed
                ? `it failed: ${failed}`
                : pending
                  ? `it is still pending: ${pending}`
                  : "it is in no list";
              throw new Error(
                `the post was not published ${SOCIAL_PUBLISH_TIMEOUT_MS / 1000}s after scheduling; ${why}`,
              );
            }
            await sleep(5_000);
          }
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-posts-published.png"), fullPage: true });

          await social.getByRole("link", { name: "Calendar" }).click();
          await page
            .locator(".post-chip.chip-published")
            .filter({ hasText: `Episode 12 is live ${stamp}` })
            .waitFor();
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-calendar.png"), fullPage: true });

          await social.getByRole("link", { name: "Sandbox feed" }).click();
          await page.getByRole("heading", { level: 2, name: "Sandbox feed" }).waitFor();
          await page.getByText(`Episode 12 is live ${stamp}`).waitFor();
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-sandbox-feed.png"), fullPage: true });

          // Analytics: an on-demand sync reads the published post back, with its insights.
          await social.getByRole("link", { name: "Analytics" }).click();
          await syncNow(page, "Synced 1 post.");
          await page.getByRole("heading", { level: 2, name: "Top posts" }).waitFor();
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-analytics.png"), fullPage: true });

          // The owner hears about it in the app.
          await page
            .getByRole("navigation", { name: "Workspace" })
            .getByRole("link", { name: "Notifications" })
            .click();
          await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
          await page
            .locator(".notification.is-unread")
            .filter({ has: page.getByText("Published", { exact: true }) })
            .first()
            .waitFor();
          await page.screenshot({ path: path.join(RESULTS_DIR, "social-notifications.png"), fullPage: true });
          await page.getByRole("button", { name: "Mark all as read" }).click();
          await page.getByText("You are all caught up.").waitFor();
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      },
    },
    {
      page: plain,
      name: "sign up and log in work without JavaScript",
      async run() {
        const other = { name: "Nora Script", email: `nora-${stamp}@example.com`, password: "another long password" };
        await plain.goto(`${baseUrl}/signup`);
        await fillSignUp(plain, { ...other, password: "short" });
        await plain.getByRole("alert").getByText("Some fields need attention.").waitFor();
        assert.equal(await plain.getByLabel("Password", { exact: true }).getAttribute("aria-invalid"), "true");
        assert.equal(
          await plain.getByLabel("Email", { exact: true }).inputValue(),
          other.email,
          "the email was not kept",
        );
        assert.equal(await plain.getByLabel("Password", { exact: true }).inputValue(), "", "the password was kept");
        await fillSignUp(plain, other);
        await plain.waitForURL(WORKSPACE_URL);
        await plain.getByRole("heading", { level: 1, name: /^Welcome to / }).waitFor();
        await plain.goto(`${baseUrl}/logout`);
        await plain.getByRole("button", { name: "Log out" }).click();
        await plain.waitForURL(/\/login(\?.*)?$/);
        await fillLogIn(plain, { ...other, password: "wrong password!" });
        await plain.getByRole("alert").getByText("Email or password is incorrect.").waitFor();
        await fillLogIn(plain, other);
        await plain.waitForURL(WORKSPACE_URL);
      },
    },
    {
      page,
      name: "uploaded speech becomes a timed transcript by the offline engine, labelled as such and private until approved",
      async run() {
        const name = `Spoken intro ${stamp}.wav`;
        const folder = await mkdtemp(path.join(tmpdir(), "greenroom-speech-"));
        const file = path.join(folder, name);
        try {
          // Real (synthetic) speech, made offline; about five seconds, so recognition stays quick.
          execFileSync("espeak-ng", ["-w", file, "Welcome to the show. Today we talk about gardening in spring."]);
          const clipMs = (statSync(file).size - 44) / 2 / 22.05;
          await page.goto(`${baseUrl}/w/${firstWorkspaceId}/media`);
          await page.getByRole("heading", { level: 1, name: "Media" }).waitFor();
          await page.waitForFunction(
            () => document.querySelector<HTMLButtonElement>(".dropzone .button")?.disabled === false,
          );
          await page.getByLabel("Files to upload", { exact: true }).setInputFiles(file);
          await page
            .locator(".upload-item")
            .filter({ hasText: name })
            .getByRole("status")
            .getByText(/^Ready\./)
            .waitFor({ timeout: 60_000 });

          // The 9 MB upload above may still be with the engine (it takes one file at a time); the library is
          // read again until this file's transcript is linked.
          const link = page
            .getByRole("region", { name: "Library" })
            .getByRole("row")
            .filter({ hasText: name })
            .getByRole("link", { name: /^Open transcript/ });
          const deadline = Date.now() + 180_000;
          while ((await link.count()) === 0) {
            if (Date.now() > deadline) throw new Error("the speech was not transcribed within 180 s");
            await sleep(3_000);
            await page.reload();
          }
          await link.click();
          await page.getByRole("heading", { level: 1, name }).waitFor();
          await page
            .getByText(/free offline engine: English only and low accuracy/)
            .first()
            .waitFor();
          await page.getByText(/transcribed with the local offline engine/).waitFor();

          const times = await page.locator(".tx-lines .tx-time").allInnerTexts();
          assert.ok(times.length >= 1, "the transcript has no timed lines");
          const ms = times.map((t) => {
            const parts = t.match(/\d+/g) ?? [];
            return parts.length >= 2 ? parts.reduce((sum, part) => sum * 60 + Number(part), 0) * 1000 : NaN;
          });
          assert.ok(
            ms.every((value, i) => Number.isFinite(value) && (i === 0 || value >= ms[i - 1]!)),
            `line times are not in order: ${JSON.stringify(times)} -> ${JSON.stringify(ms)}`,
          );
          assert.ok(ms.at(-1)! <= clipMs, `a line starts at ${times.at(-1)}, after the ${clipMs} ms clip ends`);
          const words = (await page.locator(".tx-lines").innerText()).match(/[a-z']+/g) ?? [];
          assert.ok(words.length >= 4, `too few words recognised: ${words.join(" ")}`);
          // No episode publishes this audio, so nothing of it is public.
          await page
            .getByRole("region", { name: "Publication" })
            .getByText(/No episode uses this audio, so nothing is public/)
            .waitFor();
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      },
    },
    {
      page,
      name: "no page scrolls sideways at 320 px, with notifications unread, in empty, filled and error states",
      async run() {
        await page.goto(`${baseUrl}/workspaces/new`);
        await page.getByLabel("Workspace name", { exact: true }).fill(`Narrow studio ${stamp}`);
        await page.getByRole("button", { name: "Create workspace" }).click();
        await page.waitForURL(WORKSPACE_URL);
        const workspaceId = workspaceIdOf(page);
        const w = `${baseUrl}/w/${workspaceId}`;

        // Content with long words and every optional part, and an unread notification, straight into the database.
        const handle = createDb(database);
        let seeded: { showId: string; episodeId: string; transcriptId: string };
        try {
          const show = await insertShow(handle.db, workspaceId, {
            title: `A show with an unbreakable Donaudampfschifffahrtsgesellschaftskapitänsmütze ${stamp}`,
            description:
              "Weekly conversations about microphones. https://example.com/a/very/long/path/that/never/breaks",
            author: "Robin Browser",
            listenLinks: [
              { platform: "apple", label: "Apple Podcasts", url: "https://podcasts.apple.com/us/podcast/id1" },
              { platform: "spotify", label: "Spotify", url: "https://open.spotify.com/show/abc" },
              { platform: "other", label: "YouTube", url: "https://www.youtube.com/@greenroom" },
            ],
          });
          const { episode, media } = await insertPublishedEpisode(
            handle.db,
            show,
            {
              title: "Episode one: Pneumonoultramicroscopicsilicovolcanoconiosis explained",
              description: "Show notes with a link https://example.com/another/extremely/long/address/to/wrap",
              episodeNumber: 1,
              durationSeconds: 3725,
            },
            { contentType: "audio/mpeg" },
          );
          const transcript = await insertTranscript(handle.db, {
            workspaceId,
            mediaId: media.id,
            episodeId: episode.id,
            segments: [
              { startMs: 0, endMs: 4000, text: "Welcome to the show.", speaker: "Robin" },
              { startMs: 4000, endMs: 9000, text: "Today: microphones." },
            ],
            chapters: [
              { startMs: 0, title: "Introduction" },
              { startMs: 4000, title: "Microphones" },
            ],
          });
          await notifyWorkspace({
            db: handle.db,
            workspaceId,
            kind: "social.post_failed",
            title: "A post could not be published",
            body: "Sandbox: the media could not be published.",
            link: `/w/${workspaceId}/social/posts?tab=failed`,
            dedupeKey: `narrow-${stamp}`,
            email: false,
            appUrl: baseUrl,
          });
          seeded = { showId: show.id, episodeId: episode.id, transcriptId: transcript.id };
        } finally {
          await handle.close();
        }

        await page.goto(`${w}/social/accounts`);
        await page.getByLabel("Sandbox username", { exact: true }).fill(`narrow_${stamp}`);
        await page.getByRole("button", { name: "Connect Sandbox account" }).click();
        await page.getByRole("status").getByText(`@narrow_${stamp} is connected`).waitFor();

        await page.setViewportSize({ width: 320, height: 720 });
        const tooWide: string[] = [];
        const check = async (label: string, opts: { unread?: boolean } = {}) => {
          await page.waitForLoadState("load");
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width > 320) tooWide.push(`${label}: ${width} px`);
          if (opts.unread)
            assert.equal(
              await page.getByRole("navigation", { name: "Workspace" }).locator(".nav-count").innerText(),
              "1",
              `${label}: the unread count is not shown`,
            );
          await page.screenshot({ path: path.join(RESULTS_DIR, `narrow-${slug(label)}.png`), fullPage: true });
        };
        try {
          const signedIn = [
            "",
            "/shows",
            `/shows/${seeded.showId}`,
            `/episodes/${seeded.episodeId}`,
            `/transcripts/${seeded.transcriptId}`,
            "/media",
            "/social",
            "/social/accounts",
            "/social/compose",
            "/social/posts",
            "/social/analytics",
            "/social/sandbox",
            "/analytics",
            "/notifications",
            "/search?q=microphones",
            "/members",
            "/audit",
            "/billing",
            "/settings",
            "/setup",
            "/episodes/not-an-id",
          ];
          for (const suffix of signedIn) {
            await page.goto(`${w}${suffix}`);
            await check(`workspace${suffix || " dashboard"}`, { unread: true });
          }
          await page.goto(`${baseUrl}/account`);
          await check("account");
          await page.goto(`${baseUrl}/workspaces/new`);
          await check("new workspace");

          // Error states: a form's error summary and inline messages must fit too.
          await page.goto(`${w}/settings`);
          await page.getByLabel("Name", { exact: true }).fill("");
          await page.getByRole("button", { name: "Save name" }).click();
          await page.getByRole("alert").getByText("Some fields need attention.").waitFor();
          await check("settings with errors", { unread: true });
          await page.goto(`${w}/shows/${seeded.showId}`);
          await page.getByLabel("Spotify", { exact: true }).fill("https://example.com/not-spotify");
          await page.getByRole("button", { name: "Save settings" }).click();
          await page
            .getByRole("alert")
            .getByText(/Listen on: Use your show's Spotify address/)
            .waitFor();
          await check("show settings with errors", { unread: true });
          await page.goto(`${w}/social/compose`);
          await page.getByRole("button", { name: "Schedule", exact: true }).click();
          await page.getByRole("alert").first().waitFor();
          await check("composer with errors", { unread: true });

          // The notifications page itself, still unread.
          await page.goto(`${w}/notifications`);
          await page.locator(".notification.is-unread").first().waitFor();
          await check("notifications", { unread: true });

          // Public pages and the 404s, as a listener sees them.
          await page.goto(`${baseUrl}/p/${seeded.showId}`);
          await page.getByRole("navigation", { name: "Listen on" }).getByRole("link", { name: "Spotify" }).waitFor();
          await check("public show");
          await page.goto(`${baseUrl}/p/${seeded.showId}/${seeded.episodeId}`);
          await page.getByRole("heading", { level: 2, name: "Chapters" }).waitFor();
          await check("public episode");
          await page.goto(`${baseUrl}/p/${seeded.showId}/${seeded.episodeId.slice(0, 20)}`);
          await page.getByRole("link", { name: /^See all episodes of / }).waitFor();
          await check("public episode not found");
          await page.goto(`${baseUrl}/nowhere/at/all`);
          await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
          assert.equal(await page.getByText(/No route matches/).count(), 0, "the 404 page shows router internals");
          await check("unknown address");
        } finally {
          await page.setViewportSize({ width: 1280, height: 900 });
        }
        // Signed out: the auth pages and a public page without the session cookie (as the edge cache serves it).
        const guestContext = await page
          .context()
          .browser()!
          .newContext({ viewport: { width: 320, height: 720 } });
        try {
          const guest = await guestContext.newPage();
          for (const suffix of [
            "/login",
            "/signup",
            "/forgot-password",
            `/p/${seeded.showId}`,
            `/methodology/${workspaceId}`,
          ]) {
            await guest.goto(`${baseUrl}${suffix}`);
            const width = await guest.evaluate(() => document.documentElement.scrollWidth);
            if (width > 320) tooWide.push(`signed out ${suffix}: ${width} px`);
          }
        } finally {
          await guestContext.close();
        }
        assert.deepEqual(tooWide, [], `pages wider than 320 px: ${tooWide.join("; ")}`);
      },
    },
    {
      page,
      name: "a steward's page checks a ticket in offline from a photo of its QR code, syncs, and refuses a second scan",
      async run() {
        // A creator's paid event, a supporter who bought a seat through the sandbox, and a steward at the door.
        const handle = createDb(database);
        const folder = await mkdtemp(path.join(tmpdir(), "greenroom-qr-"));
        const setup = await doorSetup(
          handle.db,
          page.context().browser()!,
          baseUrl,
          {
            owner: "Olive Door-Owner",
            workspace: `Door studio ${stamp}`,
            supporter: `Hana Holder ${stamp}`,
            steward: "Stella Steward",
          },
          folder,
        );
        const { door, event, ticketId, photo } = setup;
        try {
          await door.goto(`${baseUrl}/w/${setup.workspace.id}/events/${event.id}/check-in`);
          await door.getByRole("heading", { level: 1, name: `Check-in: ${event.title}` }).waitFor();
          await door.getByText("Online · All scans uploaded").waitFor();
          const cdp = await setup.stewardContext.newCDPSession(door);
          const network = (offline: boolean) =>
            cdp.send("Network.emulateNetworkConditions", {
              offline,
              latency: 0,
              downloadThroughput: -1,
              uploadThroughput: -1,
            });
          await network(true);
          await door.getByText(/^Offline/).waitFor();
          await door.getByLabel("Scan from a photo").setInputFiles(photo);
          await door
            .getByRole("status")
            .filter({ hasText: `Admitted: Hana Holder ${stamp}` })
            .waitFor();
          await door.getByText("Offline · 1 scan waiting to upload").waitFor();
          assert.equal(await door.getByTestId("checked-in").innerText(), "1");

          await network(false);
          await door.getByText("Online · All scans uploaded").waitFor();
          const rows = await handle.db
            .select({ deviceId: checkIns.deviceId })
            .from(checkIns)
            .where(and(eq(checkIns.ticketId, ticketId), isNull(checkIns.undoneAt)));
          assert.equal(rows.length, 1, "the offline scan should be uploaded once");

          await door.getByLabel("Scan from a photo").setInputFiles(photo);
          await door
            .getByRole("alert")
            // Once synced, the admission on record is the server's: it names the steward and this device.
            .filter({ hasText: /already checked in at .* by Stella Steward/ })
            .waitFor();
          const width = await door.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(width <= PHONE.width, `the check-in page is ${width} px wide on a ${PHONE.width} px phone`);
        } finally {
          await Promise.all([setup.context.close(), setup.stewardContext.close()]);
          await handle.close();
          await rm(folder, { recursive: true, force: true });
        }
      },
    },
    {
      page,
      name: "a supporter joins by email link, pays for a tier in the sandbox, reads the paid post and feed, cancels and loses both",
      async run() {
        // The creator's account, workspace and show with a paid-members episode come from the factories: signing up
        // and episode publishing have their own scenarios. Tiers, posts and everything the supporter does go
        // through the pages.
        const handle = createDb(database);
        const browser = page.context().browser()!;
        const contexts = [
          await browser.newContext({ viewport: { width: 1280, height: 900 } }),
          await browser.newContext({ viewport: { width: 1280, height: 900 } }),
        ];
        const [creatorContext, supporterContext] = contexts;
        const tierName = `Backstage ${stamp}`;
        const postTitle = `Studio diary ${stamp}`;
        const teaser = `What happened in the studio this week ${stamp}`;
        const paidBody = `The whole story, for paying members only ${stamp}`;
        const episodeTitle = `Members bonus episode ${stamp}`;
        const supporter = { name: "Sam Supporter", email: `sam-${stamp}@example.com` };
        const shot = (on: Page, name: string) =>
          on.screenshot({ path: path.join(RESULTS_DIR, `supporter-${name}.png`), fullPage: true });
        try {
          const owner = await createUser(handle.db, { name: "Cora Creator" });
          const workspace = await createWorkspace(handle.db, owner, `Creator studio ${stamp}`);
          const show = await insertShow(handle.db, workspace.id, { title: `Members show ${stamp}` });
          await insertPublishedEpisode(handle.db, show, { title: episodeTitle, visibility: "paid" });
          await creatorContext.addCookies([{ name: "greenroom_session", value: owner.sessionToken, url: baseUrl }]);
          const creator = await creatorContext.newPage();
          const supporterPage = await supporterContext.newPage();
          for (const each of [creator, supporterPage]) each.setDefaultTimeout(STEP_TIMEOUT_MS);
          const w = `${baseUrl}/w/${workspace.id}`;
          const home = `${baseUrl}/c/${workspace.id}`;

          // The creator makes a paid tier.
          await creator.goto(`${w}/tiers`);
          await creator.getByRole("heading", { level: 1, name: "Tiers" }).waitFor();
          const newTier = creator.getByRole("region", { name: "New tier" });
          await newTier.getByLabel("Name", { exact: true }).fill(tierName);
          await newTier.getByLabel("Kind", { exact: true }).selectOption("paid");
          await newTier.getByLabel("Monthly price", { exact: true }).fill("5.00");
          await newTier.getByRole("button", { name: "Create tier" }).click();
          await creator.getByRole("status").getByText(`Tier “${tierName}” created.`).waitFor();
          await creator.getByRole("heading", { level: 3, name: new RegExp(`^${tierName} Paid`) }).waitFor();
          await shot(creator, "creator-tiers");

          // ...and a post for paid members, published at once. The body goes into the rich-text editor once it has
          // loaded (the toolbar appears with it); the editor writes its HTML into the form's field.
          await creator.goto(`${w}/posts`);
          await creator.getByLabel("Title", { exact: true }).fill(postTitle);
          await creator.getByRole("button", { name: "Start writing" }).click();
          await creator.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
          const postId = /\/posts\/([0-9a-f-]{36})$/.exec(creator.url())![1];
          await creator.getByLabel("Teaser", { exact: true }).fill(teaser);
          await creator.getByRole("toolbar", { name: "Formatting" }).waitFor();
          await creator.locator('[contenteditable="true"][aria-labelledby="bodyHtml-label"]').click();
          await creator.keyboard.type(paidBody);
          await creator.waitForFunction(
            (text) => document.querySelector<HTMLTextAreaElement>("textarea#bodyHtml")?.value.includes(text),
            paidBody,
          );
          await creator.getByRole("radio", { name: "Paid members", exact: true }).check();
          await creator.getByRole("radio", { name: "published", exact: true }).check();
          await creator.getByRole("button", { name: "Save", exact: true }).click();
          await creator.getByRole("status").getByText("Saved and published.").waitFor();
          await shot(creator, "creator-post");
          const postUrl = `${home}/posts/${postId}`;

          // The supporter joins on the creator's page with a sign-in link from the dev mailbox.
          await supporterPage.goto(home);
          const join = supporterPage.getByRole("region", { name: "Join free" });
          await join.getByLabel("Your name", { exact: true }).fill(supporter.name);
          await join.getByLabel("Email", { exact: true }).fill(supporter.email);
          await join.getByRole("button", { name: "Email me a sign-in link" }).click();
          await supporterPage.getByRole("status").getByText(`Check ${supporter.email}:`).waitFor();
          const link = await openDeliveredEmail(
            supporterPage,
            baseUrl,
            supporter.email,
            `Your sign-in link for Creator studio ${stamp}`,
          );
          await link.click();
          await supporterPage.waitForURL(/\/c\/[0-9a-f-]{36}\/sign-in\?token=/);
          await supporterPage.getByRole("button", { name: "Sign in and join" }).click();
          await supporterPage.waitForURL(`${home}/account?notice=audience-joined`);
          await supporterPage.getByRole("status").getByText("You joined. Welcome!").waitFor();

          // A free member sees the teaser and the upgrade call, not the body.
          await supporterPage.goto(postUrl);
          await supporterPage.getByRole("heading", { level: 1, name: postTitle }).waitFor();
          await supporterPage.getByText(teaser).waitFor();
          await supporterPage
            .getByRole("heading", {
              level: 2,
              name: "This post is for a membership you do not have yet. Upgrade to read it.",
            })
            .waitFor();
          assert.equal(await supporterPage.getByText(paidBody).count(), 0, "a free member sees the paid body");

          // Subscribe → the labelled sandbox checkout → pay.
          await supporterPage.goto(home);
          await supporterPage.getByRole("button", { name: `Subscribe to ${tierName}` }).click();
          await supporterPage.waitForURL(/\/sandbox\/checkout\/[^/?]+$/);
          await supporterPage.getByRole("heading", { level: 1, name: "Sandbox payment — no real money" }).waitFor();
          await supporterPage.getByRole("note").getByText("Sandbox.").waitFor();
          await supporterPage.getByText(`$5.00 / month`).waitFor();
          await shot(supporterPage, "sandbox-checkout");
          await supporterPage.getByRole("button", { name: "Pay $5.00 (sandbox)" }).click();
          await supporterPage.waitForURL(`${home}/account?checkout=success`);
          await supporterPage.getByRole("region", { name: "Now" }).getByText(`${tierName} (paid)`).waitFor();

          // The paid post in full.
          await supporterPage.goto(postUrl);
          await supporterPage.locator(".post-body").getByText(paidBody).waitFor();
          assert.equal(await supporterPage.locator(".paywall").count(), 0, "a paying member still sees the paywall");
          await shot(supporterPage, "paid-post");

          // The private feed: its address on the account page, the members' episode in it.
          await supporterPage.goto(`${home}/account`);
          const feeds = supporterPage.getByRole("region", { name: "Your private feeds" });
          await feeds.getByRole("heading", { level: 3, name: show.title }).waitFor();
          const feedUrl = await feeds.getByLabel("Feed address", { exact: true }).inputValue();
          assert.ok(feedUrl.startsWith(`${baseUrl}/feeds/private/`), `unexpected feed address ${feedUrl}`);
          await shot(supporterPage, "account-with-feed");
          const feed = await fetch(feedUrl);
          const feedXml = await feed.text();
          assert.equal(feed.status, 200, `the private feed answered ${feed.status}`);
          assert.ok(feedXml.includes(episodeTitle), "the members' episode is missing from the private feed");
          const enclosureUrl = /<enclosure url="([^"]+\/episodes\/[^"]+)"/.exec(feedXml)?.[1] ?? "";
          assert.ok(enclosureUrl.startsWith(feedUrl), `the members' episode plays from ${enclosureUrl}, not the feed`);
          // The factory's episode has no bytes in the dev bucket: the gate lets the member through to the store's 404.
          const listened = await fetch(enclosureUrl, { headers: { range: "bytes=0-1" } });
          await listened.body?.cancel();
          assert.notEqual(listened.status, 410, "a paying member's episode audio is refused");

          // Cancel at once in the sandbox portal.
          await supporterPage.getByRole("button", { name: "Manage billing" }).click();
          await supporterPage.waitForURL(/\/sandbox\/portal\/[0-9a-f-]{36}$/);
          await supporterPage.getByRole("note").getByText("Sandbox.").waitFor();
          await shot(supporterPage, "sandbox-portal");
          await supporterPage.getByRole("button", { name: "Cancel now" }).click();
          await supporterPage.getByRole("status").getByText("Your subscription has ended.").waitFor();
          await supporterPage.getByText(/— \$5\.00 \/ month\. Ended\.$/).waitFor();

          // The paid post is behind the paywall again.
          await supporterPage.goto(postUrl);
          await supporterPage
            .getByRole("heading", {
              level: 2,
              name: "This post is for a membership you do not have yet. Upgrade to read it.",
            })
            .waitFor();
          assert.equal(
            await supporterPage.getByText(paidBody).count(),
            0,
            "the paid body is still shown after cancelling",
          );
          await shot(supporterPage, "post-after-cancel");
          // Cancelling ends the paid grant. The free membership from joining stays, but it opens none of the show's
          // gated episodes, so the very next fetch of the feed, and of the episode's file, is refused (ADR 028).
          const afterCancel = await fetch(feedUrl);
          const afterCancelXml = await afterCancel.text();
          assert.equal(
            afterCancel.status,
            410,
            `right after cancelling the private feed answered ${afterCancel.status}`,
          );
          assert.match(afterCancelXml, /<title>[^<]*Your paid membership ended<\/title>/);
          assert.ok(!afterCancelXml.includes(episodeTitle), "the refused feed still lists the paid members' episode");
          const enclosure = await fetch(enclosureUrl);
          await enclosure.body?.cancel();
          assert.equal(
            enclosure.status,
            410,
            `right after cancelling the episode's audio answered ${enclosure.status}`,
          );
          await supporterPage.goto(`${home}/account`);
          await feeds.getByText("No members' episodes for you yet.", { exact: false }).waitFor();
          assert.equal(await feeds.getByLabel("Feed address").count(), 0, "the account page still offers the feed");

          // Leaving ends the last grant: the feed is refused with the explanation a podcast app shows.
          await supporterPage.getByText(`Leave Creator studio ${stamp}'s audience`).click();
          await supporterPage.getByRole("button", { name: "Leave now" }).click();
          await supporterPage.waitForURL(`${home}?notice=audience-left`);
          const refused = await fetch(feedUrl);
          const refusedXml = await refused.text();
          assert.equal(refused.status, 410, `after leaving the private feed answered ${refused.status}`);
          assert.match(refusedXml, /<title>[^<]*Your membership ended<\/title>/);
          assert.ok(!refusedXml.includes(episodeTitle), "the refused feed still lists the members' episode");
        } finally {
          await Promise.all(contexts.map((context) => context.close()));
          await handle.close();
        }
      },
    },
    {
      page,
      name: "the check-in page reloads without a network from its service worker, keeps its queue, scans and syncs",
      async run() {
        const handle = createDb(database);
        const browser = page.context().browser()!;
        const folder = await mkdtemp(path.join(tmpdir(), "greenroom-qr-"));
        const first = await doorSetup(
          handle.db,
          browser,
          baseUrl,
          {
            owner: "Otto Door-Owner",
            workspace: `Offline door ${stamp}`,
            supporter: `Ada Early ${stamp}`,
            steward: "Sven Steward",
          },
          folder,
        );
        const { door, event, workspace } = first;
        // A second holder who buys their own seat, so two different tickets are scanned.
        const late = await createUser(handle.db, { name: `Ben Late ${stamp}` });
        const lateBuyer = await signedInPage(browser, baseUrl, late);
        const shot = (on: Page, name: string) =>
          on.screenshot({ path: path.join(RESULTS_DIR, `checkin-offline-${name}.png`), fullPage: true });
        try {
          const lateTicketId = await buyTicketInSandbox(lateBuyer.page, first.eventUrl, "$10.00");
          const photos = [
            first.photo,
            await photographTicket(
              lateBuyer.page,
              `${baseUrl}/c/${workspace.id}/tickets/${lateTicketId}`,
              path.join(folder, `${lateTicketId}.png`),
            ),
          ];

          // Online once: the page registers its service worker and caches itself and its files.
          const url = `${baseUrl}/w/${workspace.id}/events/${event.id}/check-in`;
          await door.goto(url);
          await door.getByText("This page also reopens without a network.", { exact: false }).waitFor();

          // Offline: a scan is queued, then the page is reloaded with no network at all.
          await first.stewardContext.setOffline(true);
          await door.getByText(/^Offline/).waitFor();
          await door.getByLabel("Scan from a photo").setInputFiles(photos[0]!);
          await door
            .getByRole("status")
            .filter({ hasText: `Admitted: Ada Early ${stamp}` })
            .waitFor();
          await door.getByText("Offline · 1 scan waiting to upload").waitFor();
          await door.reload();
          await door.getByRole("heading", { level: 1, name: `Check-in: ${event.title}` }).waitFor();
          // The reloaded page came from the cache, hydrated, and read the stored list and queue.
          await door.getByText("Offline · 1 scan waiting to upload").waitFor();
          assert.equal(await door.getByTestId("checked-in").innerText(), "1");
          await shot(door, "reloaded");

          // Still offline, the next ticket is verified against the stored list and public key and queued too.
          await door.getByLabel("Scan from a photo").setInputFiles(photos[1]!);
          await door
            .getByRole("status")
            .filter({ hasText: `Admitted: Ben Late ${stamp}` })
            .waitFor();
          await door.getByText("Offline · 2 scans waiting to upload").waitFor();
          assert.equal(
            await handle.db.$count(checkIns, eq(checkIns.eventId, event.id)),
            0,
            "nothing reached the server while offline",
          );

          // Back online: both scans upload once.
          await first.stewardContext.setOffline(false);
          await door.getByText("Online · All scans uploaded").waitFor();
          const rows = await handle.db
            .select({ ticketId: checkIns.ticketId })
            .from(checkIns)
            .where(and(eq(checkIns.eventId, event.id), isNull(checkIns.undoneAt)));
          assert.deepEqual(
            rows.map((row) => row.ticketId).sort(),
            [first.ticketId, lateTicketId].sort(),
            "the two offline scans should be uploaded once each",
          );
          await shot(door, "synced");
        } finally {
          await Promise.all([first.context.close(), first.stewardContext.close(), lateBuyer.context.close()]);
          await handle.close();
          await rm(folder, { recursive: true, force: true });
        }
      },
    },
    {
      page,
      name: "a creator books a pre-recorded ad, an independent client downloads the episode, the rollup counts one impression",
      async run() {
        // Issue 14 item 9. The creator's account, workspace and show come from the factories; the audio goes through
        // the media library's uploader, and everything that books the ad goes through the pages. The episode is then
        // fetched by curl (not the browser) as two podcast apps would: one whole download, one that stops inside the
        // ad. The rollup runs through the app's own cron endpoint, and the report must show exactly one impression.
        const handle = createDb(database);
        const browser = page.context().browser()!;
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const folder = await mkdtemp(path.join(tmpdir(), "greenroom-ads-"));
        const shot = (name: string) =>
          creator.screenshot({ path: path.join(RESULTS_DIR, `ads-${name}.png`), fullPage: true });
        const creator = await context.newPage();
        creator.setDefaultTimeout(STEP_TIMEOUT_MS);
        try {
          const owner = await createUser(handle.db, { name: "Ada Network" });
          const workspace = await createWorkspace(handle.db, owner, `Ad network ${stamp}`);
          const show = await insertShow(handle.db, workspace.id, { title: `Sponsored show ${stamp}` });
          await context.addCookies([{ name: "greenroom_session", value: owner.sessionToken, url: baseUrl }]);
          const w = `${baseUrl}/w/${workspace.id}`;
          const today = new Date().toISOString().slice(0, 10);
          const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
          const advertiser = `Acme Coffee ${stamp}`;
          const campaignName = `Spring roast ${stamp}`;
          const episodeTitle = `Sponsored episode ${stamp}`;

          // Both files through the media library: the episode (44.1 kHz mono MP3, 6 s) and the ad (same encoding).
          const episodeFile = path.join(folder, `episode-${stamp}.mp3`);
          const adFile = path.join(folder, `spot-${stamp}.mp3`);
          await copyFile(path.join(ROOT, "tests/fixtures/media/episode-44k-mono.mp3"), episodeFile);
          await copyFile(path.join(ROOT, "tests/fixtures/media/ad-44k-mono.mp3"), adFile);
          await creator.goto(`${w}/media`);
          await creator.getByRole("heading", { level: 1, name: "Media" }).waitFor();
          await creator.waitForFunction(
            () => document.querySelector<HTMLButtonElement>(".dropzone .button")?.disabled === false,
          );
          await creator.getByLabel("Files to upload", { exact: true }).setInputFiles([episodeFile, adFile]);
          for (const file of [episodeFile, adFile])
            await creator
              .locator(".upload-item")
              .filter({ hasText: path.basename(file) })
              .getByRole("status")
              .getByText(/^Ready\./)
              .waitFor({ timeout: 60_000 });
          const uploaded = await handle.db
            .select({ id: mediaObjects.id, filename: mediaObjects.filename, status: mediaObjects.status })
            .from(mediaObjects)
            .where(eq(mediaObjects.workspaceId, workspace.id));
          const episodeMedia = uploaded.find((m) => m.filename === path.basename(episodeFile));
          assert.equal(episodeMedia?.status, "ready", "the episode's audio is not ready in the library");
          // Publishing an episode has its own scenario; here the uploaded file becomes a published episode directly.
          const episode = await insertEpisode(handle.db, show, {
            title: episodeTitle,
            status: "published",
            publishedAt: new Date(),
            audioMediaId: episodeMedia.id,
          });

          // Advertiser with a contact and notes.
          await creator.goto(`${w}/advertisers`);
          await creator.getByRole("heading", { level: 1, name: "Advertisers" }).waitFor();
          await creator.getByLabel("Name", { exact: true }).fill(advertiser);
          await creator.getByLabel("Contact name", { exact: true }).fill("Bea Buyer");
          await creator.getByLabel("Contact email", { exact: true }).fill(`bea-${stamp}@example.com`);
          await creator.getByLabel("Contact role", { exact: true }).fill("Media buyer");
          await creator.getByLabel("Notes", { exact: true }).fill("Pays on net 30.");
          await creator.getByRole("button", { name: "Add advertiser" }).click();
          await creator.getByRole("heading", { level: 1, name: advertiser }).waitFor();

          // Campaign: the insertion order.
          await creator.goto(`${w}/campaigns`);
          const form = creator.getByRole("region", { name: "New campaign" });
          await form.getByLabel("Advertiser", { exact: true }).selectOption({ label: advertiser });
          await form.getByLabel("Campaign name", { exact: true }).fill(campaignName);
          await form.getByLabel("Pricing", { exact: true }).selectOption("cpm");
          await form.getByLabel("Rate", { exact: true }).fill("25.00");
          await form.getByLabel("Budget", { exact: true }).fill("2500.00");
          await form.getByLabel("Start date", { exact: true }).fill(today);
          await form.getByLabel("End date", { exact: true }).fill(inAMonth);
          await form.getByLabel("IO contact name", { exact: true }).fill("Bea Buyer");
          await form.getByLabel("IO contact email", { exact: true }).fill(`bea-${stamp}@example.com`);
          await form.getByRole("button", { name: "Create campaign" }).click();
          await creator.getByRole("heading", { level: 1, name: campaignName }).waitFor();
          const campaignUrl = creator.url();

          // Flight: live pre-roll on the show, 1,000 impressions.
          const flights = creator.getByRole("region", { name: "Flights" });
          await flights.getByText("Add a flight").click();
          await flights.getByLabel("Flight name", { exact: true }).fill("Launch week");
          await flights.getByLabel("Position", { exact: true }).selectOption("pre");
          await flights.getByLabel("Impressions goal", { exact: true }).fill("1000");
          await flights.getByLabel("Status", { exact: true }).selectOption("live");
          await flights.getByLabel(show.title, { exact: true }).check();
          await flights.getByRole("button", { name: "Add flight" }).click();
          await flights.getByRole("status").getByText("Flight added.").waitFor();

          // Creative: the uploaded spot from the media library.
          const creatives = creator.getByRole("region", { name: "Creatives" });
          await creatives.getByText("Add a creative").click();
          await creatives.getByLabel("Name", { exact: true }).fill("Thirty-second spot");
          await creatives.getByLabel("Kind", { exact: true }).selectOption("audio");
          await creatives.getByLabel("Flight", { exact: true }).selectOption({ label: "Launch week" });
          await creatives
            .getByLabel("Audio file (recorded audio)", { exact: true })
            .selectOption({ label: path.basename(adFile) });
          await creatives.getByRole("button", { name: "Add creative" }).click();
          await creatives.getByRole("status").getByText("Creative added.").waitFor();
          await creatives
            .getByRole("listitem")
            .filter({ hasText: `Thirty-second spot · Recorded audio · spot-${stamp}.mp3` })
            .waitFor();
          await shot("campaign");

          // Slot on the episode, and the flight booked into it (live from today).
          await creator.goto(`${w}/episodes/${episode.id}`);
          const slots = creator.getByRole("region", { name: "Ad slots" });
          await slots.getByLabel("Position", { exact: true }).selectOption("pre");
          await slots.getByRole("button", { name: "Add slot" }).click();
          await slots.getByRole("heading", { level: 3, name: "Pre-roll" }).waitFor();
          await slots
            .getByLabel("Flight and creative", { exact: true })
            .selectOption({ label: `${campaignName}: Launch week — Thirty-second spot` });
          await slots.getByRole("button", { name: "Book", exact: true }).click();
          await slots.getByText(/live from \d{4}-\d{2}-\d{2}/).waitFor();
          await shot("episode-slots");

          // An independent HTTP client downloads the enclosure: once whole, once stopping inside the ad.
          const enclosure = `${baseUrl}/media/episodes/${episode.id}/audio.mp3`;
          const curl = (agent: string, out: string, range?: string) =>
            execFileSync(
              "curl",
              [
                "--silent",
                "--show-error",
                "--fail",
                "--user-agent",
                agent,
                ...(range ? ["--range", range] : []),
                "--dump-header",
                "-",
                "--output",
                out,
                enclosure,
              ],
              { encoding: "utf8", timeout: 30_000 },
            );
          const whole = path.join(folder, "whole.mp3");
          const headers = curl(OVERCAST, whole);
          const arrangementId = /^x-greenroom-arrangement: *(\S+)/im.exec(headers)?.[1];
          assert.ok(arrangementId, `the enclosure was served without an ad arrangement:\n${headers}`);
          const wholeSize = statSync(whole).size;
          assert.ok(
            wholeSize > statSync(episodeFile).size,
            `the download (${wholeSize} bytes) is not longer than the episode alone`,
          );
          // The arrangement is stored off the response's path; it says where the ad's bytes are.
          const arrangement = await waitFor("the arrangement to be stored", async () => {
            const [row] = await handle.db
              .select({ size: adArrangements.size, ads: adArrangements.ads })
              .from(adArrangements)
              .where(eq(adArrangements.id, arrangementId));
            return row;
          });
          assert.equal(arrangement.size, wholeSize, "the stored arrangement's size differs from the bytes served");
          const [ad] = arrangement.ads;
          const insideTheAd = Math.floor((ad.byteStart + ad.byteEnd) / 2);
          const partial = path.join(folder, "partial.mp3");
          const partialHeaders = curl(POCKET_CASTS, partial, `0-${insideTheAd}`);
          assert.match(partialHeaders, /^HTTP\/[\d.]+ 206/m);
          assert.equal(statSync(partial).size, insideTheAd + 1, "the partial download has the wrong length");

          // Both requests reach the raw table through the analytics queue; then the hourly rollup cron runs.
          await waitFor("both requests to be recorded", async () => {
            const rows = await handle.db
              .select({ id: analyticsRequests.id })
              .from(analyticsRequests)
              .where(eq(analyticsRequests.episodeId, episode.id));
            return rows.length >= 2 ? rows : undefined;
          });
          const cron = await fetch(`${baseUrl}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
          assert.equal(cron.status, 200, `the rollup cron answered ${cron.status}: ${await cron.text()}`);

          // The report: one impression (the whole download), none for the download that stopped inside the ad.
          await creator.goto(`${campaignUrl}/report`);
          await creator.getByRole("heading", { level: 1, name: "Campaign report" }).waitFor();
          const summary = creator.getByRole("region", { name: "Delivery against goal" });
          await summary.getByText("1 impression", { exact: true }).waitFor();
          const rows = (region: string, label: string) =>
            creator.getByRole("region", { name: region }).getByRole("row").filter({ hasText: label });
          const impressions = async (region: string, label: string) =>
            (await rows(region, label).getByRole("cell").first().innerText()).trim();
          assert.equal(await impressions("By episode", episodeTitle), "1");
          assert.equal(await impressions("By show", show.title), "1");
          assert.equal(await impressions("By day (UTC)", today), "1");
          assert.equal(await impressions("By app", "Overcast"), "1");
          assert.equal(
            await rows("By app", "Pocket Casts").count(),
            0,
            "the download that stopped inside the ad counted",
          );
          await creator
            .getByRole("region", { name: "Methodology" })
            .getByText(/Counted by/)
            .waitFor();
          await shot("report");
        } finally {
          await context.close();
          await handle.close();
          await rm(folder, { recursive: true, force: true });
        }
      },
    },
    {
      page,
      name: "a supporter transfers a sandbox-paid ticket to another email on the ticket page and the old code stops working",
      async run() {
        const handle = createDb(database);
        const setup = await paidEventSetup(
          handle.db,
          page.context().browser()!,
          baseUrl,
          { owner: "Tara Transfer-Owner", workspace: `Transfer hall ${stamp}`, supporter: `Gil Giver ${stamp}` },
          { priceCents: 1200, capacity: 5 },
        );
        const { supporterPage, workspace, event } = setup;
        const recipient = { name: `Rae Receiver ${stamp}`, email: `rae-${stamp}@example.com` };
        const shot = (name: string) =>
          supporterPage.screenshot({ path: path.join(RESULTS_DIR, `ticket-transfer-${name}.png`), fullPage: true });
        try {
          const ticketId = await buyTicketInSandbox(
            supporterPage,
            `${baseUrl}/c/${workspace.id}/events/${event.id}`,
            "$12.00",
          );
          await supporterPage.goto(`${baseUrl}/c/${workspace.id}/tickets/${ticketId}`);
          await supporterPage.getByRole("img", { name: /^QR code of your ticket/ }).waitFor();
          const oldCode = await supporterPage.locator(".ticket-code").textContent();
          assert.ok(oldCode, "the ticket page shows no code");
          await shot("before");

          const transfer = supporterPage.getByRole("region", { name: "Transfer to someone else" });
          await transfer.getByLabel("Their email", { exact: true }).fill(recipient.email);
          await transfer.getByLabel("Their name", { exact: true }).fill(recipient.name);
          await transfer.getByLabel("I want to give this ticket away", { exact: false }).check();
          await transfer.getByRole("button", { name: "Transfer ticket" }).click();
          // The giver lands on their account: the ticket page is no longer theirs to read.
          await supporterPage.waitForURL(`${baseUrl}/c/${workspace.id}/account?notice=ticket-transferred`);
          await supporterPage
            .getByRole("status")
            .getByText("Ticket transferred: they get it by email with a new code.", { exact: false })
            .waitFor();
          await shot("after");
          await supporterPage.goto(`${baseUrl}/c/${workspace.id}/tickets/${ticketId}`);
          await supporterPage.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
          assert.equal(
            await supporterPage.getByText(oldCode, { exact: true }).count(),
            0,
            "the giver still sees the old code after the transfer",
          );

          // The same seat, now the recipient's, with a new version of its secret: the old QR no longer verifies.
          const [row] = await handle.db
            .select({ holder: tickets.holderUserId, version: tickets.secretVersion, status: tickets.status })
            .from(tickets)
            .where(eq(tickets.id, ticketId));
          assert.ok(row, "the transferred ticket is gone");
          assert.notEqual(row.holder, setup.supporter.id, "the ticket still belongs to the giver");
          assert.equal(row.status, "valid");
          assert.equal(row.version, 2, "the ticket's secret was not replaced");
          await openDeliveredEmail(supporterPage, baseUrl, recipient.email, `sent you a ticket for ${event.title}`);
        } finally {
          await setup.context.close();
          await handle.close();
        }
      },
    },
    {
      page,
      name: "a buyer cancels a sandbox-paid order within the refund window and the seat is on sale again",
      async run() {
        const handle = createDb(database);
        const setup = await paidEventSetup(
          handle.db,
          page.context().browser()!,
          baseUrl,
          { owner: "Cal Cancel-Owner", workspace: `Cancel hall ${stamp}`, supporter: `Bea Buyer ${stamp}` },
          { priceCents: 1500, capacity: 1 },
        );
        const { supporterPage, workspace, event } = setup;
        const eventUrl = `${baseUrl}/c/${workspace.id}/events/${event.id}`;
        const shot = (name: string) =>
          supporterPage.screenshot({ path: path.join(RESULTS_DIR, `order-cancel-${name}.png`), fullPage: true });
        try {
          const ticketId = await buyTicketInSandbox(supporterPage, eventUrl, "$15.00");
          await supporterPage.goto(eventUrl);
          await supporterPage.getByText("$15.00 · Sold out").waitFor();

          await supporterPage.goto(`${baseUrl}/c/${workspace.id}/tickets/${ticketId}`);
          const cancel = supporterPage.getByRole("region", { name: "Cancel my order" });
          await cancel.getByText("$15.00 will be refunded to the card you paid with.", { exact: false }).waitFor();
          await shot("before");
          await cancel.getByLabel("Yes, cancel the whole order.").check();
          await cancel.getByRole("button", { name: "Cancel my order" }).click();
          await supporterPage
            .getByRole("status")
            .getByText("Order cancelled. The refund is on its way to your card.")
            .waitFor();
          await supporterPage.getByText("This ticket no longer admits anyone, so it has no code.").waitFor();
          assert.equal(
            await supporterPage.getByRole("img", { name: /^QR code of your ticket/ }).count(),
            0,
            "the cancelled ticket still shows its QR code",
          );
          await shot("after");

          // The seat is free again: the sold-out event is on sale with one seat left.
          await supporterPage.goto(eventUrl);
          await supporterPage.getByText("$15.00 · 1 left").waitFor();
          await supporterPage.getByRole("button", { name: "Buy tickets" }).waitFor();
          await shot("event-page");
        } catch (error) {
          // The runner screenshots the shared page; this scenario drives its own.
          await shot("failed").catch(() => undefined);
          throw error;
        } finally {
          await setup.context.close();
          await handle.close();
        }
      },
    },
    {
      page,
      name: "the creator refunds part of a sandbox-paid order, cancels the event and sees the refund status",
      async run() {
        const handle = createDb(database);
        const browser = page.context().browser()!;
        const setup = await paidEventSetup(
          handle.db,
          browser,
          baseUrl,
          { owner: "Rex Refund-Owner", workspace: `Refund hall ${stamp}`, supporter: `Pia Payer ${stamp}` },
          { priceCents: 2000, capacity: 5 },
        );
        const { supporterPage, workspace, event } = setup;
        const creatorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const shot = (on: Page, name: string) =>
          on.screenshot({ path: path.join(RESULTS_DIR, `event-refund-${name}.png`), fullPage: true });
        try {
          await buyTicketInSandbox(supporterPage, `${baseUrl}/c/${workspace.id}/events/${event.id}`, "$20.00");
          await creatorContext.addCookies([
            { name: "greenroom_session", value: setup.owner.sessionToken, url: baseUrl },
          ]);
          const creator = await creatorContext.newPage();
          creator.setDefaultTimeout(STEP_TIMEOUT_MS);
          await creator.goto(`${baseUrl}/w/${workspace.id}/events/${event.id}`);

          // A partial refund of the order, its ticket kept.
          const row = creator
            .getByRole("region", { name: "Attendees" })
            .getByRole("row")
            .filter({ hasText: `Pia Payer ${stamp}` });
          await row.getByText("Refund order").click();
          await row.getByLabel("Amount to refund").fill("5.00");
          await row.getByRole("button", { name: "Refund" }).click();
          await creator
            .getByRole("status")
            .getByText("Refund recorded; the payment provider is asked within a minute.")
            .waitFor();
          await shot(creator, "partial-refund");

          // Cancelling the event refunds the rest and reports where the refunds stand.
          const cancel = creator.getByRole("region", { name: "Cancel event" });
          await cancel.getByLabel("Reason (sent to holders)").fill("The venue flooded.");
          await cancel.getByLabel("Yes, cancel this event and refund everyone.").check();
          await cancel.getByRole("button", { name: "Cancel event" }).click();
          await creator
            .getByRole("status")
            .getByText(/^Event cancelled\. Refunds done: \d+; still pending: \d+\.$/)
            .waitFor();
          const panel = creator.getByRole("region", { name: "Cancellation" });
          await panel.getByText(/Refunds completed: \d+\. Refunds pending: \d+/).waitFor();
          await shot(creator, "cancelled");
          assert.equal(await creator.getByRole("region", { name: "Cancel event" }).count(), 0);

          await openDeliveredEmail(creator, baseUrl, setup.supporter.email, `Canceled: ${event.title}`);
          await supporterPage.goto(`${baseUrl}/c/${workspace.id}/events/${event.id}`);
          await supporterPage.getByText("This event has been canceled.").waitFor();
        } finally {
          await creatorContext.close();
          await setup.context.close();
          await handle.close();
        }
      },
    },
    {
      page,
      name: "a creator books single episodes of a 300-episode show through the flight form's picker, with and without JavaScript",
      async run() {
        // Issue 14 item 4. The show has 300 episodes, so the picker lists the newest and the creator searches for the
        // rest; ticked episodes survive the next search. The same form then books an episode in a browser without
        // JavaScript, where "Find episodes" is a plain GET that keeps what was typed. The campaign page, the calendar
        // and the stored targets must name exactly the chosen episodes.
        const handle = createDb(database);
        const browser = page.context().browser()!;
        const scripted = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const unscripted = await browser.newContext({
          viewport: { width: 1280, height: 900 },
          javaScriptEnabled: false,
        });
        const creator = await scripted.newPage();
        const noScript = await unscripted.newPage();
        for (const each of [creator, noScript]) each.setDefaultTimeout(STEP_TIMEOUT_MS);
        const shot = (on: Page, name: string) =>
          on.screenshot({ path: path.join(RESULTS_DIR, `episode-picker-${name}.png`), fullPage: true });
        try {
          const owner = await createUser(handle.db, { name: "Pia Picker" });
          const workspace = await createWorkspace(handle.db, owner, `Picker network ${stamp}`);
          const daily = await insertShow(handle.db, workspace.id, { title: `Daily show ${stamp}` });
          const weekly = await insertShow(handle.db, workspace.id, { title: `Weekly show ${stamp}` });
          const firstDay = Date.UTC(2025, 0, 1);
          await handle.db.insert(episodes).values(
            Array.from({ length: 300 }, (_, i) => ({
              workspaceId: workspace.id,
              showId: daily.id,
              title: i % 50 === 0 ? `Interview ${i}` : `Daily ${i}`,
              episodeNumber: i + 1,
              status: "published" as const,
              publishedAt: new Date(firstDay + i * 86_400_000),
            })),
          );
          await insertEpisode(handle.db, weekly, { title: "Weekly interview" });
          const today = new Date().toISOString().slice(0, 10);
          const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
          const { campaign } = await createCampaign(handle.db, workspace.id, {
            showId: weekly.id,
            startsOn: today,
            endsOn: inAMonth,
          });
          for (const context of [scripted, unscripted])
            await context.addCookies([{ name: "greenroom_session", value: owner.sessionToken, url: baseUrl }]);
          const campaignUrl = `${baseUrl}/w/${workspace.id}/campaigns/${campaign.id}`;
          const checkbox = (on: Page, title: string) =>
            on.getByRole("checkbox", { name: new RegExp(`^${title}\\s+${daily.title}`) });

          // With JavaScript: the newest 25 of 300 are listed, and a search across shows finds the interviews.
          await creator.goto(campaignUrl);
          const flights = creator.getByRole("region", { name: "Flights" });
          await flights.getByText("Add a flight").click();
          await flights
            .getByRole("status")
            .getByText("The newest 25 of 301 episodes. Search by title or number to find the others.")
            .waitFor();
          await flights.getByLabel("Flight name", { exact: true }).fill("Picked episodes");
          await flights.getByLabel("Impressions goal", { exact: true }).fill("2000");
          const query = flights.getByLabel("Episode title or number", { exact: true });
          await query.fill("interview");
          await query.press("Enter");
          await flights.getByRole("status").getByText("7 episodes matching “interview”, newest first.").waitFor();
          // Keyboard only: Tab reaches the episode, Space ticks it.
          await checkbox(creator, "Interview 250").focus();
          await creator.keyboard.press("Space");
          assert.equal(await checkbox(creator, "Interview 250").isChecked(), true);

          // A second search in one show: the first choice stays ticked under "Chosen".
          await flights.getByLabel("Search in", { exact: true }).selectOption({ label: daily.title });
          // A number finds the episode numbered so (no. 150 is "Daily 149") as well as titles containing it.
          await query.fill("150");
          await flights.getByRole("button", { name: "Find episodes" }).click();
          await flights
            .getByRole("status")
            .getByText(`2 episodes matching “150” in ${daily.title}, newest first.`)
            .waitFor();
          const chosen = flights.getByRole("group", { name: "Chosen (1)" });
          assert.equal(await chosen.getByRole("checkbox").isChecked(), true);
          await checkbox(creator, "Daily 149").check();
          assert.equal(await flights.getByLabel("Flight name", { exact: true }).inputValue(), "Picked episodes");
          await shot(creator, "searched");
          // Enter in a field outside the search adds the flight, as before the picker.
          await flights.getByLabel("Impressions goal", { exact: true }).press("Enter");
          await flights.getByRole("status").getByText("Flight added.").waitFor();
          const picked = flights.getByRole("listitem").filter({ hasText: "Picked episodes" });
          await picked.getByText(`${daily.title}: 2 episodes:`).waitFor();
          const pickedText = await picked.innerText();
          for (const title of ["Interview 250", "Daily 149"])
            assert.ok(pickedText.includes(title), `the flight should name ${title}: ${pickedText}`);
          await shot(creator, "added");

          // Without JavaScript: "Find episodes" reloads the page as a GET and keeps what was typed.
          await noScript.goto(campaignUrl);
          const plainFlights = noScript.getByRole("region", { name: "Flights" });
          await plainFlights.getByText("Add a flight").click();
          await plainFlights.getByLabel("Flight name", { exact: true }).fill("No script flight");
          await plainFlights.getByLabel("Impressions goal", { exact: true }).fill("500");
          await plainFlights.getByLabel("Search in", { exact: true }).selectOption({ label: daily.title });
          await plainFlights.getByLabel("Episode title or number", { exact: true }).fill("Interview 100");
          await plainFlights.getByRole("button", { name: "Find episodes" }).click();
          await noScript.waitForURL(/intent=find-episodes/);
          await plainFlights
            .getByRole("status")
            .getByText(`1 episode matching “Interview 100” in ${daily.title}, newest first.`)
            .waitFor();
          assert.equal(await plainFlights.getByLabel("Flight name", { exact: true }).inputValue(), "No script flight");
          assert.equal(await plainFlights.getByLabel("Impressions goal", { exact: true }).inputValue(), "500");
          await checkbox(noScript, "Interview 100").check();
          await plainFlights.getByRole("button", { name: "Add flight" }).click();
          await plainFlights.getByRole("status").getByText("Flight added.").waitFor();
          await plainFlights
            .getByRole("listitem")
            .filter({ hasText: "No script flight" })
            .getByText(`${daily.title}: 1 episode: Interview 100`)
            .waitFor();
          await shot(noScript, "no-script");

          // Stored: each flight targets exactly its episodes, no whole show.
          const targets = await handle.db
            .select({ showId: campaignFlightTargets.showId, title: episodes.title })
            .from(campaignFlightTargets)
            .leftJoin(episodes, eq(episodes.id, campaignFlightTargets.episodeId))
            .where(eq(campaignFlightTargets.workspaceId, workspace.id));
          assert.deepEqual(targets.map((row) => row.title ?? `show ${row.showId}`).sort(), [
            "Daily 149",
            "Interview 100",
            "Interview 250",
            `show ${weekly.id}`,
          ]);

          // The calendar of the daily show says the flights play only on their episodes.
          await creator.goto(
            `${baseUrl}/w/${workspace.id}/campaigns/calendar?show=${daily.id}&month=${today.slice(0, 7)}`,
          );
          const grid = creator.getByRole("table", { name: new RegExp(`${daily.title}: bookings in`) });
          await grid.getByText("only 2 episodes").first().waitFor();
          await grid.getByText("only “Interview 100”").first().waitFor();
          // Flights on different episodes never play in place of each other: neither is outlined as competing.
          assert.equal(await grid.locator(".calendar-conflict").count(), 0);
          await creator
            .getByRole("listitem")
            .filter({ hasText: "Picked episodes" })
            .getByText(/only 2 episodes: /)
            .waitFor();
          await shot(creator, "calendar");

          // The public methodology page says how far a frequency cap reaches.
          await creator.goto(`${baseUrl}/methodology/${workspace.id}`);
          await creator.getByText(/frequency cap holds per listener and UTC day, across episodes/).waitFor();
        } finally {
          await scripted.close();
          await unscripted.close();
          await handle.close();
        }
      },
    },
    {
      page,
      name: "the only seat's holder is not offered the waitlist, another buyer is, and a canceled event's editor offers no more changes",
      async run() {
        const handle = createDb(database);
        const browser = page.context().browser()!;
        const setup = await paidEventSetup(
          handle.db,
          browser,
          baseUrl,
          { owner: "Uma Only-Seat", workspace: `One seat hall ${stamp}`, supporter: `Hal Holder ${stamp}` },
          { priceCents: 1500, capacity: 1 },
        );
        const { supporterPage, workspace, event } = setup;
        const eventUrl = `${baseUrl}/c/${workspace.id}/events/${event.id}`;
        const other = await createUser(handle.db, { name: `Wes Waiting ${stamp}` });
        const otherContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const creatorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const shot = (on: Page, name: string) =>
          on.screenshot({ path: path.join(RESULTS_DIR, `only-seat-${name}.png`), fullPage: true });
        try {
          // The sandbox checkout and the event page write the price the same way.
          await buyTicketInSandbox(supporterPage, eventUrl, "$15.00");
          await supporterPage.goto(eventUrl);
          await supporterPage.getByText("$15.00 · Sold out").waitFor();
          await supporterPage
            .getByText("The seats of Seat are all taken by your own tickets, so there is no waitlist to join.")
            .waitFor();
          assert.equal(
            await supporterPage.getByRole("button", { name: "Join the waitlist for Seat" }).count(),
            0,
            "the holder of the only seat is offered the waitlist",
          );
          await shot(supporterPage, "holder");

          await otherContext.addCookies([{ name: "greenroom_session", value: other.sessionToken, url: baseUrl }]);
          const otherPage = await otherContext.newPage();
          otherPage.setDefaultTimeout(STEP_TIMEOUT_MS);
          await otherPage.goto(eventUrl);
          await otherPage.getByText("$15.00 · Sold out").waitFor();
          await otherPage.getByRole("button", { name: "Join the waitlist for Seat" }).waitFor();
          await shot(otherPage, "other-buyer");

          await creatorContext.addCookies([
            { name: "greenroom_session", value: setup.owner.sessionToken, url: baseUrl },
          ]);
          const creator = await creatorContext.newPage();
          creator.setDefaultTimeout(STEP_TIMEOUT_MS);
          await creator.goto(`${baseUrl}/w/${workspace.id}/events/${event.id}`);
          const tickets = creator.getByRole("region", { name: "Tickets", exact: true });
          await tickets.getByText(/^\$15\.00 · 1 sold/).waitFor();
          await creator.getByRole("region", { name: "Details", exact: true }).waitFor();
          const cancel = creator.getByRole("region", { name: "Cancel event", exact: true });
          await cancel.getByLabel("Yes, cancel this event and refund everyone.").check();
          await cancel.getByRole("button", { name: "Cancel event" }).click();
          await creator
            .getByRole("status")
            .getByText(/^Event cancelled\./)
            .waitFor();
          await creator.getByRole("region", { name: "Cancellation", exact: true }).waitFor();

          // The record stays; nothing that would change the event is offered.
          await creator
            .getByRole("region", { name: "Attendees" })
            .getByRole("row")
            .filter({ hasText: `Hal Holder ${stamp}` })
            .waitFor();
          await shot(creator, "canceled-editor");
          const gone = {
            "refund per order": creator.getByText("Refund order"),
            "details form": creator.getByRole("region", { name: "Details", exact: true }),
            "buyers' cancellation policy": creator.getByRole("region", {
              name: "Cancellations by buyers",
              exact: true,
            }),
            "ticket type edit": tickets.getByText("Edit Seat"),
            "take off sale": tickets.getByRole("button", { name: "Take Seat off sale" }),
            "add a ticket type": creator.getByText("Add a ticket type"),
            "add a promo code": creator.getByText("Add a promo code"),
          };
          for (const [what, locator] of Object.entries(gone))
            assert.equal(await locator.count(), 0, `the canceled event's editor still offers: ${what}`);
        } catch (error) {
          await shot(supporterPage, "failed").catch(() => undefined);
          throw error;
        } finally {
          await creatorContext.close();
          await otherContext.close();
          await setup.context.close();
          await handle.close();
        }
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------------- Runner

const slug = (name: string) =>
  name
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];

const LIMIT = `the ${OVERALL_TIMEOUT_MS / 1000}-second time limit was reached`;

async function main(): Promise<number> {
  const deadline = Date.now() + OVERALL_TIMEOUT_MS;
  let passed = 0;
  let failed = 0;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;

  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await app?.stop();
  };
  const interrupted = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  try {
    await mkdir(RESULTS_DIR, { recursive: true });
    try {
      app = await startApp({ readyTimeoutMs: deadline - Date.now() });
    } catch (error) {
      console.log(`not ok - the app starts: ${describe(error)}`);
      return finish(0, 1);
    }

    // Playwright gives the browser a fresh temporary profile (user-data-dir) and deletes it on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const plain = await browser.newPage({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    for (const each of [page, plain]) each.setDefaultTimeout(STEP_TIMEOUT_MS);

    const chosen = scenarios(app.baseUrl, page, plain, app.database).filter((s) => s.name.toLowerCase().includes(ONLY));
    for (const scenario of chosen) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        failed++;
        console.log(`not ok - ${scenario.name}: not run, ${LIMIT}`);
        continue;
      }
      try {
        const running = scenario.run();
        // If the time limit wins the race, the abandoned run fails later when the browser closes: that is expected.
        running.catch(() => undefined);
        await withTimeout(running, remaining, LIMIT);
        passed++;
        console.log(`ok - ${scenario.name}`);
      } catch (error) {
        failed++;
        console.log(`not ok - ${scenario.name}: ${describe(error)}`);
        // The app's own log explains most failures (a job that threw, a cron that did not run).
        console.log(app.recentOutput(60).replace(/^/gm, "#   "));
        await scenario.page
          .screenshot({ path: path.join(RESULTS_DIR, `${slug(scenario.name)}.png`), fullPage: true })
          .catch(() => undefined);
      }
    }
    return finish(passed, failed);
  } catch (error) {
    console.log(`not ok - browser test setup: ${describe(error)}`);
    return finish(passed, failed + 1);
  } finally {
    await cleanup();
  }
}

function finish(passed: number, failed: number) {
  console.log(`browser: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
// Stray handles (a browser that would not close, a pending fetch) must not keep the run alive.
process.exit();
