import { readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_PASSWORD, HttpClient, inBatches, runUserCreate } from "../support/accounts";
import { DEMO_SLUG, REPO_ROOT, startTestServer, type TestServer } from "../support/server";

/**
 * No 5xx for any input (issue 12): every route (enumerated from the files in
 * app/routes, so a new route is covered without editing this test) is sent
 * unusual methods, hostile path parameters, query strings and cookies, and
 * bodies that are not forms; every form the pages draw (field names taken
 * from the pages' own <form> elements, as a guest, a member and an admin see
 * them) is sent NUL, bytes that are not UTF-8, malformed %-escapes and
 * over-long values, in each field alone and in all at once. Any answer of
 * 500 or more fails, naming the request. One production server for the file.
 */

const HOOK_TIMEOUT = 120_000;

const ADMIN = { email: "fuzz-admin@example.org", name: "Fuzz Admin", password: "stormy lighthouse 73" };
const MEMBER = { email: "fuzz-member@example.org", displayName: "Fuzz Member" };
/** Requests in flight at once: enough to keep the server busy on two cores. */
const CONCURRENCY = 4;

let server: TestServer;
let guest: HttpClient;
let member: HttpClient;
let admin: HttpClient;

beforeAll(async () => {
  server = await startTestServer({
    // Each role sends from its own client address (X-Forwarded-For, believed from this proxy only),
    // so one role's probes do not use up the per-address rate limits another's must get past.
    env: { TRUSTED_PROXIES: "127.0.0.1" },
    beforeStart: async (dataDir, cwd) => {
      const made = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
        cwd,
        env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
      });
      if (made.code !== 0) throw new Error(`user:create failed: ${made.stderr}`);
    },
  });
  guest = new HttpClient(server.baseUrl, "198.51.100.1");
  member = new HttpClient(server.baseUrl, "198.51.100.2");
  admin = new HttpClient(server.baseUrl, "198.51.100.3");
  const signedUp = await member.signUp({ ...MEMBER, password: GOOD_PASSWORD });
  if (signedUp.status !== 302) throw new Error(`member sign-up answered ${signedUp.status}`);
  const signedIn = await admin.signIn(ADMIN.email, ADMIN.password);
  if (signedIn.status !== 302) throw new Error(`admin sign-in answered ${signedIn.status}`);
  // Pages whose forms only show to their owner or once something is waiting: an edit page for
  // the guest's and the member's own comment, and a reported comment in the moderation queue.
  for (const [client, fields] of [
    [guest, { name: "Fuzz Guest", body: "A guest's comment of their own." }],
    [member, { asMember: "1", body: "A member's comment of their own." }],
  ] as const) {
    const posted = await client.post(`/posts/${DEMO_SLUG}`, fields);
    const id = new URL(posted.location ?? "/", server.baseUrl).searchParams.get("posted");
    if (!id) throw new Error(`posting a comment answered ${posted.status}: ${posted.text.slice(0, 3000)}`);
    ownPages.set(client, [`/comments/${id}/edit`]);
  }
  await guest.post("/comments/1/report", { reason: "Please look at this." });
}, HOOK_TIMEOUT);

/** Pages with forms besides the routes' own addresses, by client. */
const ownPages = new Map<HttpClient, string[]>();

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

// ---------------------------------------------------------------------------
// Routes, from the files in app/routes (Remix flat routes)

/** The route files' names without extension, e.g. "comments.$id_.edit", "feed[.]atom", "$". */
function routeFiles(): string[] {
  return readdirSync(path.join(REPO_ROOT, "app/routes"))
    .filter((name) => /\.(tsx?|jsx?)$/.test(name))
    .map((name) => name.replace(/\.(tsx?|jsx?)$/, ""))
    .sort();
}

/**
 * The address a flat route file answers, its parameters filled in by `value`:
 * "." separates segments, "[.]" is a literal dot, "_index" and "_layout"
 * segments add nothing, a trailing "_" only opts out of nesting, "$name" is a
 * parameter and a lone "$" the splat.
 */
function addressOf(route: string, value: (param: string) => string): string {
  const segments = route
    .replaceAll("[.]", "\u0001")
    .split(".")
    .map((segment) => segment.replaceAll("\u0001", "."));
  const parts: string[] = [];
  for (const raw of segments) {
    if (raw === "_index" || (raw.startsWith("_") && !raw.startsWith("_."))) continue;
    const segment = raw.endsWith("_") ? raw.slice(0, -1) : raw;
    if (segment === "$") parts.push(value("*"));
    else if (segment.startsWith("$")) parts.push(value(segment.slice(1)));
    else parts.push(segment.replace(/\[(.*?)\]/g, "$1"));
  }
  return `/${parts.join("/")}`;
}

/** Parameter values that name something real (or plausible) in the demo site. */
const SANE_PARAMS: Record<string, string> = {
  slug: DEMO_SLUG,
  tag: "coaching",
  id: "1",
  number: "1",
  year: "2013",
  month: "06",
  token: "not-a-real-token",
  job: "not-a-real-job",
  "*": "no-such-page",
};
const sane = (param: string) => SANE_PARAMS[param] ?? "1";

/** Path parameter values no route should answer with a 500 (already %-encoded where they must be). */
const HOSTILE_PARAMS = [
  "%00",
  "a%00b",
  "%FF",
  "%E0%A4%A",
  "%",
  "x".repeat(4000),
  "-1",
  "1.5",
  "99999999999999999999",
  "%2e%2e%2f%2e%2e",
  "'%20OR%201=1--",
];

/** Query strings sent to every route. */
const HOSTILE_QUERIES = [
  "?q=%00&page=%00&draft=%00&replyTo=%00&redirectTo=%00",
  "?q=%FF%FE&page=%C3%28&draft=%E0%A4%A&replyTo=%&redirectTo=%FF&status=%FF&tag=%FF",
  `?q=${"x".repeat(6000)}&page=${"9".repeat(300)}&draft=${"d".repeat(3000)}&replyTo=-1`,
  "?page=0&page=2&replyTo=1.5&draft=not-a-uuid&posted=x&held=-1&reported=1e9&status=spam&status=nope",
];

/** Cookies a browser could never have been given by the site. */
const HOSTILE_COOKIES = [
  "staffroom_session=%00; staffroom_guest=%00",
  "staffroom_session=%E0%A4%A; staffroom_guest=%FF",
  `staffroom_session=${"a".repeat(3000)}; staffroom_guest=${"b".repeat(3000)}`,
  "staffroom_session=abcdefghijklmnopqrstuvwxyz234567abcdefgh",
];

/** Methods besides GET and POST, as clients send them. */
const METHODS = ["HEAD", "PUT", "DELETE", "PATCH", "PROPFIND", "MKCOL", "TRACE", "OPTIONS", "SEARCH", "FOOBAR"];

// ---------------------------------------------------------------------------
// Sending

interface Probe {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  client?: HttpClient;
  label: string;
}

interface Answer {
  status: number;
  text: string;
}

/** Sends exactly what a probe says (any method, raw bytes) over node:http; never follows redirects. */
function send(probe: Probe): Promise<Answer> {
  const url = new URL(server.baseUrl);
  const headers: Record<string, string> = { Origin: server.baseUrl, ...(probe.headers ?? {}) };
  const cookie = probe.client?.cookieHeader();
  if (cookie && headers.Cookie === undefined) headers.Cookie = cookie;
  headers["X-Forwarded-For"] = probe.client?.forwardedFor ?? "198.51.100.9";
  const body = probe.body === undefined ? undefined : Buffer.from(probe.body);
  if (body) headers["Content-Length"] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, method: probe.method, path: probe.path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    if (body) request.end(body);
    else request.end();
  });
}

/** Sends every probe (a few at a time) and returns those answered with 5xx, with what the server said. */
async function serverErrors(probes: Probe[]): Promise<string[]> {
  const failures: string[] = [];
  await inBatches(
    probes.map((probe) => async () => {
      let answer: Answer;
      try {
        answer = await send(probe);
      } catch (error) {
        // A connection the server closed on a malformed request is an answer, not a server error.
        if (/ECONNRESET|socket hang up|HPE_/.test(String(error))) return;
        throw error;
      }
      if (answer.status >= 500) {
        failures.push(`${probe.label}: ${answer.status} ${answer.text.slice(0, 200).replace(/\s+/g, " ")}`);
      }
    }),
    CONCURRENCY,
  );
  return failures;
}

// ---------------------------------------------------------------------------
// Forms, as the pages draw them

interface PageForm {
  method: "get" | "post";
  action: string;
  enctype: string;
  /** Field names with the values the page gave them, in order. */
  fields: [string, string][];
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return match ? decodeHtml(match[1] ?? match[2] ?? match[3] ?? "") : null;
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Every <form> on a page with its fields (input, textarea, select, named buttons). */
function formsOf(html: string, pagePath: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, attributes, inner] = match;
    const tag = `<form ${attributes}>`;
    const method = (attribute(tag, "method") ?? "get").toLowerCase() === "post" ? "post" : "get";
    const action = attribute(tag, "action") || pagePath;
    const fields: [string, string][] = [];
    for (const field of inner.matchAll(/<(input|textarea|select|button)\b([^>]*)>/gi)) {
      const [whole, kind, rest] = field;
      const name = attribute(` ${rest}`, "name");
      if (!name) continue;
      const type = (attribute(` ${rest}`, "type") ?? "").toLowerCase();
      if (kind.toLowerCase() === "button" || type === "submit") {
        fields.push([name, attribute(` ${rest}`, "value") ?? ""]);
      } else if (kind.toLowerCase() === "textarea") {
        const after = inner.slice(inner.indexOf(whole) + whole.length);
        fields.push([name, decodeHtml(after.slice(0, after.indexOf("</textarea>")))]);
      } else if (kind.toLowerCase() === "select") {
        const after = inner.slice(inner.indexOf(whole) + whole.length);
        const options = after.slice(0, after.indexOf("</select>"));
        const chosen = /<option\b[^>]*\sselected\b[^>]*>/i.exec(options)?.[0] ?? /<option\b[^>]*>/i.exec(options)?.[0];
        fields.push([name, chosen ? (attribute(chosen, "value") ?? "") : ""]);
      } else if (type === "checkbox" || type === "radio") {
        if (/\schecked\b/i.test(rest) || !fields.some(([existing]) => existing === name)) {
          fields.push([name, attribute(` ${rest}`, "value") ?? "on"]);
        }
      } else if (type !== "file") {
        fields.push([name, attribute(` ${rest}`, "value") ?? ""]);
      }
    }
    forms.push({ method, action: action.replace(/#.*$/, ""), enctype: attribute(tag, "enctype") ?? "", fields });
  }
  return forms;
}

/**
 * Field values to try, as bytes on the wire of an application/x-www-form-urlencoded
 * body. `alone`: also tried in each field by itself (the others as the page
 * gave them); every kind is tried in all fields at once, urlencoded and multipart.
 */
const HOSTILE_VALUES: { kind: string; encoded: Buffer; alone: boolean }[] = [
  { kind: "NUL", encoded: Buffer.from("a%00b%00"), alone: true },
  { kind: "a lone NUL", encoded: Buffer.from("%00"), alone: false },
  { kind: "bytes that are not UTF-8 (escaped)", encoded: Buffer.from("%FF%FEa%C3%28%ED%A0%80"), alone: false },
  {
    kind: "bytes that are not UTF-8 (raw)",
    encoded: Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
    alone: true,
  },
  { kind: "malformed %-escapes", encoded: Buffer.from("%E0%A4%A%zz%"), alone: false },
  { kind: "100,000 characters", encoded: Buffer.from("x".repeat(100_000)), alone: true },
  { kind: "control characters and bidi overrides", encoded: Buffer.from("%01%1B%7F%E2%80%AE%EF%BB%BF"), alone: false },
];

function encodeForm(fields: [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    if (parts.length) parts.push(Buffer.from("&"));
    parts.push(Buffer.from(`${encodeURIComponent(name)}=`));
    parts.push(typeof value === "string" ? Buffer.from(encodeURIComponent(value)) : value);
  }
  return Buffer.concat(parts);
}

/** The same fields as a multipart/form-data body (raw bytes kept as they are). */
function encodeMultipart(fields: [string, string | Buffer][]): { body: Buffer; type: string } {
  const boundary = "----fuzz7MA4YWxkTrZu0gW";
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`));
    parts.push(typeof value === "string" ? Buffer.from(value) : decodePercent(value));
    parts.push(Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** %XX escapes as bytes (malformed ones kept as written): what a multipart body would carry instead. */
function decodePercent(encoded: Buffer): Buffer {
  const text = encoded.toString("latin1");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "%" && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

/** Probes for one form: each hostile kind in each field alone (the others as the page gave them), then in all. */
function formProbes(form: PageForm, client: HttpClient, role: string): Probe[] {
  const probes: Probe[] = [];
  const names = [...new Set(form.fields.map(([name]) => name))];
  const variants: { label: string; fields: [string, string | Buffer][]; multipart: boolean }[] = [];
  for (const { kind, encoded, alone } of HOSTILE_VALUES) {
    for (const name of alone ? names : []) {
      variants.push({
        label: `${name}=${kind}`,
        fields: form.fields.map(([field, value]) => [field, field === name ? encoded : value]),
        multipart: false,
      });
    }
    variants.push({
      label: `every field=${kind}`,
      fields: form.fields.map(([field]) => [field, encoded]),
      multipart: true,
    });
  }
  for (const variant of variants) {
    const label = `${role} ${form.method.toUpperCase()} ${form.action} (${variant.label})`;
    if (form.method === "get") {
      const query = encodeForm(variant.fields).toString("latin1");
      probes.push({ method: "GET", path: `${form.action}?${query}`.slice(0, 12_000), client, label });
    } else if (/multipart/i.test(form.enctype)) {
      const { body, type } = encodeMultipart(variant.fields);
      probes.push({ method: "POST", path: form.action, headers: { "Content-Type": type }, body, client, label });
    } else {
      probes.push({
        method: "POST",
        path: form.action,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: encodeForm(variant.fields),
        client,
        label,
      });
      if (!variant.multipart) continue;
      const { body, type } = encodeMultipart(variant.fields);
      probes.push({
        method: "POST",
        path: form.action,
        headers: { "Content-Type": type },
        body,
        client,
        label: `${label} as multipart`,
      });
    }
  }
  return probes;
}

/** Bodies that are not the form a route expects. */
const ODD_BODIES: { label: string; headers: Record<string, string>; body: Buffer | string }[] = [
  { label: "no Content-Type", headers: {}, body: "a=1" },
  { label: "JSON", headers: { "Content-Type": "application/json" }, body: '{"body": "\\u0000", "a": [' },
  { label: "text/plain", headers: { "Content-Type": "text/plain" }, body: "body=hello" },
  {
    label: "multipart without its boundary",
    headers: { "Content-Type": "multipart/form-data" },
    body: "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1",
  },
  {
    label: "multipart cut short",
    headers: { "Content-Type": "multipart/form-data; boundary=x" },
    body: '--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nhello',
  },
  {
    label: "urlencoded with NUL names",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "%00=%00&intent=%00&body=%00&name=%00&reason=%00&role=%00&userId=%00&ids=%00",
  },
  { label: "an empty form", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" },
];

// ---------------------------------------------------------------------------

describe("no 5xx for any input", () => {
  const routes = routeFiles();

  it("finds the routes to try in app/routes", () => {
    // A guard for the enumeration itself: the site has more routes than this, and the post page is one.
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((route) => addressOf(route, sane))).toContain(`/posts/${DEMO_SLUG}`);
    expect(addressOf("comments.$id_.edit", sane)).toBe("/comments/1/edit");
    expect(addressOf("feed[.]atom", sane)).toBe("/feed.atom");
    expect(addressOf("archive._index", sane)).toBe("/archive");
  });

  it("unusual methods on every route are refused, never a server error", async () => {
    const probes: Probe[] = [];
    for (const route of routes) {
      const address = addressOf(route, sane);
      for (const method of METHODS) {
        probes.push({
          method,
          path: address,
          label: `${method} ${address}`,
          body: method === "HEAD" ? undefined : "a=1",
        });
      }
    }
    expect(await serverErrors(probes)).toEqual([]);
  }, 300_000);

  it("a PROPFIND or a made-up method is answered 405 with the methods the site allows", async () => {
    for (const method of ["PROPFIND", "PUT", "TRACE"]) {
      const answer = await send({ method, path: `/posts/${DEMO_SLUG}`, label: method });
      expect(answer.status, method).toBe(405);
    }
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const url = new URL(server.baseUrl);
      http
        .request({ host: url.hostname, port: url.port, method: "PROPFIND", path: "/" }, resolve)
        .on("error", reject)
        .end();
    });
    response.resume();
    expect(response.headers.allow).toMatch(/GET/);
    expect(response.headers.allow).toMatch(/POST/);
  });

  for (const [role, client] of [
    ["guest", () => guest],
    ["member", () => member],
    ["admin", () => admin],
  ] as const) {
    it(`as ${role}: hostile path parameters, queries, cookies and bodies on every route`, async () => {
      const probes: Probe[] = [];
      for (const route of routes) {
        const params = [...route.matchAll(/\$(\w*)/g)].map((match) => match[1] || "*");
        const address = addressOf(route, sane);
        for (const param of params) {
          for (const hostile of HOSTILE_PARAMS) {
            const target = addressOf(route, (name) => (name === param ? hostile : sane(name)));
            probes.push({
              method: "GET",
              path: target,
              client: client(),
              label: `${role} GET ${target.slice(0, 120)}`,
            });
            probes.push({
              method: "POST",
              path: target,
              client: client(),
              headers: { "Content-Type": "application/x-www-form-urlencoded" },
              body: "body=hello&name=Fuzz&reason=x",
              label: `${role} POST ${target.slice(0, 120)}`,
            });
          }
        }
        for (const query of HOSTILE_QUERIES) {
          probes.push({
            method: "GET",
            path: `${address}${query}`,
            client: client(),
            label: `${role} GET ${address}${query.slice(0, 100)}`,
          });
        }
        for (const body of ODD_BODIES) {
          probes.push({
            method: "POST",
            path: address,
            client: client(),
            headers: body.headers,
            body: body.body,
            label: `${role} POST ${address} (${body.label})`,
          });
        }
        if (role === "guest") {
          for (const cookie of HOSTILE_COOKIES) {
            probes.push({
              method: "GET",
              path: address,
              headers: { Cookie: cookie },
              label: `GET ${address} with Cookie ${cookie.slice(0, 60)}`,
            });
            probes.push({
              method: "POST",
              path: address,
              headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
              body: "body=a%00b&asMember=1&name=x&reason=a%00",
              label: `POST ${address} with Cookie ${cookie.slice(0, 60)}`,
            });
          }
        }
      }
      expect(await serverErrors(probes)).toEqual([]);
    }, 300_000);

    it(`as ${role}: every field of every form the pages draw, with NUL, bytes that are not UTF-8, bad %-escapes and over-long values`, async () => {
      const pages = [
        ...routes.filter((route) => !/signout/.test(route)).map((route) => addressOf(route, sane)),
        ...(ownPages.get(client()) ?? []),
      ];
      const forms = new Map<string, PageForm>();
      const seen = new Set(pages);
      for (let next = 0; next < pages.length; next++) {
        const page = pages[next];
        const answer = await send({ method: "GET", path: page, client: client(), label: page });
        // The same page's other views (`?list=reported` in the moderation queue…) may draw other forms.
        const pathOnly = page.split("?")[0];
        // One step only: views found on a view are not followed.
        for (const link of page.includes("?") ? [] : answer.text.matchAll(/href="([^"#]*\?[^"#]*)"/g)) {
          const href = decodeHtml(link[1]);
          if (!href.startsWith(`${pathOnly}?`)) continue;
          const view = href;
          if (!seen.has(view) && seen.size < 400) {
            seen.add(view);
            pages.push(view);
          }
        }
        for (const form of formsOf(answer.text, page)) {
          if (!form.action.startsWith("/") || /signout/.test(form.action)) continue;
          // The same form under every comment (report, remove…) is tried once.
          const action = form.action.split("?")[0].replace(/\d+/g, "N");
          const key = `${form.method} ${action} ${form.fields.map(([name]) => name).join(",")}`;
          if (!forms.has(key)) forms.set(key, form);
        }
      }
      // A guard for the scraping itself: the post page's comment form (with its body field) is among them.
      expect([...forms.values()].some((form) => form.fields.some(([name]) => name === "body"))).toBe(true);
      const probes = [...forms.values()].flatMap((form) => formProbes(form, client(), role));
      // A signed-in writer's forms also sent without their session: the text is then kept as a draft.
      if (role !== "guest") {
        for (const form of forms.values()) {
          if (form.method !== "post") continue;
          probes.push(
            ...formProbes({ ...form, fields: form.fields }, guest, `guest sending ${role}'s form`).filter((probe) =>
              /NUL/.test(probe.label),
            ),
          );
        }
      }
      expect(await serverErrors(probes)).toEqual([]);
    }, 300_000);
  }
});
