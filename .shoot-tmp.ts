import { chromium } from "playwright-core";
import { wavFile } from "./tests/support/audio";
import { pngFile } from "./tests/support/images";
import { writeFileSync } from "node:fs";
const base = "http://localhost:8911";
const stamp = Date.now().toString(36);
const email = `dana-${stamp}@example.com`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const shot = async (name: string) => {
  await page.screenshot({ path: `/tmp/dash-shots/${name}.png`, fullPage: true });
  console.log(name, "scrollWidth", await page.evaluate(() => document.documentElement.scrollWidth), "of", page.viewportSize()?.width);
};
await page.goto(`${base}/signup`);
await page.getByLabel("Your name", { exact: true }).fill("Dana Dash");
await page.getByLabel("Email", { exact: true }).fill(email);
await page.getByLabel("Password", { exact: true }).fill("a long enough password");
await page.getByRole("button", { name: "Create account" }).click();
await page.waitForURL(/\/w\/[0-9a-f-]{36}$/);
const ws = page.url();
// Create a show from the checklist's action.
await page.getByRole("link", { name: "Create a show" }).first().click();
await page.getByLabel("Title", { exact: true }).fill("Morning Coffee");
await page.getByRole("button", { name: "Create show" }).click();
await page.waitForURL(/\/shows\/[0-9a-f-]{36}/);
await page.getByLabel("Title", { exact: true }).first().fill("Espresso basics");
await page.getByRole("button", { name: "Create episode" }).click();
await page.waitForURL(/\/episodes\/[0-9a-f-]{36}/);
const episodeUrl = page.url();
await shot("episode");
await page.getByRole("link", { name: "Share to social" }).click();
await page.waitForURL(/social\/compose\?sourceType=episode/);
await page.getByLabel("Publish at").fill("2027-03-10T09:30");
await page.getByLabel("Time zone").selectOption("Europe/Warsaw");
console.log("confirmation:", await page.locator("#schedule-confirmation").innerText());
await page.getByRole("button", { name: "Suggest caption" }).click();
await page.locator(".suggestions").waitFor({ timeout: 15000 });
await shot("compose");
// Media: upload audio and an image.
await page.goto(`${ws}/media`);
writeFileSync("/tmp/dash-shots/talk.wav", wavFile(200_000));
writeFileSync("/tmp/dash-shots/cover.png", pngFile(1400, 1400, [200, 120, 40]));
await page.getByLabel("Files to upload", { exact: true }).setInputFiles(["/tmp/dash-shots/talk.wav", "/tmp/dash-shots/cover.png"]);
await page.locator(".upload-item").filter({ hasText: "talk.wav" }).getByRole("status").getByText(/^Ready\./).waitFor({ timeout: 60000 });
await page.locator(".upload-item").filter({ hasText: "cover.png" }).getByRole("status").getByText(/^Ready\./).waitFor({ timeout: 60000 });
await page.waitForTimeout(1500);
console.log("audio players:", await page.locator("audio.media-player").count(), "thumbs:", await page.locator("img.media-thumb").count());
await shot("media");
await page.goto(ws);
await shot("dashboard-1280");
await page.setViewportSize({ width: 320, height: 800 });
await page.reload();
await shot("dashboard-320");
await page.goto(`${ws}/media`);
await shot("media-320");
await page.goto(`${base}/account`);
await shot("account-320");
await page.setViewportSize({ width: 1280, height: 900 });
await page.getByLabel("Your name", { exact: true }).fill("Dana Renamed");
await page.getByRole("button", { name: "Save name" }).click();
await page.getByText("Your name is now Dana Renamed.").waitFor();
await page.getByLabel("New email address").fill(`new-${email}`);
await page.locator("#email-currentPassword").fill("a long enough password");
await page.getByRole("button", { name: "Send confirmation link" }).click();
await page.getByText(/We sent a link to new-/).waitFor();
await shot("account");
// Confirm from the dev mailbox.
for (let i = 0; i < 40; i++) {
  await page.goto(`${base}/dev/mailbox`);
  const mail = page.locator("details.mail").filter({ hasText: `To new-${email}` }).first();
  if ((await mail.count()) > 0) {
    await mail.locator("summary").click();
    await mail.locator(".mail-text a").first().click();
    break;
  }
  await page.waitForTimeout(500);
}
await page.getByRole("button", { name: "Confirm new email" }).click();
await page.waitForURL(/\/account\?notice=email-changed/);
console.log("account email now:", await page.locator("dd").nth(1).innerText());
await shot("account-changed");
await page.goto(`${ws}/search?q=espresso`);
await shot("search");
await browser.close();
