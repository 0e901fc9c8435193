import { describe, expect, it } from "vitest";
import { resolveReferences, safeHref, sanitisePostHtml, textOfHtml } from "../../server/services/posts/sanitise";

const MEDIA = "11111111-1111-4111-8111-111111111111";
const EPISODE = "22222222-2222-4222-8222-222222222222";

/** Hostile markup and what must never survive it. Each entry: input, then strings the output must not contain. */
const HOSTILE: [string, string, string[]][] = [
  ["script tag", `<p>hi</p><script>alert(1)</script>`, ["<script", "alert(1)"]],
  ["script, upper case and spaced", `<SCRIPT >alert(1)</SCRIPT >`, ["<script", "alert(1)"]],
  ["script split by a null", `<scr\u0000ipt>alert(1)</script>`, ["<scr", "alert(1)</script"]],
  ["event handler", `<p onclick="alert(1)">x</p>`, ["onclick", "alert"]],
  ["handler on an image", `<img data-media-id="${MEDIA}" onerror="alert(1)" src=x>`, ["onerror", "alert", "src=x"]],
  ["handler without quotes", `<a href=/ onmouseover=alert(1)>x</a>`, ["onmouseover", "alert"]],
  ["javascript: link", `<a href="javascript:alert(1)">x</a>`, ["javascript", "alert"]],
  ["javascript: with entities", `<a href="jav&#x09;ascript&#58;alert(1)">x</a>`, ["ascript", "alert"]],
  ["javascript: with a tab", `<a href="java\tscript:alert(1)">x</a>`, ["script:", "alert"]],
  ["javascript: upper case, leading space", `<a href="  JaVaScRiPt:alert(1)">x</a>`, ["avascript", "alert"]],
  ["data: link", `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, ["data:", "base64"]],
  ["vbscript: link", `<a href="vbscript:msgbox(1)">x</a>`, ["vbscript", "msgbox"]],
  ["protocol-relative link", `<a href="//evil.example/x">x</a>`, ["evil.example"]],
  ["style element", `<style>body{display:none}</style><p>x</p>`, ["<style", "display:none"]],
  ["style attribute", `<p style="position:fixed;top:0">x</p>`, ["style", "position"]],
  ["svg with onload", `<svg onload=alert(1)><circle/></svg>`, ["<svg", "onload", "alert"]],
  ["svg script", `<svg><script>alert(1)</script></svg>`, ["<svg", "alert"]],
  ["math with a link", `<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>`, ["<math", "javascript"]],
  ["mXSS via noscript", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, ["onerror", "alert"]],
  ["iframe", `<iframe src="https://evil.example"></iframe>`, ["<iframe", "evil.example"]],
  ["iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ["<iframe", "alert"]],
  ["object and embed", `<object data="x.swf"></object><embed src="x.swf">`, ["<object", "<embed", "x.swf"]],
  [
    "nested forms",
    `<form action="https://evil.example"><form><input name=a><button>Go</button></form></form>`,
    ["<form", "<input", "<button", "evil.example"],
  ],
  ["meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">`, ["<meta", "refresh"]],
  ["base tag", `<base href="https://evil.example/">`, ["<base", "evil.example"]],
  ["link stylesheet", `<link rel="stylesheet" href="https://evil.example/x.css">`, ["<link", "evil.example"]],
  ["comment hiding a script", `<!--<script>alert(1)</script>-->`, ["<!--", "<script"]],
  ["conditional comment", `<!--[if IE]><script>alert(1)</script><![endif]-->`, ["<script", "[if IE]"]],
  ["image src not ours", `<img src="https://tracker.example/p.gif">`, ["tracker.example", "<img"]],
  ["image with a bad media id", `<img data-media-id="../../etc/passwd">`, ["passwd", "<img"]],
  [
    "audio with a raw src",
    `<audio src="https://evil.example/a.mp3" data-media-id="nope"></audio>`,
    ["evil.example", "<audio"],
  ],
  [
    "episode embed with injected content",
    `<figure data-episode-id="${EPISODE}"><script>alert(1)</script></figure>`,
    ["<script", "alert"],
  ],
  ["video and source", `<video><source src="x.mp4" onerror="alert(1)"></video>`, ["<video", "<source", "onerror"]],
  ["class and id for CSS tricks", `<p class="admin-banner" id="login">x</p>`, ["class=", "id="]],
  ["unclosed attribute quote", `<a href="/ok" title="x><script>alert(1)</script>`, ["<script"]],
  ["formaction on a button", `<button formaction="javascript:alert(1)">x</button>`, ["<button", "javascript"]],
];

describe("post body sanitiser", () => {
  it.each(HOSTILE)("%s", (_name, input, forbidden) => {
    const { html } = sanitisePostHtml(input);
    for (const text of forbidden) expect(html.toLowerCase()).not.toContain(text.toLowerCase());
    // Whatever came out is stable: cleaning it again changes nothing.
    expect(sanitisePostHtml(html).html).toBe(html);
  });

  it("keeps the formatting the editor produces", () => {
    const input =
      `<h2>Title</h2><p>Some <strong>bold</strong>, <em>italic</em>, <u>under</u>, <s>gone</s> and <code>code</code>.</p>` +
      `<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote><pre><code>x &lt; y</code></pre><hr>` +
      `<p><a href="https://example.com/a?b=1&amp;c=2" title="Example">link</a> <a href="mailto:me@example.com">mail</a> <a href="/c/x">here</a></p>`;
    const { html } = sanitisePostHtml(input);
    expect(html).toContain("<h2>Title</h2>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<ul><li>one</li></ul>");
    expect(html).toContain("<pre><code>x &lt; y</code></pre>");
    expect(html).toContain(
      `<a href="https://example.com/a?b=1&amp;c=2" title="Example" rel="nofollow noopener noreferrer">link</a>`,
    );
    expect(html).toContain(`<a href="mailto:me@example.com">mail</a>`);
    expect(html).toContain(`<a href="/c/x">here</a>`);
  });

  it("renames headings outside h2-h4 and balances unclosed and stray tags", () => {
    expect(sanitisePostHtml("<h1>A</h1><h6>B</h6>").html).toBe("<h2>A</h2><h4>B</h4>");
    expect(sanitisePostHtml("<p><strong>open <em>inner").html).toBe("<p><strong>open <em>inner</em></strong></p>");
    expect(sanitisePostHtml("</p></div>text</strong>").html).toBe("text");
    expect(sanitisePostHtml("<p><b>x</p>y").html).toBe("<p><b>x</b></p>y");
    expect(sanitisePostHtml(`<a href="/a">one <a href="/b">two</a></a>`).html).toBe(`<a href="/a">one two</a>`);
  });

  it("escapes text that looks like markup", () => {
    expect(sanitisePostHtml("2 > 1").html).toBe("2 &gt; 1");
    expect(sanitisePostHtml("<p>&lt;script&gt;</p>").html).toBe("<p>&lt;script&gt;</p>");
  });

  it("collects media and episode references for the workspace check, and resolves only the checked ones", () => {
    const other = "33333333-3333-4333-8333-333333333333";
    const body = sanitisePostHtml(
      `<img data-media-id="${MEDIA.toUpperCase()}" alt="A &quot;cat&quot;"><audio data-media-id="${other}">fallback</audio>` +
        `<figure data-episode-id="${EPISODE}"><p>anything</p></figure>`,
    );
    expect(body.mediaIds).toEqual([
      { id: MEDIA, kind: "image" },
      { id: other, kind: "audio" },
    ]);
    expect(body.episodeIds).toEqual([EPISODE]);
    const resolved = resolveReferences(body.html, {
      media: new Map([[MEDIA, { id: MEDIA, url: "/media/posts/p/m" }]]),
      episodes: new Map([
        [EPISODE, { id: EPISODE, title: "Ep <1>", pageUrl: "/p/s/e", audioUrl: "/media/episodes/e/audio.mp3" }],
      ]),
    });
    expect(resolved).toContain(
      `<img src="/media/posts/p/m" data-media-id="${MEDIA}" alt="A &quot;cat&quot;" loading="lazy">`,
    );
    expect(resolved).not.toContain(other);
    expect(resolved).toContain(`<figcaption><a href="/p/s/e">Ep &lt;1&gt;</a></figcaption>`);
    expect(resolved).not.toContain("anything");
    // Stored HTML goes through the sanitiser again on the next save and resolves to the same markup.
    const again = sanitisePostHtml(resolved);
    expect(again.mediaIds).toEqual([{ id: MEDIA, kind: "image" }]);
    expect(
      resolveReferences(again.html, {
        media: new Map([[MEDIA, { id: MEDIA, url: "/media/posts/p/m" }]]),
        episodes: new Map([
          [EPISODE, { id: EPISODE, title: "Ep <1>", pageUrl: "/p/s/e", audioUrl: "/media/episodes/e/audio.mp3" }],
        ]),
      }),
    ).toBe(resolved);
  });

  it("allows only web, mail and same-site links", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com");
    expect(safeHref("/relative")).toBe("/relative");
    expect(safeHref("#section")).toBe("#section");
    for (const bad of ["javascript:x", "data:x", "//evil", "/\\evil", "ftp://x", "relative", " ", "https:/evil"])
      expect(safeHref(bad)).toBeNull();
  });

  it("gives the plain text of a body", () => {
    expect(textOfHtml("<h2>A</h2><p>b &amp; c</p><ul><li>d</li></ul>")).toBe("A\nb & c\nd");
  });
});
