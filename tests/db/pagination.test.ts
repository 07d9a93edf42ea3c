import { beforeAll, expect, it } from "vitest";
import { locateComment, pageOfNumber, placeOfComment } from "~/comments/numbering.server";
import { submitComment, type CommentTarget } from "~/comments/submission.server";
import { listThreadPage } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import type { CommentRules } from "~/comments/validation";
import { describeEachDatabase, resetComments } from "../support/databases";

const rules: CommentRules = { limit: 4096, maxParts: 10, allowAnonymous: true };
const post: CommentTarget = { slug: "a-long-thread", commentsOpen: true };

describeEachDatabase("long threads", (db) => {
  const ids = new Map<string, number>();

  beforeAll(async () => {
    await resetComments(db());
    // 200 top-level comments; every tenth has a reply with a reply of its own.
    for (let i = 1; i <= 200; i++) {
      const top = await submitComment(db(), post, rules, { name: "Reader", body: `Top-level comment ${i}` });
      if (!top.ok) throw new Error("refused");
      ids.set(String(i), top.comments[0].id);
      if (i % 10 === 0) {
        const reply = await submitComment(db(), post, rules, {
          name: "Replier",
          body: `Reply to ${i}`,
          parentId: top.comments[0].id,
        });
        if (!reply.ok) throw new Error("refused");
        const deeper = await submitComment(db(), post, rules, {
          name: "Deeper",
          body: `Reply to ${i}.1`,
          parentId: reply.comments[0].id,
        });
        if (!deeper.ok) throw new Error("refused");
      }
    }
  }, 180_000);

  it("shows 50 top-level comments a page with their whole threads, in order", async () => {
    const first = await listThreadPage(db(), post.slug, 4, {}, 1);
    expect(first.pageCount).toBe(4);
    expect(first.nodes.map((n) => n.number)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    const third = await listThreadPage(db(), post.slug, 4, {}, 3);
    expect(third.nodes[0].number).toBe("101");
    expect(third.nodes.at(-1)!.number).toBe("150");
    const all = flattenThread(third.nodes).map((n) => n.number);
    expect(all).toContain("110.1");
    expect(all).toContain("110.1.1");
    expect(all.filter((n) => !n.includes("."))).toHaveLength(50);
  });

  it("never splits a thread across pages: a page-boundary comment keeps its replies", async () => {
    const first = await listThreadPage(db(), post.slug, 4, {}, 1);
    const fifty = first.nodes.find((n) => n.number === "50")!;
    expect(flattenThread(fifty.children).map((n) => n.number)).toEqual(["50.1", "50.1.1"]);
    const second = await listThreadPage(db(), post.slug, 4, {}, 2);
    expect(flattenThread(second.nodes).some((n) => n.number.startsWith("50."))).toBe(false);
  });

  it("gives the same page for the same request (stable at boundaries)", async () => {
    const a = flattenThread((await listThreadPage(db(), post.slug, 4, {}, 2)).nodes).map((n) => n.comment.id);
    const b = flattenThread((await listThreadPage(db(), post.slug, 4, {}, 2)).nodes).map((n) => n.comment.id);
    expect(a).toEqual(b);
  });

  it("finds the page of comment 130 (page 3) and of a reply (by its top-level number)", async () => {
    const found = await locateComment(db(), ids.get("130")!);
    expect(found?.number).toBe("130");
    expect(pageOfNumber(found!.number)).toBe(3);
    expect(pageOfNumber("130.1.1")).toBe(3);
    expect(pageOfNumber("50")).toBe(1);
    expect(pageOfNumber("51")).toBe(2);
  });

  it("places every comment on the page that draws it: a held reply under its parent's page, a held new thread on the last page", async () => {
    const held = { moderation: { holdFirstTimeGuests: true, maxLinks: 2 }, guestToken: "held-guest-token" };
    const reply = await submitComment(
      db(),
      post,
      rules,
      { name: "Newcomer", body: "A held reply to 110", parentId: ids.get("110")! },
      held,
    );
    const top = await submitComment(db(), post, rules, { name: "Newcomer", body: "A held new thread" }, held);
    if (!reply.ok || !top.ok) throw new Error("refused");
    expect(reply.status).toBe("pending");
    expect(await placeOfComment(db(), reply.comments[0].id)).toEqual({ postSlug: post.slug, page: 3, number: null });
    expect(await placeOfComment(db(), top.comments[0].id)).toEqual({ postSlug: post.slug, page: 4, number: null });
    expect(await placeOfComment(db(), ids.get("51")!)).toEqual({ postSlug: post.slug, page: 2, number: "51" });
    // Where listThreadPage draws them for their writer.
    const viewer = { guestToken: "held-guest-token" };
    const third = flattenThread((await listThreadPage(db(), post.slug, 4, viewer, 3)).nodes).map((n) => n.comment.id);
    expect(third).toContain(reply.comments[0].id);
    const last = (await listThreadPage(db(), post.slug, 4, viewer, 4)).nodes.map((n) => n.comment.id);
    expect(last).toContain(top.comments[0].id);
    expect(await placeOfComment(db(), 999_999_999)).toBeNull();
  });

  it("answers an empty page past the end with the real page count", async () => {
    const beyond = await listThreadPage(db(), post.slug, 4, {}, 9);
    expect(beyond.nodes).toEqual([]);
    expect(beyond.pageCount).toBe(4);
  });
});
