import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { asc, eq, sql } from "drizzle-orm";
import { load as loadYaml } from "js-yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { comments } from "../../db/schema";
import { createAccount } from "~/auth/accounts.server";
import { removeComment, submitComment } from "~/comments/submission.server";
import { listThread } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import { commentRulesOf } from "~/comments/validation";
import { loadDemoContent } from "~/demo/demo.server";
import { exportChunks } from "~/export/export.server";
import { applyImport, type ImportReport } from "~/import/apply.server";
import { parseExport } from "~/import/formats/parse";
import { siteConverters } from "~/import/site-converters";
import { getPost } from "~/posts/posts.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { describeEachDatabase, resetComments } from "../support/databases";

// Moving a site from one Staffroom to another through Staffroom's own JSON
// (issue 10): the demo site, with a held comment, a spam one and a tombstone
// added, is exported as JSON and imported into an empty database and a
// content folder without posts. What comes back is compared with what was
// there: the post files (frontmatter, cover and credits, bodies byte for
// byte) and every comment (number, parent, part of which submission, date,
// status, licence, name, badge).

const SLUG = "what-does-a-technology-coach-do";
const HELD_AT = "2014-02-02T02:02:02.000Z";
const SPAM_AT = "2014-03-03T03:03:03.000Z";

/**
 * A post file's frontmatter (parsed; a file without `status` is published, as
 * the editor reads it) and its body (the text after the frontmatter, as is).
 */
function splitFile(text: string): { frontmatter: unknown; body: string } {
  const match = /^---\n([\s\S]*?\n)---\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error("not a post file");
  return { frontmatter: { status: "published", ...(loadYaml(match[1]) as object) }, body: match[2] };
}

async function postFiles(root: string) {
  const dir = path.join(root, "content/posts");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".md")).sort();
  return Promise.all(files.map(async (f) => ({ file: f, ...splitFile(await readFile(path.join(dir, f), "utf8")) })));
}

/**
 * Every comment of the demo post as a reader and a moderator see it, ids
 * replaced by numbers. A tombstone shows its place, number and date only (the
 * export leaves out its name, website and text); a comment with no licence
 * recorded is shown under the site's comment licence.
 */
async function threadOf(db: Parameters<typeof listThread>[0], siteCommentLicense: string) {
  const numbers = new Map(flattenThread(await listThread(db, SLUG, 6)).map((n) => [n.comment.id, n.number]));
  const rows = await db
    .select()
    .from(comments)
    .where(eq(comments.postSlug, SLUG))
    .orderBy(asc(comments.createdAt), asc(comments.partIndex));
  const label = (id: number | null) =>
    id === null ? null : (numbers.get(id) ?? `unnumbered ${rows.find((r) => r.id === id)?.createdAt.toISOString()}`);
  return rows.map((c) => {
    const removed = c.status === "removed";
    return {
      number: numbers.get(c.id) ?? null,
      parent: label(c.parentId),
      name: removed ? null : c.displayName,
      kind: removed ? null : c.authorKind,
      website: removed ? null : c.website,
      at: c.createdAt.toISOString(),
      status: c.status,
      license: c.license ?? siteCommentLicense,
      body: removed ? null : c.body,
      part: `${c.partIndex} of ${c.partCount}`,
      // The other parts of its submission, by number: a split submission comes back as one.
      submission: rows
        .filter((o) => o.submissionId === c.submissionId)
        .map((o) => label(o.id))
        .join(" + "),
    };
  });
}

describeEachDatabase("export as Staffroom JSON and import again", (db) => {
  let before: {
    files: Awaited<ReturnType<typeof postFiles>>;
    thread: Awaited<ReturnType<typeof threadOf>>;
    cover: unknown;
  };
  let report: ImportReport;
  let freshRoot: string;
  const siteRoot = process.env.CONTENT_ROOT!;
  // The fixture site's comment licence (tests/fixtures/content/site.yaml: the site default, CC BY-NC-SA 3.0).
  const commentLicense = "cc-by-nc-sa-3.0";

  beforeAll(async () => {
    expect(await loadDemoContent(db())).toBe(22);
    const rules = commentRulesOf(await getSiteSettings());
    const target = { slug: SLUG, commentsOpen: true };
    const held = await submitComment(
      db(),
      target,
      rules,
      { name: "Mallory", email: "mallory@example.org", body: "Is this **held**?" },
      { moderation: { holdFirstTimeGuests: true, maxLinks: 2 }, at: new Date(HELD_AT), license: "cc-by-4.0" },
    );
    expect(held.ok && held.status).toBe("pending");
    const spam = await submitComment(
      db(),
      target,
      rules,
      { name: "Pill Seller", website: "https://spam.example.net/", body: "Cheap pills, very cheap." },
      { honeypot: true, moderation: { holdFirstTimeGuests: false, maxLinks: 2 }, at: new Date(SPAM_AT) },
    );
    expect(spam.ok && spam.status).toBe("spam");
    // Comment 3 removed by a moderator: a tombstone that keeps its place and number.
    const three = flattenThread(await listThread(db(), SLUG, 6)).find((n) => n.number === "3")!;
    expect(await removeComment(db(), three.comment.id)).toBe(1);

    before = {
      files: await postFiles(siteRoot),
      thread: await threadOf(db(), commentLicense),
      cover: (await getPost(SLUG))?.cover,
    };
    let json = "";
    for await (const chunk of exportChunks(db(), "json")) json += chunk;

    // A fresh site: no comments, no import history, the coach's author entry and settings but no posts.
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, outbox`);
    freshRoot = await mkdtemp(path.join(tmpdir(), "staffroom-json-roundtrip-"));
    await cp(path.join(siteRoot, "content"), path.join(freshRoot, "content"), { recursive: true });
    await rm(path.join(freshRoot, "content/posts"), { recursive: true });
    await mkdir(path.join(freshRoot, "content/posts"), { recursive: true });
    process.env.CONTENT_ROOT = freshRoot;
    expect(await getPost(SLUG)).toBeNull();
    await createAccount(db(), {
      email: "morgan@practice-notes.example.org",
      displayName: "Morgan Ellery",
      password: "lantern orchard velvet 42",
      role: "coach",
    }).catch(() => undefined);

    // Handed over in small pieces, as a file stream would be.
    const pieces = json.match(/[\s\S]{1,1000}/g) ?? [];
    report = await applyImport(
      db(),
      freshRoot,
      async (handlers) => {
        await parseExport(Readable.from(pieces.map((p) => Buffer.from(p))), handlers);
      },
      { authorSlug: "morgan-ellery", converters: siteConverters },
    );
  });
  afterAll(async () => {
    process.env.CONTENT_ROOT = siteRoot;
    await rm(freshRoot, { recursive: true, force: true });
  });

  it("brings every post back with the same frontmatter, cover and credits, and the body byte for byte", async () => {
    expect(report.format).toBe("staffroom-json");
    const after = await postFiles(freshRoot);
    expect(after.map((f) => f.file)).toEqual(before.files.map((f) => f.file));
    expect(after).toEqual(before.files);
    expect((await getPost(SLUG))?.cover).toEqual(before.cover);
    expect(report.covers).toEqual({ field: 1, inBody: 0 });
  });

  it("brings the comments back with their numbers, nesting, parts, dates, statuses, licences and names", async () => {
    const after = await threadOf(db(), commentLicense);
    // The demo's 22, the held one and the spam one; 3 is a tombstone.
    expect(after).toHaveLength(24);
    expect(after.find((c) => c.number === "3")?.status).toBe("removed");
    expect(after.find((c) => c.at === HELD_AT)).toMatchObject({
      status: "pending",
      number: null,
      license: "cc-by-4.0",
    });
    expect(after.find((c) => c.at === SPAM_AT)).toMatchObject({ status: "spam", number: null });
    expect(after).toEqual(before.thread);
  });

  it("keeps the long reply to 9 as one split submission, 9.1 and 9.2, Part 1 of 2 and Part 2 of 2", async () => {
    const nine = (await listThread(db(), SLUG, 6))[8];
    expect(nine.children.map((n) => n.number)).toEqual(["9.1", "9.2", "9.3", "9.4"]);
    expect(nine.children[0].parts).toMatchObject({ index: 1, count: 2 });
    expect(nine.children[1].parts).toMatchObject({ index: 2, count: 2 });
    expect(nine.children[0].comment.submissionId).toBe(nine.children[1].comment.submissionId);
    expect(report.comments).toMatchObject({ published: 20, pending: 1, spam: 1, removed: 1 });
  });

  it("gives the coach's comments the Author badge again", async () => {
    const after = await threadOf(db(), commentLicense);
    const coach = before.thread.filter((c) => c.kind === "author");
    expect(coach.length).toBeGreaterThan(0);
    expect(after.filter((c) => c.kind === "author")).toEqual(coach);
  });
});
