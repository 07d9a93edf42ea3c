import { eq } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import { commentRevisions } from "../../db/schema";
import { removeComment, submitComment, type CommentTarget } from "~/comments/submission.server";
import { listThread } from "~/comments/thread-read.server";
import { editSubmission, ownSubmission } from "~/comments/edits.server";
import { flattenThread } from "~/comments/thread";
import { listQueue } from "~/moderation/queue.server";
import type { CommentRules } from "~/comments/validation";
import { describeEachDatabase, resetComments } from "../support/databases";

const rules: CommentRules = { limit: 200, maxParts: 5, allowAnonymous: true };
const post: CommentTarget = { slug: "edits", commentsOpen: true };
const moderation = { holdFirstTimeGuests: true, maxLinks: 2 };
const token = "guest-token-of-the-writer-1";
const paragraph = (n: number) => `Paragraph ${n} says something about coaching teachers well. `.repeat(2).trim();

describeEachDatabase("editing and removing one's own comment", (db) => {
  beforeEach(async () => resetComments(db()));

  async function post1(body: string, extra: Record<string, unknown> = {}) {
    const result = await submitComment(db(), post, rules, { name: "Writer", body, ...extra }, { guestToken: token });
    if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
    return result;
  }

  it("lets the writer edit within 15 minutes: same number, an 'edited' label, the earlier text kept for moderators", async () => {
    const first = await post1("First thoughts, *with* Markdown:\n\n- one\n- two");
    const own = await ownSubmission(db(), first.comments[0].id, { guestToken: token });
    expect(own?.body).toBe("First thoughts, *with* Markdown:\n\n- one\n- two"); // round-trips unchanged
    const result = await editSubmission(db(), own!, rules, "Second thoughts.", { moderation, writer: "guest" });
    expect(result).toEqual({ ok: true, held: false });
    const [node] = await listThread(db(), post.slug, 4);
    expect(node.number).toBe("1");
    expect(node.comment.html).toContain("Second thoughts.");
    expect(node.comment.edited).toBe(true);
    const revisions = await db()
      .select()
      .from(commentRevisions)
      .where(eq(commentRevisions.submissionId, own!.submissionId));
    expect(revisions.map((r) => r.body)).toEqual(["First thoughts, *with* Markdown:\n\n- one\n- two"]);
  });

  it("is refused to anyone else, and after the window", async () => {
    const first = await post1("Mine.");
    expect(await ownSubmission(db(), first.comments[0].id, { guestToken: "someone-else" })).toBeNull();
    const later = new Date(Date.now() + 16 * 60_000);
    const own = await ownSubmission(db(), first.comments[0].id, { guestToken: token }, later);
    expect(own?.editable).toBe(false);
    const result = await editSubmission(db(), own!, rules, "Too late.", { moderation, writer: "guest", now: later });
    expect(result.ok).toBe(false);
  });

  it("holds an edit that adds links beyond the limit, keeping its number and replies for everyone else", async () => {
    const first = await post1("No links yet.");
    await submitComment(db(), post, rules, { name: "Other", body: "A reply", parentId: first.comments[0].id });
    const own = await ownSubmission(db(), first.comments[0].id, { guestToken: token });
    const result = await editSubmission(
      db(),
      own!,
      rules,
      "See https://a.example, https://b.example, https://c.example and https://d.example",
      { moderation, writer: "guest" },
    );
    expect(result).toEqual({ ok: true, held: true });
    const others = await listThread(db(), post.slug, 4);
    expect(others[0].number).toBe("1");
    expect(others[0].comment.removed).toBe(true);
    expect(others[0].comment.tombstone).toMatch(/awaits a moderator/);
    expect(others[0].children.map((n) => n.number)).toEqual(["1.1"]);
    const writer = await listThread(db(), post.slug, 4, { guestToken: token });
    expect(writer[0].comment.pending).toBe(true);
    expect(writer[0].comment.html).toContain("https://d.example");
    // The moderator sees the held edit with the version it replaced.
    const [queued] = await listQueue(db(), { all: true }, "pending");
    expect(queued.body).toContain("https://d.example");
    expect(queued.revisions.map((r) => r.body)).toEqual(["No links yet."]);
  });

  it("re-splits an edited split comment as a group; it may grow only while nothing follows it", async () => {
    const split = await post1([1, 2].map(paragraph).join("\n\n"));
    expect(split.comments).toHaveLength(2);
    const own = await ownSubmission(db(), split.comments[0].id, { guestToken: token });
    expect(await editSubmission(db(), own!, rules, [1, 2, 3].map(paragraph).join("\n\n"), { writer: "guest" })).toEqual(
      {
        ok: true,
        held: false,
      },
    );
    expect(flattenThread(await listThread(db(), post.slug, 4)).map((n) => [n.number, n.parts?.count])).toEqual([
      ["1", 3],
      ["2", 3],
      ["3", 3],
    ]);
    await submitComment(db(), post, rules, { name: "Other", body: "After it" });
    const again = await ownSubmission(db(), split.comments[0].id, { guestToken: token });
    const grown = await editSubmission(db(), again!, rules, [1, 2, 3, 4].map(paragraph).join("\n\n"), {
      writer: "guest",
    });
    expect(grown.ok).toBe(false);
    if (!grown.ok) expect(grown.fieldErrors.body?.[0]).toMatch(/must stay in 3 parts/);
    expect(flattenThread(await listThread(db(), post.slug, 4)).map((n) => n.number)).toEqual(["1", "2", "3", "4"]);
  });

  it("removes a writer's comment as a tombstone; a reply started before still attaches under it", async () => {
    const parent = await post1("Soon gone.");
    await removeComment(db(), parent.comments[0].id);
    const reply = await submitComment(db(), post, rules, {
      name: "Late",
      body: "I was writing this already",
      parentId: parent.comments[0].id,
    });
    expect(reply.ok && reply.anchorNumber).toBe("1.1");
    const [node] = await listThread(db(), post.slug, 4);
    expect(node.comment.removed).toBe(true);
    expect(node.children.map((n) => n.number)).toEqual(["1.1"]);
  });
});
