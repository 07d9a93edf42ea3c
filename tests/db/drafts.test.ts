import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { users } from "../../db/schema";
import { deleteDraft, memberFormField, memberOfFormField, readDraft, saveDraft } from "~/comments/drafts.server";
import { describeEachDatabase } from "../support/databases";

// A member whose session expired while writing keeps their comment as a
// draft, found again by an unguessable id on the same post for a day, by
// that member only.

const WRITER = "draft-writer";
const OTHER = "other-member";

async function reset(db: Database): Promise<void> {
  await db.execute(
    sql`truncate table users, sessions, comments, comment_submissions, rate_limits, comment_drafts restart identity cascade`,
  );
  await db
    .insert(users)
    .values([WRITER, OTHER].map((id) => ({ id, email: `${id}@example.org`, displayName: id, passwordHash: "unused" })));
}

const SLUG = "what-does-a-technology-coach-do";
const SAVED_AT = new Date("2025-03-14T09:00:00.000Z");
const hoursLater = (h: number) => new Date(SAVED_AT.getTime() + h * 60 * 60 * 1000);
const body = "I agree with point 3.\n\nCo-planning changed everything for us — *really*. 🎉";

describeEachDatabase("comment drafts", (db) => {
  beforeEach(async () => reset(db()));

  it("gives back the saved body on the same post", async () => {
    const id = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body }, SAVED_AT);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(await readDraft(db(), id, SLUG, WRITER, hoursLater(1))).toEqual({
      id,
      userId: WRITER,
      postSlug: SLUG,
      parentId: null,
      body,
    });
  });

  it("keeps the comment it replied to", async () => {
    const id = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: 42, body }, SAVED_AT);
    expect((await readDraft(db(), id, SLUG, WRITER, SAVED_AT))?.parentId).toBe(42);
  });

  it("gives nothing on another post", async () => {
    const id = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body }, SAVED_AT);
    expect(await readDraft(db(), id, "another-post", WRITER, SAVED_AT)).toBeNull();
    expect(await readDraft(db(), id, SLUG.toUpperCase(), WRITER, SAVED_AT)).toBeNull();
  });

  it("keeps a draft for a day: there after 23 hours, gone after 25", async () => {
    const id = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body }, SAVED_AT);
    expect((await readDraft(db(), id, SLUG, WRITER, hoursLater(23)))?.body).toBe(body);
    expect(await readDraft(db(), id, SLUG, WRITER, hoursLater(25))).toBeNull();
  });

  it("gives nothing for malformed or unknown ids", async () => {
    const id = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body }, SAVED_AT);
    const malformed = [
      "",
      "abc",
      `${id}x`,
      id.slice(1),
      `${id}\n`,
      ` ${id}`,
      "../../../../etc/passwd",
      "' or '1'='1' --",
      "%",
      "a".repeat(10_000),
      "AAAAAAAAAAAAAAAAAAAA/+",
      "AAAAAAAAAAAAAAAAAAAA==",
      "ÀAAAAAAAAAAAAAAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAAA", // well-formed but unknown
    ];
    for (const bad of malformed) {
      expect(await readDraft(db(), bad, SLUG, WRITER, SAVED_AT), JSON.stringify(bad)).toBeNull();
    }
  });

  it("forgets a deleted draft, and only that one", async () => {
    const one = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body: "one" }, SAVED_AT);
    const two = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body: "two" }, SAVED_AT);
    expect(one).not.toBe(two);
    await deleteDraft(db(), one, WRITER);
    expect(await readDraft(db(), one, SLUG, WRITER, SAVED_AT)).toBeNull();
    expect((await readDraft(db(), two, SLUG, WRITER, SAVED_AT))?.body).toBe("two");
    await expect(deleteDraft(db(), "no-such-draft", WRITER)).resolves.toBeUndefined();
  });

  it("is read and forgotten only by the account that wrote it: another member who knows the id gets nothing", async () => {
    const id = await saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body }, SAVED_AT);
    expect(await readDraft(db(), id, SLUG, OTHER, SAVED_AT)).toBeNull();
    await deleteDraft(db(), id, OTHER);
    expect((await readDraft(db(), id, SLUG, WRITER, SAVED_AT))?.body).toBe(body);
  });

  it("signs the comment form's member field: it names its account, and a forged or altered one names nobody", () => {
    const field = memberFormField(WRITER);
    expect(memberOfFormField(field)).toBe(WRITER);
    expect(memberOfFormField(field.replace(WRITER, OTHER))).toBeNull();
    expect(memberOfFormField(WRITER)).toBeNull();
    expect(memberOfFormField("")).toBeNull();
    expect(memberOfFormField(null)).toBeNull();
  });

  it("hands out a different id for every draft", async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        saveDraft(db(), { userId: WRITER, postSlug: SLUG, parentId: null, body: `draft ${i}` }, SAVED_AT),
      ),
    );
    expect(new Set(ids).size).toBe(20);
    for (const [i, id] of ids.entries())
      expect((await readDraft(db(), id, SLUG, WRITER, SAVED_AT))?.body).toBe(`draft ${i}`);
  });
});
