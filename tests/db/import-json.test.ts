import { createReadStream } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { comments } from "../../db/schema";
import { createAccount } from "~/auth/accounts.server";
import { applyImport, type ImportReport, type ImportSource } from "~/import/apply.server";
import { parseExport } from "~/import/formats/parse";
import { ImportFileError } from "~/import/model";
import { siteConverters } from "~/import/site-converters";
import { describeEachDatabase, resetComments } from "../support/databases";

// Importing a hand-written Staffroom JSON export (tests/fixtures/import/
// staffroom-export.json) into a site with two coaches: each post is written
// under the author entry it names and its coach's replies carry the Author
// badge under that coach's name; the draft, its licence and its cover field
// come back as written; a refused file leaves nothing behind; a second run
// adds nothing.

const FIXTURE = path.resolve("tests/fixtures/import/staffroom-export.json");
const SECOND = { slug: "jo-second", name: "Jo Second", email: "jo@notes.example.org" };

const fromFile =
  (file: string): ImportSource =>
  async (handlers) => {
    await parseExport(createReadStream(file), handlers);
  };

describeEachDatabase("importing a Staffroom JSON export", (db) => {
  let root: string;
  let work: string;
  let report: ImportReport;
  const siteRoot = process.env.CONTENT_ROOT!;

  beforeAll(async () => {
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, outbox`);
    root = await mkdtemp(path.join(tmpdir(), "staffroom-json-import-"));
    work = await mkdtemp(path.join(tmpdir(), "staffroom-json-files-"));
    await cp(path.join(siteRoot, "content"), path.join(root, "content"), { recursive: true });
    await rm(path.join(root, "content/posts"), { recursive: true });
    await mkdir(path.join(root, "content/posts"), { recursive: true });
    // A second coach with an author entry of their own; the export names them as the debrief's author.
    await writeFile(
      path.join(root, "content/authors", `${SECOND.slug}.yaml`),
      `name: ${SECOND.name}\nrole: Coach\naccountEmail: ${SECOND.email}\n`,
    );
    await createAccount(db(), {
      email: SECOND.email,
      displayName: SECOND.name,
      password: "harbour willow pepper 77",
      role: "coach",
    });
    const json = (await readFile(FIXTURE, "utf8")).replace(
      '"author": "morgan-ellery",\n      "tags": ["coaching"]',
      `"author": "${SECOND.slug}",\n      "tags": ["coaching"]`,
    );
    expect(json).toContain(`"author": "${SECOND.slug}"`);
    await writeFile(path.join(work, "export.json"), json);
    process.env.CONTENT_ROOT = root;
  });
  afterAll(async () => {
    process.env.CONTENT_ROOT = siteRoot;
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it("refuses a truncated export and writes nothing", async () => {
    const run = applyImport(db(), root, fromFile(path.resolve("tests/fixtures/import/staffroom-truncated.json")), {
      authorSlug: "morgan-ellery",
      converters: siteConverters,
    });
    await expect(run).rejects.toBeInstanceOf(ImportFileError);
    expect(await readdir(path.join(root, "content/posts"))).toEqual([]);
    expect(await db().select().from(comments)).toEqual([]);
  });

  it("writes the draft with its own licence and its cover field, its body untouched", async () => {
    report = await applyImport(db(), root, fromFile(path.join(work, "export.json")), {
      authorSlug: "morgan-ellery",
      converters: siteConverters,
    });
    expect(report.posts.created.map((p) => [p.slug, p.draft])).toEqual([
      ["planning-in-pairs", true],
      ["the-five-minute-debrief", false],
    ]);
    const draft = await readFile(path.join(root, "content/posts/planning-in-pairs.md"), "utf8");
    expect(draft).toBe(
      [
        "---",
        "title: Planning in pairs",
        "published: 2014-09-01",
        "status: draft",
        "author: morgan-ellery",
        "tags:",
        "  - planning",
        "  - co-teaching",
        "cover:",
        "  image: /images/posts/planning-in-pairs/cover/image.jpg",
        "  alt: Two teachers at a whiteboard",
        "  creator: Sam Lens",
        "  sourceName: Flickr",
        "  sourceUrl: https://www.flickr.com/photos/samlens/1",
        "  licenseUrl: https://creativecommons.org/licenses/by/2.0/",
        "license: cc-by-sa-4.0",
        "commentsOpen: false",
        "---",
        "Draft: <p>is not HTML here</p> and **this** stays Markdoc.",
        "",
        '{% creditedImage src="/images/posts/planning-in-pairs/board.jpg" alt="A board" creator="Sam Lens" sourceName="Flickr" /%}',
        "",
      ].join("\n"),
    );
  });

  it("writes a post under the author entry it names, and its coach's split reply keeps the badge and its two parts", async () => {
    const debrief = await readFile(path.join(root, "content/posts/the-five-minute-debrief.md"), "utf8");
    expect(debrief).toContain(`\nauthor: ${SECOND.slug}\n`);
    const rows = await db()
      .select()
      .from(comments)
      .where(eq(comments.postSlug, "the-five-minute-debrief"))
      .orderBy(asc(comments.createdAt), asc(comments.partIndex));
    const coach = rows.filter((r) => r.authorKind === "author");
    expect(coach.map((r) => [r.displayName, r.body, r.partIndex, r.partCount])).toEqual([
      [SECOND.name, "The first part of a long answer.", 1, 2],
      [SECOND.name, "And its second part.", 2, 2],
    ]);
    expect(coach[0].submissionId).toBe(coach[1].submissionId);
    expect(rows.map((r) => [r.displayName, r.status, r.license])).toEqual([
      ["Dev Patel", "published", "cc-by-4.0"],
      [SECOND.name, "published", "cc-by-nc-sa-3.0"],
      [SECOND.name, "published", "cc-by-nc-sa-3.0"],
      [expect.any(String), "removed", "cc-by-nc-sa-3.0"],
      ["Anonymous", "published", null],
      ["Ana", "pending", "cc-by-nc-sa-3.0"],
      ["Pill Seller", "spam", "cc-by-nc-sa-3.0"],
    ]);
    expect(report.joins).toEqual([{ postSlug: "the-five-minute-debrief", sourceIds: ["41", "42"] }]);
    expect(report.notes).toContainEqual(expect.stringMatching(/comment 50 on "a-deleted-post".*not in the export/));
  });

  it("adds nothing when the same export is imported again", async () => {
    const again = await applyImport(db(), root, fromFile(path.join(work, "export.json")), {
      authorSlug: "morgan-ellery",
      converters: siteConverters,
    });
    expect(again.posts.created).toEqual([]);
    expect(again.comments.alreadyImported).toBe(7);
    expect(await db().select().from(comments)).toHaveLength(7);
  });
});
