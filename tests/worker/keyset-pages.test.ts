import { describe, expect, it } from "vitest";
import { mutate, send, signUpOverHttp } from "./http";

const olderLink = (html: string) =>
  /href="([^"]*\?cursor=[^"]*)"[^>]*>\s*Older/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? null;

const nextLink = (html: string) =>
  /href="([^"]*cursor=[^"]*)"[^>]*>\s*Next/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? null;

describe("keyset pages (audit log, media library, social posts)", () => {
  it("walks older and back newer through the audit log, and refuses a forged cursor with 400", async () => {
    const owner = await signUpOverHttp("Pager Owner");
    for (let i = 0; i < 26; i++) {
      await mutate(
        "workspaces.rename",
        { workspaceId: owner.workspaceId, name: `Studio ${i}` },
        { cookie: owner.cookie },
      );
    }
    const base = `/w/${owner.workspaceId}/audit`;
    const first = await (await send(base, { headers: { cookie: owner.cookie } })).text();
    const older = olderLink(first);
    expect(older).toMatch(new RegExp(`^${base}\\?cursor=`));

    const second = await send(older!, { headers: { cookie: owner.cookie } });
    expect(second.status).toBe(200);
    const html = await second.text();
    expect(html).toMatch(new RegExp(`href="${base}"[^>]*>\\s*←(?:\\s|<!-- -->)*Newer`));
    expect(html).toContain("Created the workspace");

    expect((await send(`${base}?cursor=not-ours`, { headers: { cookie: owner.cookie } })).status).toBe(400);
    expect(
      (await send(`/w/${owner.workspaceId}/media?prev=not-ours`, { headers: { cookie: owner.cookie } })).status,
    ).toBe(400);
  });

  it("pages through a social posts tab keeping the tab, and back", async () => {
    const owner = await signUpOverHttp("Drafts Owner");
    for (let i = 0; i < 22; i++) {
      const created = await mutate(
        "socialPosts.createPost",
        { workspaceId: owner.workspaceId, type: "image", caption: `Draft number ${i}`, timezone: "UTC" },
        { cookie: owner.cookie },
      );
      expect(created.status).toBe(200);
    }
    const base = `/w/${owner.workspaceId}/social/posts`;
    const first = await (await send(`${base}?tab=drafts`, { headers: { cookie: owner.cookie } })).text();
    const next = nextLink(first);
    expect(next).toMatch(new RegExp(`^${base}\\?tab=drafts&cursor=`));
    const second = await (await send(next!, { headers: { cookie: owner.cookie } })).text();
    const shown = (html: string) => new Set(html.match(/Draft number \d+/g));
    expect(shown(first).size).toBe(20);
    expect(shown(second).size).toBe(2);
    expect([...shown(second)].some((caption) => shown(first).has(caption))).toBe(false);
    expect(second).toMatch(new RegExp(`href="${base}\\?tab=drafts"[^>]*>\\s*←(?:\\s|<!-- -->)*Previous`));
  });
});
