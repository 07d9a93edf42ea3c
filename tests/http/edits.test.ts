import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, textareaValue } from "../support/accounts";
import { commentIdOf, decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/** Editing and removing one's own comment through the site, as a guest. */
describe("a guest edits and removes their own comment", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => server?.stop());

  async function postAs(client: HttpClient, body: string): Promise<{ id: number; number: string }> {
    const reply = await client.post(DEMO_PATH, { name: "Jo Writer", body });
    expect(reply.status).toBe(303);
    const number = /#comment-([\d-]+)$/.exec(reply.location ?? "")![1].replaceAll("-", ".");
    return { id: commentIdOf((await client.get(DEMO_PATH)).text, number), number };
  }

  it("opens the edit form with the stored Markdown, keeps the text of a refused edit, and saves a good one", async () => {
    const writer = new HttpClient(server.baseUrl);
    const original = "First *draft* of my thoughts:\n\n- planning\n- co-teaching";
    const { id, number } = await postAs(writer, original);
    const page = await writer.get(`/comments/${id}/edit`);
    expect(page.status).toBe(200);
    expect(textareaValue(page.text, "body")).toBe(original);

    const refused = await writer.post(`/comments/${id}/edit`, { body: "   " });
    expect(refused.status).toBe(400);
    expect(decodeEntities(refused.text)).toContain("Write a comment before posting.");

    const nudged = await writer.post(`/comments/${id}/edit`, { body: "Email me at jo@example.org" });
    expect(nudged.status).toBe(422);
    expect(textareaValue(nudged.text, "body")).toBe("Email me at jo@example.org");

    const saved = await writer.post(`/comments/${id}/edit`, { body: "Second thoughts, better put." });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${DEMO_PATH}#comment-${number.replaceAll(".", "-")}`);
    const shown = decodeEntities((await writer.get(DEMO_PATH)).text);
    expect(shown).toContain("Second thoughts, better put.");
    expect(shown).toContain("edited");
  });

  it("refuses someone else's edit and removal; the writer's removal leaves a tombstone with the number", async () => {
    const writer = new HttpClient(server.baseUrl);
    const { id, number } = await postAs(writer, "A comment I will take back.");
    const stranger = new HttpClient(server.baseUrl);
    expect((await stranger.get(`/comments/${id}/edit`)).status).toBe(404);
    expect((await stranger.post(`/comments/${id}/remove`, {})).status).toBe(403);
    const removed = await writer.post(`/comments/${id}/remove`, {});
    expect(removed.status).toBe(303);
    const page = decodeEntities((await writer.get(DEMO_PATH)).text);
    expect(page).not.toContain("A comment I will take back.");
    expect(page).toContain(`data-number="${number}"`);
    expect(page).toContain("This comment was removed.");
  });
});
