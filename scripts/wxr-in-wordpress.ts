// The WXR export checked against a real WordPress (docs/verification/wxr-in-wordpress.md).
// Not part of `npm test`: WordPress, PHP and MariaDB must be present.
//
//   tsx scripts/wxr-in-wordpress.ts build --out DIR [--demo-only]
//       builds a throw-away site (a copy of tests/fixtures/content, an embedded
//       database in DIR/data) holding the demo discussion plus, unless
//       --demo-only, a post with non-ASCII title and tags (one differing from a
//       demo tag only in case), a post closed for comments, a post with the demo
//       post's day and title (to MySQL), a pending, a spam and
//       a removed comment with a reply, a reply to the second part of a split
//       comment and a comment with a line break inside a paragraph; writes DIR/site.wxr (the WXR export) and DIR/expected.json
//       (what Staffroom holds, read from its own files and rows, not from the WXR)
//   tsx scripts/wxr-in-wordpress.ts compare DIR/expected.json DIR/wordpress.json [--author LOGIN]
//       compares what WordPress imported (dumped by scripts/wxr-in-wordpress.php)
//       with what Staffroom holds; prints each difference; exit code 1 if any.
//       LOGIN: the WordPress user the coach's posts and replies should belong to
//       ("admin" when mapped to the existing user, the export's login when created).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What Staffroom holds, in the terms WordPress stores it. */
interface Expected {
  posts: {
    slug: string;
    title: string;
    /** "YYYY-MM-DD 00:00:00" (UTC; a post has a calendar date only). */
    dateGmt: string;
    tags: string[];
    commentsOpen: boolean;
    /** WordPress's comment_count: approved comments (a split submission counts once). */
    approvedComments: number;
    comments: {
      /** Staffroom id of the submission's first part. */
      id: number;
      /** Staffroom id of the parent submission's first part, or 0. */
      parentId: number;
      /** The same for the nearest published ancestor: where WordPress can show the reply. */
      shownParentId: number;
      /** Whether Staffroom's page shows a line break (`<br>`) in it. */
      hasBreak: boolean;
      /** WordPress's comment_approved. */
      approved: "1" | "0" | "spam" | "trash";
      author: string;
      url: string;
      dateGmt: string;
      /** A piece of the text the WordPress comment must contain (removed: none). */
      textSample: string;
      byPostAuthor: boolean;
    }[];
  }[];
}

const SECOND_POST = `---
title: "Über Lernräume: Café-Gespräche, 学びの場 & <Notizen>"
published: 2014-02-03
author: morgan-ellery
tags:
  - Fortbildung
  - Lernräume
  - 日本語
  - coaching
  - EdTech
summary: Zweiter Beitrag mit Umlauten, Kanji und Zeichen wie & < > "
license: site-default
commentsOpen: true
---
Ein kurzer Beitrag: **Lernräume** verändern sich. Naïve Fragen sind willkommen — auch auf 日本語.
`;

// Same day as the demo post, and the same title as MySQL compares them (case and accents ignored).
const SAME_TITLE_POST = `---
title: "WHAT IS THE RÔLE OF A TECHNOLOGY INTEGRATION SPECIALIST?"
published: 2013-06-09
author: morgan-ellery
tags: []
summary: Same day, same title as far as WordPress is concerned.
license: site-default
commentsOpen: true
---
A second post on the demo post's day.
`;

const CLOSED_POST = `---
title: Closed for comments
published: 2015-03-04
author: morgan-ellery
tags: []
summary: A post whose discussion is closed.
license: site-default
commentsOpen: false
---
Comments are closed here.
`;

async function build(out: string, demoOnly: boolean): Promise<void> {
  await mkdir(out, { recursive: true });
  const root = await mkdtemp(path.join(os.tmpdir(), "staffroom-wxr-wp-"));
  await cp(path.join(REPO_ROOT, "tests/fixtures/content"), path.join(root, "content"), { recursive: true });
  await cp(path.join(REPO_ROOT, "tests/fixtures/public/images"), path.join(root, "public/images"), {
    recursive: true,
  });
  if (!demoOnly) {
    await writeFile(path.join(root, "content/posts/ueber-lernraeume.md"), SECOND_POST);
    await writeFile(path.join(root, "content/posts/closed-for-comments.md"), CLOSED_POST);
    await writeFile(path.join(root, "content/posts/same-title-again.md"), SAME_TITLE_POST);
  }
  process.env.CONTENT_ROOT = root;
  process.env.SITE_URL ??= "https://staffroom.example.org";
  const dataDir = path.join(out, "data");
  await rm(dataDir, { recursive: true, force: true });

  const { openDatabase } = await import("../db/client");
  const { loadDemoContent } = await import("../app/demo/demo.server");
  const { submitComment, removeComment } = await import("../app/comments/submission.server");
  const { commentRulesOf } = await import("../app/comments/validation");
  const { getSiteSettings } = await import("../app/settings/site-settings.server");
  const { exportChunks } = await import("../app/export/export.server");
  const { listPosts } = await import("../app/posts/posts.server");
  const { comments, commentSubmissions } = await import("../db/schema");
  const { renderCommentMarkdown } = await import("../app/comments/markdown.server");
  const { asc, eq } = await import("drizzle-orm");

  const handle = await openDatabase({ url: null, dataDir: path.join(dataDir, "pglite") });
  try {
    await handle.migrate();
    const db = handle.db;
    await loadDemoContent(db);
    if (!demoOnly) {
      const rules = commentRulesOf(await getSiteSettings());
      const demo = { slug: "what-does-a-technology-coach-do", commentsOpen: true };
      const second = { slug: "ueber-lernraeume", commentsOpen: true };
      const submit = async (
        target: typeof demo,
        value: Parameters<typeof submitComment>[3],
        at: string,
        extra: Parameters<typeof submitComment>[4] = {},
      ) => {
        const result = await submitComment(db, target, rules, value, { ...extra, at: new Date(at) });
        if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
        return result;
      };
      const held = await submit(
        demo,
        { name: "Mallory", email: "mallory@example.org", body: "Held for moderation ]]> with <b>markup</b> & more" },
        "2015-01-02T03:04:05Z",
        { moderation: { holdFirstTimeGuests: true, maxLinks: 2 } },
      );
      if (held.status !== "pending") throw new Error(`expected a pending comment, got ${held.status}`);
      const spam = await submit(
        demo,
        { name: "Pill Seller", website: "https://spam.example.net/", body: "Cheap pills, very cheap." },
        "2015-01-03T00:00:00Z",
        { honeypot: true, moderation: { holdFirstTimeGuests: false, maxLinks: 2 } },
      );
      if (spam.status !== "spam") throw new Error(`expected a spam comment, got ${spam.status}`);
      // The removed one: the demo's c12 (2014-03-02T11:00-03:00), a tombstone.
      const [twelve] = await db
        .select({ id: comments.id })
        .from(comments)
        .where(eq(comments.createdAt, new Date("2014-03-02T14:00:00Z")));
      if (!twelve) throw new Error("demo comment c12 not found");
      // A reply under it, written before it was removed: Staffroom shows it under the tombstone.
      await submit(
        demo,
        { parentId: twelve.id, name: "Rosa Lind", body: "Replying to c12\nover two lines." },
        "2014-03-03T08:00:00Z",
      );
      if ((await removeComment(db, twelve.id, new Date("2014-03-04T00:00:00Z"))) !== 1)
        throw new Error("c12 not removed");
      // A reply to the SECOND part of the demo's split reply (c09a): WordPress has one comment for both parts.
      const split = await db
        .select({ id: comments.id, submissionId: comments.submissionId, partIndex: comments.partIndex })
        .from(comments)
        .where(eq(comments.postSlug, demo.slug))
        .orderBy(asc(comments.id));
      const secondPart = split.find((row) => row.partIndex === 2);
      if (!secondPart) throw new Error("the demo has no split comment");
      await submit(
        demo,
        { parentId: secondPart.id, name: "Zoë Ñúñez", body: "Replying to part two: naïve café question 🎉" },
        "2015-02-01T10:00:00Z",
      );
      const top = await submit(
        second,
        { name: "李明", website: "https://例え.example/", body: "学びの場について、ありがとうございます。" },
        "2014-02-04T01:02:03Z",
      );
      await submit(
        second,
        { parentId: top.comments[0].id, name: "Jürgen Groß", body: "Danke! Straße, Maß & <Größe>." },
        "2014-02-05T23:59:59Z",
      );
    }

    // What Staffroom holds, read from its own files and rows.
    const expected: Expected = { posts: [] };
    const posts = (await listPosts()).sort((a, b) => a.published.localeCompare(b.published));
    for (const post of posts) {
      const rows = await db
        .select({
          id: comments.id,
          parentId: comments.parentId,
          submissionId: comments.submissionId,
          partIndex: comments.partIndex,
          status: comments.status,
          displayName: comments.displayName,
          website: comments.website,
          createdAt: comments.createdAt,
          body: comments.body,
          authorKind: comments.authorKind,
          submissionBody: commentSubmissions.body,
        })
        .from(comments)
        .leftJoin(commentSubmissions, eq(commentSubmissions.id, comments.submissionId))
        .where(eq(comments.postSlug, post.slug))
        .orderBy(asc(comments.id));
      const firstPart = new Map<string, number>();
      for (const row of rows) if (row.partIndex === 1) firstPart.set(row.submissionId, row.id);
      const submissionOf = new Map(rows.map((row) => [row.id, firstPart.get(row.submissionId) ?? row.id]));
      const approvedOf = { published: "1", pending: "0", spam: "spam", removed: "trash" } as const;
      const rowOf = new Map(rows.map((row) => [row.id, row]));
      const shownParent = (parentId: number | null): number => {
        for (let id = parentId; id !== null; ) {
          const row = rowOf.get(submissionOf.get(id) ?? id);
          if (!row) return 0;
          if (row.status === "published") return row.id;
          id = row.parentId;
        }
        return 0;
      };
      const list = rows
        .filter((row) => submissionOf.get(row.id) === row.id)
        .map((row) => {
          const removed = row.status === "removed";
          const text = (row.submissionBody ?? row.body).replace(/[*_`#>[\]()]/g, " ").trim();
          const sample = text.split(/\s+/).slice(0, 3).join(" ");
          return {
            id: row.id,
            parentId: row.parentId === null ? 0 : (submissionOf.get(row.parentId) ?? 0),
            shownParentId: shownParent(row.parentId),
            hasBreak: !removed && renderCommentMarkdown(row.submissionBody ?? row.body).includes("<br"),
            approved: approvedOf[row.status],
            author: removed ? "" : row.displayName,
            url: removed ? "" : (row.website ?? ""),
            dateGmt: row.createdAt.toISOString().slice(0, 19).replace("T", " "),
            textSample: removed ? "" : sample,
            byPostAuthor: row.authorKind === "author",
          };
        });
      expected.posts.push({
        slug: post.slug,
        title: post.title,
        dateGmt: `${post.published} 00:00:00`,
        tags: [...post.tags].sort(),
        commentsOpen: post.commentsOpen,
        approvedComments: list.filter((c) => c.approved === "1").length,
        comments: list,
      });
    }
    await writeFile(path.join(out, "expected.json"), `${JSON.stringify(expected, null, 2)}\n`);
    let xml = "";
    for await (const chunk of exportChunks(db, "wxr")) xml += chunk;
    await writeFile(path.join(out, "site.wxr"), xml);
    const total = expected.posts.reduce((n, p) => n + p.comments.length, 0);
    console.log(`Wrote ${path.join(out, "site.wxr")}: ${expected.posts.length} posts, ${total} WordPress comments`);
  } finally {
    await handle.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** What scripts/wxr-in-wordpress.php dumps. */
interface WordPressDump {
  posts: {
    ID: number;
    post_name: string;
    post_title: string;
    post_date: string;
    post_date_gmt: string;
    post_status: string;
    comment_status: string;
    comment_count: number;
    /** The comments the post page shows (WordPress's threaded query), in order. */
    shown_comment_ids: number[];
    post_author_login: string;
    post_content: string;
    tags: { name: string; slug: string }[];
    comments: {
      comment_ID: number;
      comment_parent: number;
      comment_approved: string;
      comment_author: string;
      comment_author_url: string;
      comment_date: string;
      comment_date_gmt: string;
      comment_content: string;
      /** comment_content as the page shows it (the comment_text filter: wpautop, wptexturize…). */
      shown_html: string;
      user_login: string;
      meta: Record<string, string>;
    }[];
  }[];
}

async function compare(expectedFile: string, dumpFile: string, authorLogin: string): Promise<number> {
  const expected = JSON.parse(await readFile(expectedFile, "utf8")) as Expected;
  const dump = JSON.parse(await readFile(dumpFile, "utf8")) as WordPressDump;
  const problems: string[] = [];
  const check = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${what}: WordPress has ${JSON.stringify(got)}, Staffroom ${JSON.stringify(want)}`);
    }
  };
  check("number of posts", dump.posts.length, expected.posts.length);
  let commentsChecked = 0;
  for (const want of expected.posts) {
    const got = dump.posts.find((p) => p.post_name === want.slug);
    if (!got) {
      problems.push(`post ${want.slug}: not in WordPress`);
      continue;
    }
    const at = `post ${want.slug}`;
    check(`${at} title`, got.post_title, want.title);
    // The day; the export moves a second post of one day with the same title a few seconds on.
    check(`${at} post_date_gmt (day)`, got.post_date_gmt.slice(0, 10), want.dateGmt.slice(0, 10));
    check(`${at} post_date`, got.post_date, got.post_date_gmt);
    check(`${at} post_status`, got.post_status, "publish");
    check(`${at} comment_status`, got.comment_status, want.commentsOpen ? "open" : "closed");
    check(`${at} author`, got.post_author_login, authorLogin);
    check(`${at} tags`, got.tags.map((t) => t.name).sort(), want.tags);
    check(`${at} comment_count`, got.comment_count, want.approvedComments);
    check(`${at} comments shown on the page`, got.shown_comment_ids.length, want.approvedComments);
    check(`${at} number of comments`, got.comments.length, want.comments.length);
    if (!got.post_content.includes("<figure") && want.slug === "what-does-a-technology-coach-do") {
      problems.push(`${at}: the cover figure is missing from post_content`);
    }
    // Staffroom id → WordPress comment, matched by the staffroom_number meta or the date and author.
    const wordpressIdOf = new Map<number, number>();
    const byDate = new Map(got.comments.map((c) => [`${c.comment_date_gmt}|${c.comment_author}`, c]));
    for (const c of want.comments) {
      const match = byDate.get(`${c.dateGmt}|${c.author}`);
      if (match) wordpressIdOf.set(c.id, match.comment_ID);
    }
    for (const c of want.comments) {
      commentsChecked++;
      const match = byDate.get(`${c.dateGmt}|${c.author}`);
      const cat = `${at} comment ${c.id} (${c.author || "removed"}, ${c.dateGmt})`;
      if (!match) {
        problems.push(`${cat}: not in WordPress`);
        continue;
      }
      check(`${cat} comment_approved`, match.comment_approved, c.approved);
      check(`${cat} comment_date`, match.comment_date, c.dateGmt);
      check(`${cat} comment_author_url`, match.comment_author_url, c.url);
      check(
        `${cat} comment_parent`,
        match.comment_parent,
        c.shownParentId === 0 ? 0 : (wordpressIdOf.get(c.shownParentId) ?? -1),
      );
      if (c.shownParentId !== c.parentId)
        check(`${cat} staffroom_parent`, match.meta.staffroom_parent, String(c.parentId));
      check(`${cat} line break shown`, match.shown_html.includes("<br"), c.hasBreak);
      check(`${cat} user`, match.user_login, c.byPostAuthor ? authorLogin : "");
      if (c.textSample && !decodeEntities(stripTags(match.comment_content)).includes(c.textSample)) {
        problems.push(`${cat}: content does not contain "${c.textSample}": ${match.comment_content.slice(0, 120)}`);
      }
      if (c.approved === "trash" && match.comment_content !== "") {
        problems.push(`${cat}: a tombstone with content ${JSON.stringify(match.comment_content)}`);
      }
    }
  }
  const total = dump.posts.reduce((n, p) => n + p.comments.length, 0);
  console.log(`WordPress holds ${dump.posts.length} posts and ${total} comments; ${commentsChecked} comments checked.`);
  for (const problem of problems) console.log(`DIFFERENT ${problem}`);
  console.log(problems.length === 0 ? "No differences." : `${problems.length} difference(s).`);
  return problems.length === 0 ? 0 : 1;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#0*39;|&#x0*27;/gi, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      "demo-only": { type: "boolean", default: false },
      author: { type: "string", default: "admin" },
    },
  });
  const [command, ...rest] = positionals;
  if (command === "build" && values.out) {
    await build(path.resolve(values.out), values["demo-only"] ?? false);
    return 0;
  }
  if (command === "compare" && rest.length === 2) return compare(rest[0], rest[1], values.author ?? "admin");
  console.error(
    "Usage: tsx scripts/wxr-in-wordpress.ts build --out DIR [--demo-only]\n" +
      "       tsx scripts/wxr-in-wordpress.ts compare EXPECTED.json WORDPRESS.json [--author LOGIN]",
  );
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
