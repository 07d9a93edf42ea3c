import { describe, expect, it } from "vitest";
import { readFormBody } from "~/http/form-body.server";
import { refusalOf } from "~/http/request-shape";

/**
 * What is refused before any route sees a request, and how every form is
 * read (issue 12, "No 5xx for any input"): methods the site does not answer
 * get 405 with Allow (RFC 9110 §15.5.6), addresses with NUL or broken
 * %-escapes 400, and no form field reaches a route holding NUL.
 */

describe("refusalOf", () => {
  it.each(["PROPFIND", "PUT", "DELETE", "PATCH", "TRACE", "MKCOL", "FOOBAR", "propfind"])(
    "%s is answered 405 with an Allow header naming GET and POST",
    (method) => {
      const refusal = refusalOf({ method, url: "/posts/a-post" });
      expect(refusal?.status).toBe(405);
      expect(refusal?.headers.Allow).toMatch(/\bGET\b/);
      expect(refusal?.headers.Allow).toMatch(/\bPOST\b/);
    },
  );

  it("OPTIONS is answered 204 with Allow", () => {
    const refusal = refusalOf({ method: "OPTIONS", url: "/" });
    expect(refusal?.status).toBe(204);
    expect(refusal?.headers.Allow).toMatch(/\bGET\b/);
  });

  it.each(["/", "/posts/a-post?page=2", "/search?q=caf%C3%A9", "/tags/%C3%A9t%C3%A9", "/search?q=%FF"])(
    "GET %s passes",
    (url) => {
      expect(refusalOf({ method: "GET", url })).toBeNull();
      expect(refusalOf({ method: "POST", url })).toBeNull();
      expect(refusalOf({ method: "HEAD", url })).toBeNull();
    },
  );

  it.each(["/members/%00", "/posts/a%00b", "/posts/%0Aa", "/search?q=%00", "/posts/a?draft=x%00y"])(
    "an address holding NUL or a control character (%s) is a 400",
    (url) => {
      const refusal = refusalOf({ method: "GET", url });
      expect(refusal?.status).toBe(400);
      expect(refusal?.text).toMatch(/NUL|control character/);
    },
  );

  it.each(["/posts/%E0%A4%A", "/members/%FF", "/tags/%"])("a path with a broken %%-escape (%s) is a 400", (url) => {
    const refusal = refusalOf({ method: "GET", url });
    expect(refusal?.status).toBe(400);
    expect(refusal?.text).toMatch(/%-escape/);
  });
});

function formRequest(body: BodyInit, contentType: string | null): Request {
  const headers: Record<string, string> = contentType ? { "Content-Type": contentType } : {};
  return new Request("http://site.test/form", { method: "POST", body, headers });
}

describe("readFormBody", () => {
  it("removes NUL from every field's name and value (urlencoded and multipart)", async () => {
    const urlencoded = await readFormBody(
      formRequest("reason=a%00b&na%00me=%00x", "application/x-www-form-urlencoded"),
    );
    expect(urlencoded.get("reason")).toBe("ab");
    expect(urlencoded.get("name")).toBe("x");
    const multipart = new FormData();
    multipart.append("body", "one\u0000two");
    const read = await readFormBody(new Request("http://site.test/form", { method: "POST", body: multipart }));
    expect(read.get("body")).toBe("onetwo");
  });

  it("reads bytes that are not UTF-8 as U+FFFD, never failing", async () => {
    const body = Buffer.concat([Buffer.from("reason=a"), Buffer.from([0xff, 0xfe]), Buffer.from("%C3%28")]);
    const form = await readFormBody(formRequest(body, "application/x-www-form-urlencoded"));
    expect(form.get("reason")).toBe("a\uFFFD\uFFFD\uFFFD(");
  });

  it.each([
    ["no Content-Type", null],
    ["JSON", "application/json"],
    ["multipart without a boundary", "multipart/form-data"],
  ])("a body that is not a form (%s) is a 400", async (_label, type) => {
    const refusal = await readFormBody(formRequest("a=1", type)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Response);
    expect((refusal as Response).status).toBe(400);
  });

  it("a body over the limit is a 413", async () => {
    const refusal = await readFormBody(formRequest(`a=${"x".repeat(2000)}`, "application/x-www-form-urlencoded"), {
      maxBytes: 1000,
    }).catch((error: unknown) => error);
    expect((refusal as Response).status).toBe(413);
  });
});
