import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { comments, commentSubmissions } from "../../db/schema";
import { removeComment } from "~/comments/submission.server";
import { listThread } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import { loadDemoContent } from "~/demo/demo.server";
import { describeEachDatabase } from "../support/databases";

// The fixture as shipped with the product: the expectations below come from
// its own words (issue 2 and the fixture's "expect" notes), not from our code.
const fixture = JSON.parse(readFileSync("db/demo/coach-post-thread.json", "utf8"));
const slug: string = fixture.post.slug;
const longReply = fixture.comments.find((c: { id: string }) => c.id === "c09a");

describeEachDatabase("demo discussion", (db) => {
  beforeAll(async () => {
    expect(await loadDemoContent(db())).toBe(22);
  });

  it("has 16 top-level comments and 22 comments in all", async () => {
    const thread = await listThread(db(), slug, 4);
    expect(thread.map((node) => node.number)).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1)));
    expect(flattenThread(thread)).toHaveLength(22);
  });

  it("stores the long reply to 9 as 9.1 and 9.2, Part 1 of 2 and Part 2 of 2, joined back to the fixture's text", async () => {
    const thread = await listThread(db(), slug, 4);
    const nine = thread[8];
    expect(nine.children.map((node) => node.number)).toEqual(["9.1", "9.2", "9.3", "9.4"]);
    const [first, second] = nine.children;
    expect(first.parts).toMatchObject({ index: 1, count: 2, nextAnchor: second.anchor, previousAnchor: null });
    expect(second.parts).toMatchObject({ index: 2, count: 2, previousAnchor: first.anchor, nextAnchor: null });
    expect(first.comment.submissionId).toBe(second.comment.submissionId);
    expect(nine.children[2].parts).toBeNull();

    const [submission] = await db()
      .select()
      .from(commentSubmissions)
      .where(eq(commentSubmissions.id, first.comment.submissionId));
    expect(submission.body).toBe(longReply.body.normalize("NFC"));
    expect(submission.partCount).toBe(2);
    const parts = await db().select().from(comments).where(eq(comments.submissionId, submission.id));
    expect(parts.every((part) => [...new Intl.Segmenter().segment(part.body)].length <= 4096)).toBe(true);
  });

  it("marks the author's replies, keeps the anonymous writer anonymous and never shows an email", async () => {
    const all = flattenThread(await listThread(db(), slug, 4));
    const byNumber = new Map(all.map((node) => [node.number, node.comment]));
    expect(byNumber.get("4")).toMatchObject({ authorKind: "author", displayName: "Morgan Ellery" });
    expect(byNumber.get("9")).toMatchObject({ authorKind: "anonymous", displayName: "Anonymous", website: null });
    expect(byNumber.get("3")).toMatchObject({
      authorKind: "guest",
      displayName: "Dev Patel",
      website: "https://example.org/dev-patel",
    });
    expect(all.every((node) => !("email" in node.comment))).toBe(true);
  });

  it("stores comment times in UTC from the writer's offset", async () => {
    const first = (await listThread(db(), slug, 4))[0];
    // 2013-06-09T18:42:00+05:30 in the fixture.
    expect(first.comment.createdAt).toBe("2013-06-09T13:12:00.000Z");
  });

  it("loads the demo content only into an empty database", async () => {
    expect(await loadDemoContent(db())).toBe(0);
    expect(flattenThread(await listThread(db(), slug, 4))).toHaveLength(22);
  });

  it("leaves a tombstone with every number unchanged when a comment with replies is removed", async () => {
    const before = flattenThread(await listThread(db(), slug, 4)).map((node) => node.number);
    const nine = (await listThread(db(), slug, 4))[8];
    expect(await removeComment(db(), nine.comment.id)).toBe(1);
    const after = await listThread(db(), slug, 4);
    expect(flattenThread(after).map((node) => node.number)).toEqual(before);
    const tombstone = after[8];
    expect(tombstone.comment.removed).toBe(true);
    expect(tombstone.comment.html).toBe("");
    expect(tombstone.comment.displayName).toBe("");
    expect(tombstone.children.map((node) => node.number)).toEqual(["9.1", "9.2", "9.3", "9.4"]);
  });

  it("removes both parts of a split reply together", async () => {
    const nine = (await listThread(db(), slug, 4))[8];
    expect(await removeComment(db(), nine.children[1].comment.id)).toBe(2);
    const again = (await listThread(db(), slug, 4))[8];
    expect(again.children.slice(0, 2).every((node) => node.comment.removed)).toBe(true);
    expect(again.children[2].comment.removed).toBe(false);
  });
});
