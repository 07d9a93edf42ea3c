import { beforeEach, expect, it } from "vitest";
import { submitComment, type CommentTarget } from "~/comments/submission.server";
import { listThread } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import type { CommentFormValue, CommentRules } from "~/comments/validation";
import { describeEachDatabase, resetComments } from "../support/databases";

const rules: CommentRules = { limit: 200, maxParts: 3, allowAnonymous: true };
const post: CommentTarget = { slug: "a-post", commentsOpen: true };
const other: CommentTarget = { slug: "another-post", commentsOpen: true };

function guest(body: string, extra: Partial<CommentFormValue> = {}): CommentFormValue {
  return { name: "Ada", body, ...extra };
}

const paragraph = (n: number) => `Paragraph ${n} says something about coaching teachers well. `.repeat(2).trim();

describeEachDatabase("comment service", (db) => {
  beforeEach(async () => resetComments(db()));

  it("numbers top-level comments and replies in the order they were posted", async () => {
    const one = await submitComment(db(), post, rules, guest("First"));
    const two = await submitComment(db(), post, rules, guest("Second"));
    if (!one.ok || !two.ok) throw new Error("refused");
    const reply = await submitComment(db(), post, rules, guest("Reply", { parentId: two.comments[0].id }));
    const deeper = reply.ok
      ? await submitComment(db(), post, rules, guest("Deeper", { parentId: reply.comments[0].id }))
      : reply;
    expect([one, two, reply, deeper].map((r) => (r.ok ? r.anchorNumber : "refused"))).toEqual([
      "1",
      "2",
      "2.1",
      "2.1.1",
    ]);
  });

  it("splits a long comment into consecutive sibling parts in one go", async () => {
    // Three paragraphs of ~117 characters: no two fit in one 200-character part.
    const body = [1, 2, 3].map(paragraph).join("\n\n");
    const first = await submitComment(db(), post, rules, guest("Before"));
    const long = await submitComment(db(), post, rules, guest(body));
    const after = await submitComment(db(), post, rules, guest("After"));
    if (!first.ok || !long.ok || !after.ok) throw new Error("refused");
    expect(long.comments.map((part) => part.body)).toEqual([1, 2, 3].map(paragraph));
    expect(long.anchorNumber).toBe("2");
    const numbers = flattenThread(await listThread(db(), post.slug, 4)).map((n) => n.number);
    expect(numbers).toEqual(Array.from({ length: 2 + long.comments.length }, (_, i) => String(i + 1)));
    expect(after.anchorNumber).toBe(String(2 + long.comments.length));
  });

  it("refuses a comment needing more parts than allowed, storing nothing", async () => {
    const body = Array.from({ length: 12 }, (_, i) => paragraph(i)).join("\n\n");
    const result = await submitComment(db(), post, rules, guest(body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.body?.[0]).toMatch(/parts/);
    expect(await listThread(db(), post.slug, 4)).toEqual([]);
  });

  it("refuses a reply to a comment on another post or to no comment at all", async () => {
    const elsewhere = await submitComment(db(), other, rules, guest("Elsewhere"));
    if (!elsewhere.ok) throw new Error("refused");
    for (const parentId of [elsewhere.comments[0].id, 999_999]) {
      const result = await submitComment(db(), post, rules, guest("Reply", { parentId }));
      expect(result).toEqual({ ok: false, fieldErrors: { parentId: [expect.stringMatching(/not on this post/)] } });
    }
    expect(await listThread(db(), post.slug, 4)).toEqual([]);
  });

  it("refuses comments on a post whose comments are closed", async () => {
    const result = await submitComment(db(), { ...post, commentsOpen: false }, rules, guest("Hello"));
    expect(result).toEqual({ ok: false, fieldErrors: { "": ["Comments are closed on this post."] } });
  });

  it("never marks a guest's comment as the author's, whatever the form says", async () => {
    const sneaky = { ...guest("I am the author"), authorKind: "author", identity: "post-author" } as CommentFormValue;
    const result = await submitComment(db(), post, rules, sneaky);
    expect(result.ok && result.comments[0].authorKind).toBe("guest");
  });

  it("hands out distinct numbers to comments posted at the same moment", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submitComment(db(), post, rules, guest(`Comment ${i}`))),
    );
    const numbers = results.map((r) => (r.ok ? r.anchorNumber : "refused")).sort((a, b) => Number(a) - Number(b));
    expect(numbers).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
  });

  it("shows an anonymous comment as Anonymous without its website", async () => {
    const result = await submitComment(db(), post, rules, {
      anonymous: true,
      name: "Hidden Name",
      website: "https://example.org/",
      email: "hidden@example.org",
      body: "Candid thoughts",
    });
    expect(result.ok && result.comments[0]).toMatchObject({
      authorKind: "anonymous",
      displayName: "Anonymous",
      website: null,
    });
  });

  it("hangs a reply to any part of a split comment under its last part, never between the parts", async () => {
    const long = await submitComment(db(), post, rules, guest([1, 2, 3].map(paragraph).join("\n\n")));
    if (!long.ok) throw new Error("refused");
    const firstPart = long.comments[0].id;
    const reply = await submitComment(db(), post, rules, guest("Replying to part one", { parentId: firstPart }));
    expect(reply.ok && reply.anchorNumber).toBe("3.1");
    const numbers = flattenThread(await listThread(db(), post.slug, 4)).map((n) => n.number);
    expect(numbers).toEqual(["1", "2", "3", "3.1"]);
  });
});
