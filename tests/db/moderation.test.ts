import { randomBytes } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { commentSubmissions, comments, users } from "../../db/schema";
import {
  commentIdentityFor,
  submitComment,
  type CommentTarget,
  type SubmitOptions,
  type SubmitResult,
} from "~/comments/submission.server";
import { listThread, type DisplayComment } from "~/comments/thread-read.server";
import { flattenThread, type ThreadNode } from "~/comments/thread";
import type { CommentFormValue, CommentRules } from "~/comments/validation";
import {
  listQueue,
  moderate,
  pageAfterAction,
  queueCounts,
  queuePage,
  reportComment,
  type ModeratorScope,
} from "~/moderation/queue.server";
import type { ModerationSettings } from "~/moderation/rules";
import { describeEachDatabase } from "../support/databases";

/**
 * Moderation against the database (PGlite always, PostgreSQL when
 * TEST_DATABASE_URL is set): held first comments, approval and trust,
 * split submissions moderated as one, tombstones, reports, a coach's scope,
 * idempotency keys and duplicates. Expected values come from the issue's
 * rules, not from the code's output.
 */

const rules: CommentRules = { limit: 200, maxParts: 3, allowAnonymous: true };
const post: CommentTarget = { slug: "a-post", commentsOpen: true };
const otherPost: CommentTarget = { slug: "another-post", commentsOpen: true };
const shipped: ModerationSettings = { holdFirstTimeGuests: true, maxLinks: 2 };
const admin: ModeratorScope = { all: true };
const DEPTH = 4;

/** Three paragraphs of ~117 characters: no two fit in one 200-character part, so three parts. */
const paragraph = (n: number) => `Paragraph ${n} says something about coaching teachers well. `.repeat(2).trim();
const threeParts = (tag: string) => [1, 2, 3].map((n) => `${tag} ${paragraph(n)}`).join("\n\n");

type User = { id: string; email: string; displayName: string; role: "member" | "coach" | "admin" };

async function reset(db: Database): Promise<void> {
  await db.execute(
    sql`truncate table comments, comment_submissions, comment_reports, trusted_guests, users restart identity cascade`,
  );
}

async function insertUser(db: Database, displayName: string, role: User["role"] = "member"): Promise<User> {
  const id = randomBytes(10).toString("hex");
  const email = `${id}@example.org`;
  // Never signed in with: the hash is not a real one.
  await db.insert(users).values({ id, email, displayName, passwordHash: "not-a-hash", role });
  return { id, email, displayName, role };
}

/** A random guest browser token, as the signed cookie carries. */
const token = () => randomBytes(16).toString("base64url");

interface Say {
  /** A guest's name and email (default: "Gail Guest", no email). */
  name?: string;
  email?: string;
  /** Writes as this member instead of a guest. */
  as?: User;
  parentId?: number;
  target?: CommentTarget;
  /** Moderation settings; default: as shipped. `null`: no moderation (a trusted caller). */
  moderation?: ModerationSettings | null;
  options?: Omit<SubmitOptions, "identity" | "moderation">;
}

async function say(db: Database, body: string, o: Say = {}): Promise<Extract<SubmitResult, { ok: true }>> {
  const value: CommentFormValue = {
    body,
    parentId: o.parentId,
    ...(o.as ? {} : { name: o.name ?? "Gail Guest", email: o.email }),
  };
  const result = await submitComment(db, o.target ?? post, rules, value, {
    identity: o.as ? commentIdentityFor(o.as, null) : undefined,
    moderation: o.moderation === null ? undefined : (o.moderation ?? shipped),
    ...o.options,
  });
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.fieldErrors)}`);
  return result;
}

/** Published without moderation (as the demo loader posts). */
const publish = (db: Database, body: string, o: Say = {}) => say(db, body, { ...o, moderation: null });

async function thread(
  db: Database,
  viewer: { userId?: string | null; guestToken?: string | null } = {},
  slug = post.slug,
) {
  return flattenThread(await listThread(db, slug, DEPTH, viewer));
}

/** The numbers a viewer sees, in reading order ("" for a held comment). */
function numbersOf(nodes: ThreadNode<DisplayComment>[]): string[] {
  return nodes.map((n) => n.number);
}

const textOf = (node: ThreadNode<DisplayComment>) => node.comment.html.replace(/<[^>]+>/g, "").trim();

async function statusesOf(db: Database, submissionId: string) {
  return db
    .select({ status: comments.status, position: comments.position, partIndex: comments.partIndex })
    .from(comments)
    .where(eq(comments.submissionId, submissionId))
    .orderBy(asc(comments.partIndex));
}

describeEachDatabase("moderation", (db) => {
  beforeEach(async () => reset(db()));

  // -------------------------------------------------------------------------
  // Held first comments, visible only to their writer
  // -------------------------------------------------------------------------

  it("a first-time guest's comment is held: pending, no number, seen only by its writer (same guest token)", async () => {
    const one = await publish(db(), "Already here");
    const mine = token();
    const held = await say(db(), "My first words here", { options: { guestToken: mine } });
    expect(held.status).toBe("pending");
    expect(held.anchorNumber).toBeNull();
    expect(held.heldReason).toBeTruthy();
    expect(held.comments.map((c) => c.position)).toEqual([null]);
    expect(one.anchorNumber).toBe("1");

    for (const viewer of [{}, { guestToken: token() }, { userId: (await insertUser(db(), "Some Member")).id }]) {
      const seen = await thread(db(), viewer);
      expect(numbersOf(seen), JSON.stringify(viewer)).toEqual(["1"]);
      expect(seen.map(textOf)).not.toContain("My first words here");
    }

    const own = await thread(db(), { guestToken: mine });
    expect(own).toHaveLength(2);
    const pending = own.find((n) => n.comment.id === held.comments[0].id)!;
    expect(pending.comment.pending).toBe(true);
    expect(pending.comment.position).toBeNull();
    expect(pending.number).toBe("");
    expect(textOf(pending)).toBe("My first words here");
    expect(own.find((n) => n.number === "1")!.comment.pending).toBe(false);
  });

  it("a member's held comment is seen by that member (same userId) and nobody else", async () => {
    const mia = await insertUser(db(), "Mia Member");
    const noah = await insertUser(db(), "Noah Member");
    const links = "See https://a.example.org, https://b.example.org and https://c.example.org.";
    const held = await say(db(), links, { as: mia });
    expect(held.status).toBe("pending");
    expect(held.anchorNumber).toBeNull();

    expect(await thread(db(), { userId: noah.id })).toEqual([]);
    expect(await thread(db())).toEqual([]);
    const own = await thread(db(), { userId: mia.id });
    expect(own).toHaveLength(1);
    expect(own[0].comment.pending).toBe(true);
    expect(own[0].number).toBe("");
    expect(own[0].comment.displayName).toBe("Mia Member");
  });

  it("approving publishes it with the next number among its siblings at that moment", async () => {
    await publish(db(), "One");
    await publish(db(), "Two");
    const held = await say(db(), "Held top-level comment", {
      email: "gail@example.org",
      options: { guestToken: token() },
    });
    // Published while the held one waited: it takes 3, the held one gets 4 on approval.
    await publish(db(), "Three");
    const heldReply = await say(db(), "Held reply to two", {
      name: "Rhea Replier",
      email: "rhea@example.org",
      parentId: (await thread(db())).find((n) => n.number === "2")!.comment.id,
    });
    await publish(db(), "Published reply to two", { parentId: heldReply.comments[0].parentId! });

    expect(await moderate(db(), admin, [held.comments[0].submissionId], "approve")).toBe(1);
    expect(await moderate(db(), admin, [heldReply.comments[0].submissionId], "approve")).toBe(1);

    const everyone = await thread(db());
    const byText = new Map(everyone.map((n) => [textOf(n), n]));
    expect(byText.get("Held top-level comment")!.number).toBe("4");
    expect(byText.get("Held top-level comment")!.comment.pending).toBe(false);
    expect(byText.get("Published reply to two")!.number).toBe("2.1");
    expect(byText.get("Held reply to two")!.number).toBe("2.2");
    expect(numbersOf(everyone)).toEqual(["1", "2", "2.1", "2.2", "3", "4"]);
    expect(await queueCounts(db(), admin)).toMatchObject({ pending: 0 });
  });

  it("once approved, the same browser goes straight through (by its guest token, with or without email); the same email from another browser is held, as is another guest", async () => {
    const browser = token();
    const first = await say(db(), "First from Gail", { email: "Gail@Example.org", options: { guestToken: browser } });
    expect(first.status).toBe("pending");
    // Still untrusted before approval.
    expect((await say(db(), "Second from Gail, before approval", { email: "gail@example.org" })).status).toBe(
      "pending",
    );
    await moderate(db(), admin, [first.comments[0].submissionId], "approve");

    // Anyone can type Gail's address: it vouches for nobody (issue 12).
    const byEmail = await say(db(), "Someone typing Gail's address on another browser", {
      name: "Gail Guest",
      email: "gail@example.org",
      options: { guestToken: token() },
    });
    expect(byEmail.status).toBe("pending");
    expect(byEmail.anchorNumber).toBeNull();

    const byToken = await say(db(), "From Gail's browser, no email this time", { options: { guestToken: browser } });
    expect(byToken.status).toBe("published");
    expect(byToken.anchorNumber).not.toBeNull();

    const stranger = await say(db(), "From a stranger", {
      name: "Stan Stranger",
      email: "stan@example.org",
      options: { guestToken: token() },
    });
    expect(stranger.status).toBe("pending");
    const nameOnly = await say(db(), "From someone using Gail's name", {
      name: "Gail Guest",
      options: { guestToken: token() },
    });
    expect(nameOnly.status).toBe("pending");
  });

  it("a body that draws nothing is refused like a blank one and stores nothing; an import keeps what the old site had", async () => {
    for (const body of ["**\u200B**", "&nbsp;", "[](https://example.org)", "![](https://example.org/a.png)"]) {
      const result = await submitComment(db(), post, rules, { body, name: "Ivy Invisible" }, { moderation: shipped });
      expect(result).toEqual({ ok: false, fieldErrors: { body: ["Write a comment before posting."] } });
    }
    expect(await db().select().from(comments)).toEqual([]);
    const imported = await submitComment(
      db(),
      post,
      rules,
      { body: "![](https://old.example/smiley.gif)", name: "Old Friend" },
      { imported: { status: "published" } },
    );
    expect(imported.ok).toBe(true);
  });

  it("the queue is paged 50 submissions a page, oldest held first, with no submission on two pages; past the last is the last", async () => {
    const start = Date.parse("2024-03-01T08:00:00Z");
    for (let i = 1; i <= 53; i++) {
      await say(db(), `Held number ${i}, one of many first-time guests.`, {
        options: { guestToken: token(), at: new Date(start + i * 60_000) },
      });
    }
    const first = await queuePage(db(), admin, "pending", 1);
    expect([first.page, first.pageCount, first.total, first.items.length]).toEqual([1, 2, 53, 50]);
    const second = await queuePage(db(), admin, "pending", 2);
    expect([second.page, second.items.length]).toEqual([2, 3]);
    expect([...first.items, ...second.items].map((i) => i.body)).toEqual(
      Array.from({ length: 53 }, (_, i) => `Held number ${i + 1}, one of many first-time guests.`),
    );
    expect((await queuePage(db(), admin, "pending", 7)).items).toEqual(second.items);
    // Acting on page 2 keeps page 2 while it exists; emptying it leads to page 1.
    expect(await moderate(db(), admin, [second.items[0].submissionId], "approve")).toBe(1);
    expect(await pageAfterAction(db(), admin, "pending", 2)).toBe(2);
    expect(
      await moderate(
        db(),
        admin,
        second.items.slice(1).map((i) => i.submissionId),
        "spam",
      ),
    ).toBe(2);
    expect(await pageAfterAction(db(), admin, "pending", 2)).toBe(1);
    expect((await queuePage(db(), admin, "pending", 2)).items.map((i) => i.body)).toEqual(
      first.items.map((i) => i.body),
    );
  });

  it("a split held submission is approved as one: all its parts numbered consecutively", async () => {
    await publish(db(), "One");
    const held = await say(db(), threeParts("Long"), { options: { guestToken: token() } });
    expect(held.comments).toHaveLength(3);
    expect(held.comments.every((c) => c.status === "pending" && c.position === null)).toBe(true);
    const queue = await listQueue(db(), admin, "pending");
    expect(queue).toHaveLength(1);
    expect(queue[0].partCount).toBe(3);
    expect(await queueCounts(db(), admin)).toMatchObject({ pending: 1 });

    expect(await moderate(db(), admin, [held.comments[0].submissionId], "approve")).toBe(1);
    expect((await statusesOf(db(), held.comments[0].submissionId)).map((r) => [r.status, r.position])).toEqual([
      ["published", 2],
      ["published", 3],
      ["published", 4],
    ]);
    // Approving it again (a second moderator, a resent form) changes nothing and says so.
    expect(await moderate(db(), admin, [held.comments[0].submissionId], "approve")).toBe(0);
    expect((await statusesOf(db(), held.comments[0].submissionId)).map((r) => r.position)).toEqual([2, 3, 4]);
    const after = await publish(db(), "After the long one");
    expect(after.anchorNumber).toBe("5");
    expect(numbersOf(await thread(db()))).toEqual(["1", "2", "3", "4", "5"]);
  });

  it.each(["spam", "remove"] as const)("%s acts on every part of a split held submission", async (action) => {
    const held = await say(db(), threeParts("Junk"), { options: { guestToken: token() } });
    const submissionId = held.comments[0].submissionId;
    expect(await moderate(db(), admin, [submissionId], action)).toBe(1);
    const expected = action === "spam" ? "spam" : "removed";
    expect((await statusesOf(db(), submissionId)).map((r) => r.status)).toEqual([expected, expected, expected]);
    const list = await listQueue(db(), admin, expected);
    expect(list.map((i) => [i.submissionId, i.partCount])).toEqual([[submissionId, 3]]);
    expect(await queueCounts(db(), admin)).toMatchObject({ pending: 0, [expected]: 1 });
    expect(await thread(db())).toEqual([]);
  });

  it.each(["spam", "remove"] as const)(
    "%s acts on every part of a split published submission, leaving tombstones with their numbers",
    async (action) => {
      const long = await publish(db(), threeParts("Long"));
      expect(await moderate(db(), admin, [long.comments[0].submissionId], action)).toBe(1);
      const seen = await thread(db());
      expect(numbersOf(seen)).toEqual(["1", "2", "3"]);
      expect(seen.every((n) => n.comment.removed && n.comment.html === "")).toBe(true);
    },
  );

  // -------------------------------------------------------------------------
  // Tombstones and restore
  // -------------------------------------------------------------------------

  it("spam on a published comment with replies leaves a tombstone with its number and replies; restore brings it back", async () => {
    await publish(db(), "One");
    const target = await publish(db(), "Buy cheap watches now");
    const reply = await publish(db(), "A reply to two", { parentId: target.comments[0].id });
    const deeper = await publish(db(), "A reply to the reply", { parentId: reply.comments[0].id });
    expect(deeper.anchorNumber).toBe("2.1.1");

    expect(await moderate(db(), admin, [target.comments[0].submissionId], "spam")).toBe(1);
    let seen = await thread(db());
    expect(numbersOf(seen)).toEqual(["1", "2", "2.1", "2.1.1"]);
    const tomb = seen.find((n) => n.number === "2")!;
    expect(tomb.comment.removed).toBe(true);
    expect(tomb.comment.html).toBe("");
    expect(tomb.comment.displayName).toBe("");
    expect(tomb.children.map((c) => c.number)).toEqual(["2.1"]);
    expect(seen.map(textOf)).not.toContain("Buy cheap watches now");
    expect((await listQueue(db(), admin, "spam")).map((i) => i.body)).toEqual(["Buy cheap watches now"]);

    expect(await moderate(db(), admin, [target.comments[0].submissionId], "restore")).toBe(1);
    seen = await thread(db());
    expect(numbersOf(seen)).toEqual(["1", "2", "2.1", "2.1.1"]);
    const back = seen.find((n) => n.number === "2")!;
    expect(back.comment.removed).toBe(false);
    expect(textOf(back)).toBe("Buy cheap watches now");
    expect(await queueCounts(db(), admin)).toMatchObject({ spam: 0, removed: 0 });
    // Restoring did not hand out a new number: the next comment is still 3.
    expect((await publish(db(), "Three")).anchorNumber).toBe("3");
  });

  it("remove, then restore, of a published comment keeps its number", async () => {
    const one = await publish(db(), "One");
    await publish(db(), "Two");
    await moderate(db(), admin, [one.comments[0].submissionId], "remove");
    expect((await listQueue(db(), admin, "removed")).map((i) => i.body)).toEqual(["One"]);
    expect((await thread(db())).map((n) => [n.number, n.comment.removed])).toEqual([
      ["1", true],
      ["2", false],
    ]);
    await moderate(db(), admin, [one.comments[0].submissionId], "restore");
    expect((await thread(db())).map((n) => [n.number, n.comment.removed, textOf(n)])).toEqual([
      ["1", false, "One"],
      ["2", false, "Two"],
    ]);
  });

  // -------------------------------------------------------------------------
  // Reports
  // -------------------------------------------------------------------------

  it("a report on a published comment shows in the Reported list with its reason and in the counts; approving resolves it", async () => {
    const fine = await publish(db(), "A perfectly fine comment");
    const rude = await publish(db(), "A rude comment");
    const reporter = await insertUser(db(), "Rita Reporter");
    expect(
      await reportComment(db(), {
        commentId: rude.comments[0].id,
        reason: "Insults another teacher",
        reporterUserId: reporter.id,
      }),
    ).toBe(true);
    expect(
      await reportComment(db(), { commentId: rude.comments[0].id, reason: "Off topic", reporterUserId: null }),
    ).toBe(true);

    const reported = await listQueue(db(), admin, "reported");
    expect(reported).toHaveLength(1);
    expect(reported[0].submissionId).toBe(rude.comments[0].submissionId);
    expect(reported[0].body).toBe("A rude comment");
    expect(reported[0].reports.map((r) => r.reason).sort()).toEqual(["Insults another teacher", "Off topic"]);
    expect(await queueCounts(db(), admin)).toEqual({ pending: 0, spam: 0, removed: 0, reported: 1 });
    // A report does not hide the comment.
    expect((await thread(db())).map(textOf)).toEqual(["A perfectly fine comment", "A rude comment"]);

    expect(await moderate(db(), admin, [rude.comments[0].submissionId], "approve")).toBe(1);
    expect(await listQueue(db(), admin, "reported")).toEqual([]);
    expect(await queueCounts(db(), admin)).toEqual({ pending: 0, spam: 0, removed: 0, reported: 0 });
    // Kept as it was, with its number.
    expect((await thread(db())).map((n) => [n.number, textOf(n)])).toEqual([
      ["1", "A perfectly fine comment"],
      ["2", "A rude comment"],
    ]);
    expect(fine.anchorNumber).toBe("1");
  });

  it("a report on a held comment, or on no comment, is refused", async () => {
    const held = await say(db(), "Held, so nobody can see it to report it");
    expect(await reportComment(db(), { commentId: held.comments[0].id, reason: "x", reporterUserId: null })).toBe(
      false,
    );
    expect(await reportComment(db(), { commentId: 999_999, reason: "x", reporterUserId: null })).toBe(false);
    expect(await queueCounts(db(), admin)).toMatchObject({ reported: 0 });
  });

  it("a report on the second part of a split comment lists the whole submission once, with its reason", async () => {
    const long = await publish(db(), threeParts("Split"));
    expect(
      await reportComment(db(), { commentId: long.comments[1].id, reason: "Part two is rude", reporterUserId: null }),
    ).toBe(true);
    const reported = await listQueue(db(), admin, "reported");
    expect(reported.map((i) => [i.submissionId, i.commentId, i.partCount])).toEqual([
      [long.comments[0].submissionId, long.comments[0].id, 3],
    ]);
    expect(reported[0].reports.map((r) => r.reason)).toEqual(["Part two is rude"]);
    expect(await queueCounts(db(), admin)).toMatchObject({ reported: 1 });
    await moderate(db(), admin, [long.comments[0].submissionId], "approve");
    expect(await queueCounts(db(), admin)).toMatchObject({ reported: 0 });
  });

  it("spam on a reported comment resolves its reports", async () => {
    const rude = await publish(db(), "Rude");
    await reportComment(db(), { commentId: rude.comments[0].id, reason: "Rude", reporterUserId: null });
    await moderate(db(), admin, [rude.comments[0].submissionId], "spam");
    expect(await queueCounts(db(), admin)).toEqual({ pending: 0, spam: 1, removed: 0, reported: 0 });
  });

  // -------------------------------------------------------------------------
  // A coach's scope
  // -------------------------------------------------------------------------

  it("a coach (scope: their own posts) cannot moderate another post's comments: 0 changed, nothing changes", async () => {
    const coachScope: ModeratorScope = { all: false, postSlugs: [post.slug] };
    const mine = await say(db(), "Held on the coach's own post", { options: { guestToken: token() } });
    const theirs = await say(db(), "Held on someone else's post", {
      target: otherPost,
      options: { guestToken: token() },
    });
    const published = await publish(db(), "Published on someone else's post", { target: otherPost });
    await reportComment(db(), {
      commentId: published.comments[0].id,
      reason: "Reported elsewhere",
      reporterUserId: null,
    });

    expect((await listQueue(db(), coachScope, "pending")).map((i) => i.body)).toEqual(["Held on the coach's own post"]);
    expect(await listQueue(db(), coachScope, "reported")).toEqual([]);
    expect(await queueCounts(db(), coachScope)).toEqual({ pending: 1, spam: 0, removed: 0, reported: 0 });
    expect(await queueCounts(db(), admin)).toEqual({ pending: 2, spam: 0, removed: 0, reported: 1 });

    for (const action of ["approve", "spam", "remove", "restore"] as const) {
      expect(await moderate(db(), coachScope, [theirs.comments[0].submissionId], action), action).toBe(0);
      expect(await moderate(db(), coachScope, [published.comments[0].submissionId], action), action).toBe(0);
    }
    expect((await statusesOf(db(), theirs.comments[0].submissionId)).map((r) => [r.status, r.position])).toEqual([
      ["pending", null],
    ]);
    expect((await statusesOf(db(), published.comments[0].submissionId)).map((r) => [r.status, r.position])).toEqual([
      ["published", 1],
    ]);
    expect(await queueCounts(db(), admin)).toEqual({ pending: 2, spam: 0, removed: 0, reported: 1 });

    // A bulk action mixing both posts changes only the coach's own.
    expect(
      await moderate(db(), coachScope, [mine.comments[0].submissionId, theirs.comments[0].submissionId], "approve"),
    ).toBe(1);
    expect((await statusesOf(db(), mine.comments[0].submissionId)).map((r) => r.status)).toEqual(["published"]);
    expect((await statusesOf(db(), theirs.comments[0].submissionId)).map((r) => r.status)).toEqual(["pending"]);
    // A coach with no posts moderates nothing.
    expect(await moderate(db(), { all: false, postSlugs: [] }, [theirs.comments[0].submissionId], "approve")).toBe(0);
  });

  // -------------------------------------------------------------------------
  // Idempotency keys and duplicates
  // -------------------------------------------------------------------------

  async function submissionCount(): Promise<number> {
    const [row] = await db().select({ n: sql<number>`count(*)` }).from(commentSubmissions);
    return Number(row.n);
  }

  it("the same idempotency key twice creates one submission; both calls return the same comment ids", async () => {
    const key = "AbCdEfGhIjKlMnOpQrStUv";
    const first = await publish(db(), "Sent once, resent by the browser", { options: { idempotencyKey: key } });
    const again = await publish(db(), "Sent once, resent by the browser", { options: { idempotencyKey: key } });
    expect(again.comments.map((c) => c.id)).toEqual(first.comments.map((c) => c.id));
    expect(again.anchorNumber).toBe(first.anchorNumber);
    expect(await submissionCount()).toBe(1);
    expect(await thread(db())).toHaveLength(1);
  });

  it("the same idempotency key twice at the same moment (Promise.all) creates one submission", async () => {
    const key = "ZyXwVuTsRqPoNmLkJiHgFe";
    const body = threeParts("Double-clicked");
    const results = await Promise.all([
      say(db(), body, { options: { idempotencyKey: key, guestToken: "same-browser", duplicateWindowSeconds: 600 } }),
      say(db(), body, { options: { idempotencyKey: key, guestToken: "same-browser", duplicateWindowSeconds: 600 } }),
    ]);
    expect(results[0].comments.map((c) => c.id)).toEqual(results[1].comments.map((c) => c.id));
    expect(results[0].comments).toHaveLength(3);
    expect(await submissionCount()).toBe(1);
    expect(await db().select({ id: comments.id }).from(comments)).toHaveLength(3);
  });

  it("the same idempotency key resent with the duplicate check on returns the first result, not a refusal", async () => {
    const key = "KeyForAResentForm_0001";
    const options = { idempotencyKey: key, duplicateWindowSeconds: 600 };
    const first = await publish(db(), "Resent by the back button", { options });
    const again = await publish(db(), "Resent by the back button", { options });
    expect(again.comments.map((c) => c.id)).toEqual(first.comments.map((c) => c.id));
  });

  it("different idempotency keys create different submissions", async () => {
    await publish(db(), "One", { options: { idempotencyKey: "aaaaaaaaaaaaaaaaaaaaaa" } });
    await publish(db(), "Two", { options: { idempotencyKey: "bbbbbbbbbbbbbbbbbbbbbb" } });
    expect(await submissionCount()).toBe(2);
  });

  it("the same body on the same post within the window is refused with a body message; outside it, or on another post, accepted", async () => {
    const at = new Date("2024-03-01T10:00:00Z");
    const body = "Great post, thanks for sharing!";
    const window = 600;
    await publish(db(), body, { options: { at, duplicateWindowSeconds: window } });

    const soon = await submitComment(
      db(),
      post,
      rules,
      { name: "Someone", body },
      {
        at: new Date(at.getTime() + 5 * 60_000),
        duplicateWindowSeconds: window,
      },
    );
    expect(soon.ok).toBe(false);
    if (!soon.ok) {
      expect(Object.keys(soon.fieldErrors)).toEqual(["body"]);
      expect(soon.fieldErrors.body[0]).toBeTruthy();
    }
    expect(await submissionCount()).toBe(1);

    const elsewhere = await publish(db(), body, {
      target: otherPost,
      options: { at: new Date(at.getTime() + 5 * 60_000), duplicateWindowSeconds: window },
    });
    expect(elsewhere.status).toBe("published");

    const later = await publish(db(), body, {
      options: { at: new Date(at.getTime() + (window + 60) * 1000), duplicateWindowSeconds: window },
    });
    expect(later.status).toBe("published");
    expect(numbersOf(await thread(db()))).toEqual(["1", "2"]);
  });

  it("a different body on the same post within the window is accepted", async () => {
    const at = new Date("2024-03-01T10:00:00Z");
    await publish(db(), "Great post, thanks for sharing!", { options: { at, duplicateWindowSeconds: 600 } });
    const other = await publish(db(), "Great post, thanks for sharing it!", {
      options: { at: new Date(at.getTime() + 1000), duplicateWindowSeconds: 600 },
    });
    expect(other.anchorNumber).toBe("2");
  });

  // -------------------------------------------------------------------------
  // Links, honeypot, timing
  // -------------------------------------------------------------------------

  it("a member's comment with 3 links is held with the reason naming the count; with 2 it is published", async () => {
    const mia = await insertUser(db(), "Mia Member");
    const three = await say(db(), "[a](https://a.example.org), <https://b.example.org> and https://c.example.org", {
      as: mia,
    });
    expect(three.status).toBe("pending");
    expect(three.heldReason).toMatch(/\b3\b/);
    const [queued] = await listQueue(db(), admin, "pending");
    expect(queued.heldReason).toMatch(/\b3\b/);
    expect(queued.displayName).toBe("Mia Member");

    const two = await say(db(), "Only [a](https://a.example.org) and https://b.example.org", { as: mia });
    expect(two.status).toBe("published");
    expect(two.anchorNumber).toBe("1");
  });

  it("a member is not held for being new; the post's author is never held", async () => {
    const mia = await insertUser(db(), "Mia Member");
    expect((await say(db(), "My very first comment", { as: mia })).status).toBe("published");
    const coach = await insertUser(db(), "Cora Coach", "coach");
    const result = await submitComment(
      db(),
      post,
      rules,
      { body: "Links: https://a.example.org https://b.example.org https://c.example.org https://d.example.org" },
      {
        identity: commentIdentityFor(coach, { accountEmail: coach.email }),
        moderation: shipped,
        tooFast: true,
      },
    );
    expect(result.ok && result.status).toBe("published");
  });

  it("a filled honeypot files it as spam: seen by nobody, not even its writer; listed under Spam", async () => {
    const mine = token();
    const result = await say(db(), "Visit my casino", { options: { guestToken: mine, honeypot: true } });
    expect(result.status).toBe("spam");
    expect(result.anchorNumber).toBeNull();
    expect(await thread(db())).toEqual([]);
    expect(await thread(db(), { guestToken: mine })).toEqual([]);
    expect((await listQueue(db(), admin, "spam")).map((i) => i.body)).toEqual(["Visit my casino"]);
    expect(await queueCounts(db(), admin)).toMatchObject({ pending: 0, spam: 1 });
  });

  it("a form sent too fast is held, even from a trusted guest", async () => {
    const browser = token();
    const first = await say(db(), "First", { options: { guestToken: browser } });
    await moderate(db(), admin, [first.comments[0].submissionId], "approve");
    const fast = await say(db(), "Posted by a script", { options: { guestToken: browser, tooFast: true } });
    expect(fast.status).toBe("pending");
    expect(fast.heldReason).toBeTruthy();
  });
});
