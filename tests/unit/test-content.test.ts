import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertContentCopy, FIXTURE_CONTENT_ROOT, REPO_ROOT } from "../support/content";

// The suite's own content (tests/support/content.ts): every test file reads a
// throw-away copy of tests/fixtures/content, so a post written in the editor
// on this checkout, or an edited content/site.yaml, changes no test's result.

describe("the content the tests read", () => {
  it("is a copy of the fixtures in a temp folder, not the working tree's content/", async () => {
    const root = process.env.CONTENT_ROOT;
    expect(root).toBeTruthy();
    expect(path.resolve(root!)).not.toBe(REPO_ROOT);
    expect(path.resolve(root!)).not.toBe(FIXTURE_CONTENT_ROOT);
    expect(existsSync(path.join(root!, "content/site.yaml"))).toBe(true);
    const { listPosts } = await import("~/posts/posts.server");
    // The demo posts as committed, newest first.
    expect((await listPosts()).map((post) => post.slug)).toEqual([
      "what-does-a-technology-coach-do",
      "who-asks-for-help-and-when",
      "student-voice-in-technology-planning",
      "when-the-wifi-goes-down",
      "the-five-minute-debrief",
      "coaching-cycles-that-start-with-the-teacher",
    ]);
  });

  it("the helpers refuse the repository's content/ and the fixtures themselves", () => {
    expect(() => assertContentCopy(REPO_ROOT)).toThrow(/refusing to run tests on/);
    expect(() => assertContentCopy(FIXTURE_CONTENT_ROOT)).toThrow(/refusing to run tests on/);
  });
});
