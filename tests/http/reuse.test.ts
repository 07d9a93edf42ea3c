import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/accounts";
import { decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/** The demo post (CC BY-NC-SA 3.0 Unported) answers "may I use this?" on the page itself. */
describe("the Reuse this post panel", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => server?.stop());

  it("says what the licence allows and gives a ready attribution, without JavaScript", async () => {
    const html = decodeEntities((await new HttpClient(server.baseUrl).get(DEMO_PATH)).text);
    expect(html).toContain("Reuse this post");
    expect(html).toContain("You may not use it for commercial purposes");
    expect(html).toContain("CC BY-NC-SA 3.0 Unported, a later version of it (such as CC BY-NC-SA 4.0)");
    expect(html).toContain(
      `“What is the role of a technology integration specialist?” by Morgan Ellery (${server.baseUrl}${DEMO_PATH}) is licensed under CC BY-NC-SA 3.0 Unported (https://creativecommons.org/licenses/by-nc-sa/3.0/).`,
    );
  });
});
