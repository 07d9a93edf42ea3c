import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EMAIL_PATTERN,
  commentBodyHtml,
  commentIdOf,
  countCommentsInHtml,
  decodeEntities,
  prose,
  topLevelNumbers,
} from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, REPO_ROOT, startTestServer, type TestServer } from "../support/server";

/**
 * The production server over plain HTTP (no browser): CSRF refusal, the
 * editor closed to guests, hostile form input and comment sanitizing. One
 * server with a fresh database for the whole file.
 */

const HOOK_TIMEOUT = 120_000;

let server: TestServer;
const postUrl = () => `${server.baseUrl}${DEMO_PATH}`;

beforeAll(async () => {
  server = await startTestServer();
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

async function pageHtml(): Promise<string> {
  const response = await fetch(postUrl());
  expect(response.status).toBe(200);
  return response.text();
}

async function commentCount(): Promise<number> {
  return countCommentsInHtml(await pageHtml());
}

interface PostOptions {
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Sets Origin to the server's own origin, as a browser posting from the page does. */
  sameOrigin?: boolean;
}

/** A POST to the demo post's comment action; never follows redirects. */
async function postComment(options: PostOptions): Promise<{ status: number; location: string | null; html: string }> {
  // A fresh connection per POST: when the server refuses a large body early
  // (413) without reading it, a kept-alive connection is left unusable.
  const headers: Record<string, string> = { Connection: "close", ...(options.headers ?? {}) };
  if (options.sameOrigin) headers.Origin = server.baseUrl;
  const response = await fetch(postUrl(), {
    method: "POST",
    headers,
    body: options.body,
    redirect: "manual",
    // Streaming bodies need this in Node's fetch.
    ...(options.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return { status: response.status, location: response.headers.get("location"), html: await response.text() };
}

function form(fields: Record<string, string> | [string, string][]): URLSearchParams {
  return new URLSearchParams(fields);
}

describe("cross-site comment POSTs are refused (CSRF)", () => {
  const evil = "https://evil.example";
  const cases: { name: string; headers: Record<string, string>; body: () => BodyInit }[] = [
    {
      name: "urlencoded form with Origin: https://evil.example",
      headers: { Origin: evil, "Content-Type": "application/x-www-form-urlencoded" },
      body: () => form({ name: "Mallory", body: "Posted from another site (urlencoded)." }),
    },
    {
      name: "multipart form with Origin: https://evil.example",
      headers: { Origin: evil },
      body: () => {
        const data = new FormData();
        data.set("name", "Mallory");
        data.set("body", "Posted from another site (multipart).");
        return data;
      },
    },
    {
      name: "text/plain body with Origin: https://evil.example",
      headers: { Origin: evil, "Content-Type": "text/plain" },
      body: () => "name=Mallory&body=Posted+from+another+site+(text/plain).",
    },
    {
      name: "Sec-Fetch-Site: cross-site without Origin",
      headers: { "Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded" },
      body: () => form({ name: "Mallory", body: "Posted from another site (fetch metadata)." }),
    },
    {
      name: "Sec-Fetch-Site: cross-site with Origin: https://evil.example",
      headers: { Origin: evil, "Sec-Fetch-Site": "cross-site" },
      body: () => form({ name: "Mallory", body: "Posted from another site (both headers)." }),
    },
    {
      name: "Origin: null (sandboxed frame)",
      headers: { Origin: "null" },
      body: () => form({ name: "Mallory", body: "Posted from a sandboxed frame." }),
    },
  ];

  it.each(cases)("$name → 403 and no comment added", async ({ headers, body }) => {
    const before = await commentCount();
    const response = await postComment({ headers, body: body() });
    expect(response.status).toBe(403);
    expect(await commentCount()).toBe(before);
  });

  // With JavaScript on, Remix's single fetch posts forms to the page's `.data` address.
  it.each(cases)(
    "$name, to the page's single-fetch address (.data) → 403 and no comment added",
    async ({ headers, body }) => {
      const before = await commentCount();
      const response = await fetch(`${postUrl()}.data`, {
        method: "POST",
        headers: { Connection: "close", ...headers },
        body: body(),
        redirect: "manual",
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("sent from another site");
      expect(await commentCount()).toBe(before);
    },
  );

  it("a same-origin POST (Origin = the site) is accepted: 303 to the new comment's anchor", async () => {
    const html = await pageHtml();
    const before = countCommentsInHtml(html);
    const next = Math.max(...topLevelNumbers(html)) + 1;
    const response = await postComment({
      sameOrigin: true,
      body: form({
        name: "Pat Sameorigin",
        email: "pat.private.address@example.org",
        body: "Posted from the site itself.",
      }),
    });
    expect(response.status).toBe(303);
    // The page holding it, at it, with the thank-you (?posted=<id>) drawn there.
    expect(response.location).toMatch(new RegExp(`^/posts/${DEMO_SLUG}\\?posted=\\d+#comment-${next}$`));
    const after = await pageHtml();
    expect(countCommentsInHtml(after)).toBe(before + 1);
    expect(decodeEntities(commentBodyHtml(after, String(next)))).toContain("Posted from the site itself.");
    // The email given is stored, never shown (nor in the hydration data).
    expect(after).not.toContain("pat.private.address@example.org");
    expect(after.match(EMAIL_PATTERN) ?? []).toEqual([]);
  });

  it("a same-origin POST with Sec-Fetch-Site: same-origin is accepted", async () => {
    const response = await postComment({
      sameOrigin: true,
      headers: { "Sec-Fetch-Site": "same-origin" },
      body: form({ name: "Pat Sameorigin", body: "Posted from the site itself, with fetch metadata." }),
    });
    expect(response.status).toBe(303);
    expect(response.location).toMatch(new RegExp(`^/posts/${DEMO_SLUG}\\?posted=\\d+#comment-\\d+$`));
  });
});

describe("the Keystatic editor is closed to anyone not signed in", () => {
  function snapshotContent(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else files.set(path.relative(REPO_ROOT, full), createHash("sha256").update(readFileSync(full)).digest("hex"));
      }
    };
    walk(path.join(REPO_ROOT, "content"));
    return files;
  }

  it("sends /keystatic to the sign-in page, answers the API's reads and its update with 401, and changes no file under content/", async () => {
    const before = snapshotContent();
    const pwnedPath = "content/posts/pwned.md";
    // The editor's pages send a guest to sign in, and back afterwards.
    for (const [pathname, back] of [
      ["/keystatic", "/keystatic"],
      ["/keystatic/collection/posts", "/keystatic/collection/posts"],
    ]) {
      const response = await fetch(`${server.baseUrl}${pathname}`, { redirect: "manual" });
      await response.arrayBuffer();
      expect(response.status, `GET ${pathname}`).toBe(302);
      expect(response.headers.get("location"), `GET ${pathname}`).toBe(
        `/signin?redirectTo=${encodeURIComponent(back)}`,
      );
    }
    // The API never redirects: 401, whatever the request.
    const requests: { label: string; init?: RequestInit; path: string }[] = [
      { label: "GET /api/keystatic/tree", path: "/api/keystatic/tree", init: { headers: { "no-cors": "1" } } },
      {
        label: "GET /api/keystatic/blob/…",
        path: "/api/keystatic/blob/0000000000000000000000000000000000000000/content/site.yaml",
        init: { headers: { "no-cors": "1" } },
      },
      {
        label: "POST /api/keystatic/update (same origin)",
        path: "/api/keystatic/update",
        init: {
          method: "POST",
          headers: { Origin: server.baseUrl, "Content-Type": "application/json", "no-cors": "1" },
          body: JSON.stringify({
            additions: [
              { path: pwnedPath, contents: Buffer.from("---\ntitle: Pwned\n---\nPwned.\n").toString("base64") },
              {
                path: `content/posts/${DEMO_SLUG}.md`,
                contents: Buffer.from("---\ntitle: Defaced\n---\nDefaced.\n").toString("base64"),
              },
            ],
            deletions: [{ path: "content/site.yaml" }],
          }),
        },
      },
      {
        label: "POST /api/keystatic/update (no Origin)",
        path: "/api/keystatic/update",
        init: {
          method: "POST",
          headers: { "Content-Type": "application/json", "no-cors": "1" },
          body: JSON.stringify({ additions: [], deletions: [{ path: "content/site.yaml" }] }),
        },
      },
    ];
    for (const request of requests) {
      const response = await fetch(`${server.baseUrl}${request.path}`, { redirect: "manual", ...request.init });
      await response.arrayBuffer();
      expect(response.status, request.label).toBe(401);
    }
    const after = snapshotContent();
    expect(after).toEqual(before);
    expect(after.has(pwnedPath)).toBe(false);
  });
});

describe("bad comment input never causes a 5xx", () => {
  interface Case {
    name: string;
    /** Builds the request body (and any headers) once the page is known. */
    build: (html: string) => { body?: BodyInit; headers?: Record<string, string> };
    /** "303" for input that is actually valid, "400", or "4xx" for any client error. */
    expect: "303" | "400" | "4xx" | "303-or-400";
    /** Text the 400 page must give back to the writer (their text, a message). */
    echoes?: string[];
    /** Comments (parts) a 303 adds to the page: 1 unless the comment is split. */
    parts?: number;
    /** Checks on the stored comment after a 303 (its number is from the Location). */
    stored?: (commentHtml: string) => void;
  }

  const text = (marker: string) => `A perfectly ordinary comment about coaching, ${marker}.`;
  const huge = "All work and no play makes a coach a dull teacher. ".repeat(42_000); // ≈ 2.1 MB
  const tooManyParts = prose(60_000).text;
  // 40,000 characters (grapheme clusters): 4,000 times a 10-character reaction in Japanese with
  // skin-toned and ZWJ emoji, about 1.2 MB once percent-encoded.
  const wideComment = "反応：👏🏽👩‍👩‍👧‍👦🧑🏽‍🏫🙋🏾‍♀️👍🏿👩🏻‍🔬。".repeat(4_000);

  const cases: Case[] = [
    {
      name: "empty body",
      build: () => ({ body: form({ name: "Ellis Empty", body: "" }) }),
      expect: "400",
      echoes: ["Ellis Empty", "Write a comment before posting."],
    },
    {
      name: "white space only",
      build: () => ({ body: form({ name: "Wyn Whitespace", body: "   \n\t  \r\n  " }) }),
      expect: "400",
      echoes: ["Wyn Whitespace", "Write a comment before posting."],
    },
    {
      name: "only a zero-width space",
      build: () => ({ body: form({ name: "Zed Zerowidth", body: "\u200B" }) }),
      expect: "400",
      echoes: ["Zed Zerowidth", "Write a comment before posting."],
    },
    {
      name: "no name (and not anonymous)",
      build: () => ({ body: form({ body: text("with no name given") }) }),
      expect: "400",
      echoes: [text("with no name given"), "Enter your name"],
    },
    {
      name: "NUL characters in name and body (stripped, then valid)",
      build: () => ({ body: form({ name: "Nu\u0000ll Person", body: "Hello\u0000 NUL-marker-71 world" }) }),
      expect: "303",
      stored: (comment) => {
        expect(comment).not.toContain("\u0000");
        expect(comment).not.toMatch(/&#0*;|&#x0*;|\uFFFD/i);
        expect(comment).toContain("Null Person");
        expect(comment).toContain("Hello NUL-marker-71 world");
      },
    },
    {
      name: "NUL characters as the whole body",
      build: () => ({ body: form({ name: "Nora Nul", body: "\u0000\u0000\u0000" }) }),
      expect: "400",
      echoes: ["Nora Nul", "Write a comment before posting."],
    },
    {
      name: "a 60,000-character body (too many parts)",
      build: () => ({ body: form({ name: "Lena Longwinded", body: tooManyParts }) }),
      expect: "400",
      // 60,000 characters in parts of 4,096: at most 10 parts hold about 40,960, so ≈19,000 are to cut.
      echoes: ["Lena Longwinded", tooManyParts.slice(0, 300), "at most 10 are allowed. Please cut at least "],
    },
    {
      name: 'parentId "abc"',
      build: () => ({ body: form({ name: "Pia Parent", parentId: "abc", body: text("replying to abc") }) }),
      expect: "400",
      echoes: [text("replying to abc"), "That comment cannot be replied to."],
    },
    {
      name: 'parentId "-1"',
      build: () => ({ body: form({ name: "Pia Parent", parentId: "-1", body: text("replying to -1") }) }),
      expect: "400",
      echoes: [text("replying to -1"), "That comment cannot be replied to."],
    },
    {
      name: 'parentId "1.5"',
      build: () => ({ body: form({ name: "Pia Parent", parentId: "1.5", body: text("replying to 1.5") }) }),
      expect: "400",
      echoes: [text("replying to 1.5"), "That comment cannot be replied to."],
    },
    {
      name: 'parentId "99999999999" (beyond a database integer)',
      build: () => ({
        body: form({ name: "Pia Parent", parentId: "99999999999", body: text("replying to 99999999999") }),
      }),
      expect: "400",
      echoes: [text("replying to 99999999999"), "That comment cannot be replied to."],
    },
    {
      name: "parentId of a comment that does not exist",
      build: () => ({ body: form({ name: "Pia Parent", parentId: "987654", body: text("replying to a ghost") }) }),
      expect: "400",
      echoes: [text("replying to a ghost"), "The comment you replied to is not on this post."],
    },
    {
      name: "a JSON body",
      build: () => ({
        body: JSON.stringify({ name: "Jason", body: "Posted as JSON." }),
        headers: { "Content-Type": "application/json" },
      }),
      expect: "4xx",
    },
    {
      name: "an empty request body",
      build: () => ({ body: "", headers: { "Content-Type": "application/x-www-form-urlencoded" } }),
      expect: "4xx",
    },
    {
      name: "no body and no content type",
      build: () => ({}),
      expect: "4xx",
    },
    {
      name: "a malformed multipart body",
      build: () => ({
        body: "--nope\r\nthis is not multipart",
        headers: { "Content-Type": "multipart/form-data; boundary=xyz" },
      }),
      expect: "4xx",
    },
    {
      name: "duplicated fields",
      build: () => ({
        body: form([
          ["name", "Dana Double"],
          ["name", "Dana Again"],
          ["body", "First body."],
          ["body", "Second body."],
          ["parentId", "1"],
          ["parentId", "2"],
        ]),
      }),
      expect: "303-or-400",
    },
    {
      name: "a file upload in `body`",
      build: () => {
        const data = new FormData();
        data.set("name", "Fi Upload");
        data.set("body", new Blob(["A comment sent as a file."], { type: "text/plain" }), "comment.txt");
        return { body: data };
      },
      expect: "4xx",
    },
    {
      name: "a file upload in `name`",
      build: () => {
        const data = new FormData();
        data.set("name", new Blob(["Fi Upload"], { type: "text/plain" }), "name.txt");
        data.set("body", text("with the name sent as a file"));
        return { body: data };
      },
      expect: "4xx",
    },
    {
      // The counter's unit is characters: 40,000 of them, each many bytes, must post (in 10 parts)
      // however large the form is in bytes (here about 1.5 MB percent-encoded).
      name: "a 40,000-character comment in Japanese with emoji (1.2 MB as a form)",
      build: () => ({ body: form({ name: "Kana Nagai", body: wideComment }) }),
      expect: "303",
      parts: 10,
      stored: (comment) => {
        expect(comment).toContain("Part 1 of 10");
      },
    },
    {
      name: "a 2 MB body",
      build: () => ({ body: form({ name: "Max Megabyte", body: huge }) }),
      expect: "4xx",
    },
    {
      name: "a 2 MB body streamed without Content-Length",
      build: () => {
        const bytes = new TextEncoder().encode(form({ name: "Max Megabyte", body: huge }).toString());
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
            controller.close();
          },
        });
        return { body: stream, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
      },
      expect: "4xx",
    },
    {
      name: "a name over 80 characters",
      build: () => ({ body: form({ name: "N".repeat(81), body: text("with a very long name") }) }),
      expect: "400",
      echoes: [text("with a very long name"), "Names can be at most 80 characters."],
    },
    {
      name: "a javascript: website",
      build: () => ({
        body: form({ name: "Web Site", website: "javascript:alert(1)", body: text("with a bad website") }),
      }),
      expect: "400",
      echoes: [text("with a bad website"), "Enter a web address like https://example.org"],
    },
    {
      name: "an email over 254 characters",
      build: () => ({
        body: form({ name: "Em Ail", email: `${"a".repeat(250)}@example.org`, body: text("with a long email") }),
      }),
      expect: "400",
      echoes: [text("with a long email"), "That email address is too long."],
    },
    {
      name: "percent-encoding that is not UTF-8",
      build: () => ({
        body: "name=Byte%FFPerson&body=Invalid%C3%28UTF-8%ED%A0%80here",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
      expect: "303-or-400",
      stored: (comment) => {
        expect(comment).toContain("UTF-8");
      },
    },
    {
      name: "anonymous with no name (valid)",
      build: (html) => ({
        body: form({ anonymous: "on", parentId: String(commentIdOf(html, "2")), body: text("posted anonymously") }),
      }),
      expect: "303",
      stored: (comment) => {
        expect(comment).toContain("Anonymous");
        expect(decodeEntities(comment)).toContain(text("posted anonymously"));
      },
    },
  ];

  it.each(cases)("$name → $expect", async (testCase) => {
    const html = await pageHtml();
    const before = countCommentsInHtml(html);
    const { body, headers } = testCase.build(html);
    const response = await postComment({ sameOrigin: true, body, headers });
    expect(response.status, "never a server error").toBeLessThan(500);

    if (testCase.expect === "4xx" || (testCase.expect === "303-or-400" && response.status !== 303)) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await commentCount()).toBe(before);
      return;
    }
    if (testCase.expect === "400") {
      expect(response.status).toBe(400);
      // What the writer sees: the markup without scripts (the hydration data
      // repeats the action's result, but it is not shown).
      const shown = decodeEntities(response.html.replace(/<script\b[\s\S]*?<\/script>/gi, ""));
      const missing = (testCase.echoes ?? []).filter((echo) => !shown.includes(echo)).map((echo) => echo.slice(0, 80));
      expect(missing, "text the 400 page should show the writer but does not").toEqual([]);
      expect(await commentCount()).toBe(before);
      return;
    }
    expect(response.status).toBe(303);
    const number = /#comment-([\d-]+)$/.exec(response.location ?? "")?.[1]?.replaceAll("-", ".");
    expect(number, `Location: ${response.location}`).toBeTruthy();
    const after = await pageHtml();
    expect(countCommentsInHtml(after)).toBe(before + (testCase.parts ?? 1));
    const start = after.indexOf(`id="comment-${number!.replaceAll(".", "-")}"`);
    const end = after.indexOf("</article>", start);
    testCase.stored?.(decodeEntities(after.slice(start, end)));
  });
});

describe("a form too large to read at all", () => {
  // 5 MB: more than any allowed comment (10 parts of 4,096 characters) can be, even in emoji.
  const enormous = () => form({ name: "Olive Oversize", body: "A coach's very long reflection. ".repeat(160_000) });
  const streamed = () => {
    const bytes = new TextEncoder().encode(enormous().toString());
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
  };

  it.each([
    { name: "with Content-Length", body: enormous, headers: {} as Record<string, string> },
    {
      name: "streamed without Content-Length",
      body: streamed,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    },
  ])("$name: 413 with the site's page saying so, the limit in characters and what to do", async ({ body, headers }) => {
    const before = await commentCount();
    const response = await postComment({ sameOrigin: true, body: body(), headers });
    expect(response.status).toBe(413);
    const shown = decodeEntities(
      response.html.replace(/<script\b[\s\S]*?<\/script>/gi, "").replace(/<[^>]+>/g, " "),
    ).replace(/\s+/g, " ");
    expect(shown).toContain("too large for the server to read");
    expect(shown).toContain("at most 40,960 characters");
    expect(shown).toContain("post it as two comments");
    // The site's own page (its header and a way home), not a bare status.
    expect(response.html).toMatch(/<header\b/);
    expect(shown).toContain("Go to the home page");
    expect(await commentCount()).toBe(before);
  });
});

describe("comment markup from strangers is not executable", () => {
  it("renders <script>, javascript: links and onerror= handlers as harmless text", async () => {
    const html = await pageHtml();
    const next = Math.max(...topLevelNumbers(html)) + 1;
    const body = [
      "XSS probe one: <script>alert(1)</script>",
      "",
      'XSS probe two: [x](javascript:alert(1)) and [y](JAVASCRIPT:alert(2)) and <a href="javascript:alert(3)">z</a>',
      "",
      "XSS probe three: <img src=x onerror=alert(1)> and <svg onload=alert(1)>",
      "",
      "XSS probe four: [e](&#106;avascript:alert(1)) [t](java\tscript:alert(1)) [d](data:text/html,alert) <javascript:alert(1)> [ok](https://example.org/safe)",
      "",
      "<script>alert(1)</script>",
    ].join("\n");
    const response = await postComment({ sameOrigin: true, body: form({ name: "Eve <b>Bold</b>", body }) });
    expect(response.status).toBe(303);
    expect(response.location).toMatch(new RegExp(`^/posts/${DEMO_SLUG}\\?posted=\\d+#comment-${next}$`));

    const page = await pageHtml();
    const comment = commentBodyHtml(page, String(next));
    expect(comment).toContain("XSS probe one");
    expect(comment).toContain("XSS probe three");
    expect(comment).not.toMatch(/<script/i);
    expect(comment).not.toMatch(/<img/i);
    expect(comment).not.toMatch(/<svg/i);
    expect(comment).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i); // no event-handler attribute on any tag
    expect(comment).not.toMatch(/<a\b[^>]*\shref\s*=\s*["']?\s*javascript:/i); // no javascript: link
    // Every link that survives points somewhere harmless.
    const hrefs = [...comment.matchAll(/<a\b[^>]*\shref="([^"]*)"/gi)].map((m) => decodeEntities(m[1]));
    expect(hrefs).toContain("https://example.org/safe");
    for (const href of hrefs) {
      expect(href.replace(/[\u0000-\u0020]/g, "")).not.toMatch(/^(javascript|data|vbscript):/i);
    }
    // Nowhere on the page either (the hydration data is in a <script> too).
    expect(page).not.toContain("<script>alert");
    expect(page).not.toMatch(/<img[^>]*onerror/i);
    expect(page).not.toMatch(/<a\b[^>]*\shref\s*=\s*["']?\s*javascript:/i);
    // The raw HTML is shown to readers as the text that was written.
    expect(decodeEntities(comment)).toContain("<img src=x onerror=alert(1)>");
    // The name is text, not markup.
    expect(page).not.toContain("<b>Bold</b>");
  });
});
