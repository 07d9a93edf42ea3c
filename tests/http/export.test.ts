import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffroomExportSchema } from "~/export/json-format";
import { DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, HttpClient, runUserCreate } from "../support/accounts";
import { child, children, parseStrictXml, textOf } from "../support/feed-xml";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The admin's download of the whole site (`/admin/export`): admins only, an
 * attachment in the format asked for, holding the demo discussion (the
 * shipped fixture: 22 comments from 21 submissions).
 */

const WP_NS = "http://wordpress.org/export/1.2/";
const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };

describe("admin export download", () => {
  let server: TestServer;
  let admin: HttpClient;
  beforeAll(async () => {
    server = await startTestServer({
      env: { DEMO_COACH_PASSWORD },
      beforeStart: async (dataDir, cwd) => {
        const created = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
          cwd,
          env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
        });
        if (created.code !== 0) throw new Error(`user:create failed: ${created.stderr}`);
      },
    });
    admin = new HttpClient(server.baseUrl);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
  }, 120_000);
  afterAll(async () => server?.stop());

  it("sends a guest to sign in and refuses a coach", async () => {
    const guest = await new HttpClient(server.baseUrl).get("/admin/export?format=json");
    expect(guest.status).toBe(302);
    expect(guest.location).toMatch(/^\/signin\?redirectTo=/);
    const coach = new HttpClient(server.baseUrl);
    expect((await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD)).status).toBe(302);
    expect((await coach.get("/admin/export?format=wxr")).status).toBe(403);
  });

  it("refuses a missing or unknown format", async () => {
    expect((await admin.get("/admin/export")).status).toBe(400);
    expect((await admin.get("/admin/export?format=pdf")).status).toBe(400);
  });

  it("downloads the site as WXR that a strict XML parser reads: the post and its 21 submissions", async () => {
    const reply = await admin.get("/admin/export?format=wxr");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-disposition")).toMatch(/^attachment; filename="staffroom-export-.*\.xml"$/);
    expect(reply.headers.get("content-type")).toMatch(/xml/);
    const channel = child(parseStrictXml(reply.text), "", "channel");
    // Every post of the demo (and the demo post's cover as an attachment); the demo discussion is under the demo post.
    const items = children(channel, "", "item").filter((i) => textOf(child(i, WP_NS, "post_type")) === "post");
    expect(items).toHaveLength(6);
    const item = items.find((i) => textOf(child(i, WP_NS, "post_name")) === "what-does-a-technology-coach-do")!;
    expect(item).toBeDefined();
    expect(children(item, WP_NS, "comment")).toHaveLength(21);
    expect(reply.text).not.toContain(DEMO_COACH_EMAIL);
  });

  it("downloads the site as JSON valid against its schema, with the 22 comments", async () => {
    const reply = await admin.get("/admin/export?format=json");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-disposition")).toMatch(/^attachment; filename="staffroom-export-.*\.json"$/);
    const document = staffroomExportSchema.parse(JSON.parse(reply.text));
    const demo = document.posts.find((post) => post.slug === "what-does-a-technology-coach-do")!;
    expect(demo.comments).toHaveLength(22);
    expect(demo.comments.filter((c) => c.submission.partCount === 2)).toHaveLength(2);
  });
});
