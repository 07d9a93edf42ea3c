import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSucceeded, HttpClient, runUserCreate, textareaValue } from "../support/accounts";
import { decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * What readers see (issue 12), over plain HTTP against the production server with moderation
 * as shipped (first-time guests held): bodies that would show nothing are refused like a blank
 * one, short user text is isolated from the text around it, and the moderation queue is paged.
 */

const HOOK_TIMEOUT = 120_000;
const BLANK = "Write a comment before posting.";
const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    moderation: true,
    env: { COMMENT_MIN_SECONDS: "0", COMMENT_RATE_LIMIT: "10000" },
    beforeStart: async (dataDir, cwd) => {
      const created = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
        cwd,
        env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
      });
      assertSucceeded("user:create", created);
    },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

describe("a body that would show nothing is refused like a blank one", () => {
  const bodies: [string, string][] = [
    ["bold around a zero-width space", "**\u200B**"],
    ["a non-breaking space entity", "&nbsp;"],
    ["a link with no text", "[](https://example.org)"],
    ["an image with an empty alt text", "![](https://example.org/pixel.png)"],
    ["a word joiner and a zero-width joiner in emphasis", "_\u2060\u200D_"],
  ];
  for (const [what, body] of bodies) {
    it(`a new comment of ${what}: 400, the blank-body message by the field, the text kept`, async () => {
      const guest = new HttpClient(server.baseUrl);
      const reply = await guest.post(DEMO_PATH, { name: "Ivy Invisible", body });
      expect(reply.status).toBe(400);
      expect(decodeEntities(reply.text)).toContain(BLANK);
      // The message is the body field's own: conform ties it to the textarea by aria-describedby.
      const textarea = /<textarea\b[^>]*name="body"[^>]*>/.exec(reply.text)?.[0] ?? "";
      expect(textarea).toContain('aria-invalid="true"');
      expect(textareaValue(reply.text, "body")).toBe(body);
    });
  }

  it("an edit to a body of only invisible characters: 400 with the message, the text kept, the comment unchanged", async () => {
    const writer = new HttpClient(server.baseUrl);
    const posted = await writer.post(DEMO_PATH, { name: "Eda Editor", body: "A first thought worth keeping." });
    expect(posted.status).toBe(303);
    const id = /[?&]held=(\d+)/.exec(posted.location ?? "")?.[1];
    expect(id, `Location: ${posted.location}`).toBeDefined();
    const refused = await writer.post(`/comments/${id}/edit`, { body: "**\u200B**&nbsp;" });
    expect(refused.status).toBe(400);
    expect(decodeEntities(refused.text)).toContain(BLANK);
    expect(textareaValue(refused.text, "body")).toBe("**\u200B**&nbsp;");
    const form = await writer.get(`/comments/${id}/edit`);
    expect(textareaValue(form.text, "body")).toBe("A first thought worth keeping.");
  });
});
