import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formHtml, HttpClient, textareaValue } from "../support/accounts";
import { commentIdOf, decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * A comment POST never loses the writer's text (issue 12), as a browser
 * without JavaScript sees it (plain form posts, the page that comes back):
 * - text nested thousands of levels deep, or a list item of thousands of
 *   lines, is refused with a 4xx saying what to change, the text in the form;
 * - an unexpected server error while storing a new comment, a reply or an
 *   edit answers with the form, the text and a "something went wrong" message.
 *
 * The server error is forced with the test-only fault of
 * app/comments/test-fault.server.ts: with NODE_ENV=test and
 * STAFFROOM_TEST_FAULT=comment-write:<marker>, storing a text holding the
 * marker throws. One server for the file.
 */

const HOOK_TIMEOUT = 120_000;
const MARKER = "FAULT-MARKER-91c2e7";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    env: { NODE_ENV: "test", STAFFROOM_TEST_FAULT: `comment-write:${MARKER}` },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

/** The body text the page's form holds, decoded, or null. */
function formBody(html: string, formId: string): string | null {
  const form = formHtml(html, formId);
  return form === null ? null : textareaValue(form, "body");
}

function visibleText(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ");
}

describe("deeply nested Markdown in a comment", () => {
  const cases: [string, string][] = [
    ["3,000 quote marks", `${">".repeat(3000)} my point`],
    ["3,000 list markers on one line", `${"- ".repeat(3000)}my point`],
    ["2,000 quotes and lists mixed", `${"> - ".repeat(2000)}my point`],
    ["a list item of 20,000 lines", `- my point\n${"b\n".repeat(20_000)}`],
  ];

  it.each(cases)("%s: answered 400 with what to change, the text kept in the form", async (_label, body) => {
    const guest = new HttpClient(server.baseUrl);
    const reply = await guest.post(DEMO_PATH, { name: "Deep Writer", body });
    expect(reply.status).toBe(400);
    expect(visibleText(reply.text)).toMatch(/at most (50 levels|200)/);
    expect(formBody(reply.text, "comment")).toBe(body);
  });

  it("a member's reply nested 3,000 deep is refused the same way, in the reply form", async () => {
    const member = new HttpClient(server.baseUrl);
    const signedUp = await member.signUp({ email: "deep-member@example.org", displayName: "Deep Member" });
    expect(signedUp.status).toBe(302);
    const page = await member.get(DEMO_PATH);
    const parentId = commentIdOf(page.text, "1");
    const body = `${">".repeat(3000)} my reply`;
    const reply = await member.post(DEMO_PATH, { parentId: String(parentId), body });
    expect(reply.status).toBe(400);
    expect(visibleText(reply.text)).toMatch(/at most 50 levels/);
    expect(formBody(reply.text, `reply-${parentId}`)).toBe(body);
  });

  it("an edit nested 3,000 deep is refused with the new text kept", async () => {
    const guest = new HttpClient(server.baseUrl);
    const posted = await guest.post(DEMO_PATH, { name: "Editor", body: "A first version of my thought." });
    expect(posted.status).toBe(303);
    const id = new URL(posted.location!, server.baseUrl).searchParams.get("posted");
    expect(id).toMatch(/^\d+$/);
    const body = `${"- ".repeat(3000)}a second version`;
    const edited = await guest.post(`/comments/${id}/edit`, { body });
    expect(edited.status).toBe(400);
    expect(visibleText(edited.text)).toMatch(/at most 50 levels/);
    expect(textareaValue(edited.text, "body")).toBe(body);
  });
});

describe("an unexpected server error on a comment POST", () => {
  const SORRY = /Something went wrong on our side/;

  it("a new comment: the form comes back with the text and a message, and the error is logged", async () => {
    const guest = new HttpClient(server.baseUrl);
    const body = `A long, careful comment I would hate to lose. ${MARKER}\n\nWith a second paragraph.`;
    const reply = await guest.post(DEMO_PATH, { name: "Unlucky Writer", body });
    expect(reply.status).toBe(500);
    expect(visibleText(reply.text)).toMatch(SORRY);
    expect(visibleText(reply.text)).toMatch(/your text is below/i);
    expect(formBody(reply.text, "comment")).toBe(body);
    expect(server.output()).toMatch(/test fault: comment-write/);
  });

  it("a reply: the reply form comes back open with the text", async () => {
    const guest = new HttpClient(server.baseUrl);
    const page = await guest.get(DEMO_PATH);
    const parentId = commentIdOf(page.text, "2");
    const body = `My reply to the second comment. ${MARKER}`;
    const reply = await guest.post(DEMO_PATH, { parentId: String(parentId), name: "Unlucky Replier", body });
    expect(reply.status).toBe(500);
    expect(visibleText(reply.text)).toMatch(SORRY);
    expect(formBody(reply.text, `reply-${parentId}`)).toBe(body);
  });

  it("a member's comment: the form comes back with the text", async () => {
    const member = new HttpClient(server.baseUrl);
    const signedUp = await member.signUp({ email: "unlucky-member@example.org", displayName: "Unlucky Member" });
    expect(signedUp.status).toBe(302);
    const body = `Written while signed in. ${MARKER}`;
    const reply = await member.post(DEMO_PATH, { asMember: "1", body });
    expect(reply.status).toBe(500);
    expect(visibleText(reply.text)).toMatch(SORRY);
    expect(formBody(reply.text, "comment")).toBe(body);
  });

  it("an edit: the edit form comes back with the new text", async () => {
    const guest = new HttpClient(server.baseUrl);
    const posted = await guest.post(DEMO_PATH, { name: "Unlucky Editor", body: "The first version." });
    expect(posted.status).toBe(303);
    const id = new URL(posted.location!, server.baseUrl).searchParams.get("posted");
    const body = `The second version, longer and better. ${MARKER}`;
    const edited = await guest.post(`/comments/${id}/edit`, { body });
    expect(edited.status).toBe(500);
    expect(visibleText(edited.text)).toMatch(SORRY);
    expect(textareaValue(edited.text, "body")).toBe(body);
    // Nothing was changed: the comment still reads as first written.
    const again = await guest.get(`/comments/${id}/edit`);
    expect(textareaValue(again.text, "body")).toBe("The first version.");
  });
});
