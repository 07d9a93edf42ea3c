// Seeds one post with a long, realistically shaped discussion (10,000
// comments by default) for `npm run bench` and `scripts/explain.ts`:
// ~2,000 top-level comments, replies nested up to depth 6, split submissions
// (2–3 consecutive parts sharing a submission), ~3% tombstones, a few held and
// spam comments and open reports, bodies of 100–4,000 characters of
// Markdown-ish prose. Deterministic (seeded PRNG) apart from uuids.
//
// Rows are inserted directly in batches, not through submitComment (which
// validates, splits and takes the post's lock for every submission: minutes
// for 10,000). The shape still follows the comment service's rules: sibling
// positions 1..n per parent in publication order, the parts of a split
// submission at consecutive positions under one parent, replies to a split
// comment hanging under its last part, held and never-published spam without
// a position, removed comments keeping position and replies.
//
//   DATA_DIR=/tmp/x node_modules/.bin/tsx scripts/seed-long-thread.ts [--demo] [--json]
//   DATABASE_URL=postgres://… node_modules/.bin/tsx scripts/seed-long-thread.ts
//
// Run it from a folder holding db/migrations (and content/ plus db/demo with
// --demo): the project root, or a copy of it as `npm run bench` makes. With
// DATA_DIR it opens DATA_DIR/pglite, as the server does; stop any server on
// that folder first. --demo loads the demo discussion first (it loads only
// into a database without comments, so it must come before the long thread).
// --json prints the summary as one JSON line on stdout (other output goes to
// stderr). --analyze runs ANALYZE at the end (a PGlite site never does: it has
// no autovacuum).
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { eq, sql } from "drizzle-orm";
import { openDatabase, queryRows, type Database } from "../db/client";
import { commentReports, commentSubmissions, comments, users, type NewComment } from "../db/schema";
import { Random } from "./seeded-random";

export const LONG_THREAD_SLUG = "a-very-long-discussion";
/** Top-level comments per page; the app's TOP_LEVEL_PER_PAGE (not imported, to keep this script free of app code). */
const PER_PAGE = 50;

export interface SeedOptions {
  slug?: string;
  /** Total comment rows (parts count one each). Default 10,000. */
  comments?: number;
  /** Top-level positions (numbered top-level comments, parts included). Default a fifth of `comments`. */
  topLevel?: number;
  /** Deepest reply depth (1 = top level). Default 6. */
  maxDepth?: number;
  /** PRNG seed. */
  seed?: number;
  /** Time of the first comment. */
  start?: Date;
  /** Email of the account that writes the post's "author" replies (the demo coach), if it exists. */
  authorEmail?: string | null;
  /** Rows per INSERT statement. */
  batchSize?: number;
}

export interface SeedSummary {
  slug: string;
  comments: number;
  submissions: number;
  /** Numbered top-level comments (parts included). */
  topLevel: number;
  /** Highest top-level position: the page count is ceil(this / 50). */
  lastTopLevelPosition: number;
  pageCount: number;
  splitSubmissions: number;
  splitParts: number;
  removed: number;
  pending: number;
  spam: number;
  openReports: number;
  deepestDepth: number;
  commentsByDepth: Record<string, number>;
  /** Comments on the first and the last page (whole threads under their 50 top-level comments). */
  firstPageComments: number;
  lastPageComments: number;
  bodyChars: { min: number; mean: number; max: number };
  milliseconds: number;
}

// ---------------------------------------------------------------- prose

const OPENERS = [
  "I keep coming back to this",
  "This matches what I saw last term",
  "Thank you for writing this up",
  "I'd push back a little here",
  "Our school went through the same thing",
  "Reading this on a Sunday evening",
  "As a librarian, I recognise most of this list",
  "We tried something similar in Year 4",
  "This is the part nobody budgets for",
  "I shared this with our leadership team",
  "Coming at this from the secondary side",
  "Small point, but an important one",
];
const SUBJECTS = [
  "co-planning",
  "the coaching cycle",
  "our shared drive of lesson links",
  "one-to-one coaching",
  "modelling a lesson",
  "the digital citizenship unit",
  "the inquiry cycle",
  "release time for teachers",
  "the laptop trolley",
  "student blogging",
  "the unit planner",
  "feedback on student work",
  "the professional learning calendar",
  "our PYP exhibition",
  "parent information evenings",
  "the library timetable",
];
const VERBS = [
  "only worked when",
  "fell apart once",
  "changed for us after",
  "became routine because",
  "was much harder than expected until",
  "quietly stopped happening when",
  "made the biggest difference where",
  "needed a champion before",
];
const CLAUSES = [
  "the coach was in the room every week",
  "teachers had time to plan together",
  "leaders protected the time on the calendar",
  "we stopped treating technology as a separate subject",
  "students could explain why they chose a tool",
  "the tool served the learning goal rather than the other way round",
  "someone followed up a week later",
  "we kept the list of resources in one place",
  "a colleague modelled it first with a real class",
  "the timetable left no room for reflection",
  "we asked students what actually helped",
  "the pilot group shared what went wrong as well as what went right",
];
const TAILS = [
  "That is the part I would defend in any budget meeting.",
  "I am not sure a job description can capture it.",
  "It took us two years to see it.",
  "Curious whether others found the same.",
  "None of it shows up in a spreadsheet.",
  "We are still working on it.",
  "Happy to share our planner if it helps.",
  "It is the relationships, every time.",
];
const LINK_TEXTS = [
  "our planning template",
  "this short video",
  "the ISTE coaching standards",
  "a colleague's blog post",
  "the unit rubric",
];

function sentence(r: Random): string {
  const base = `${r.pick(SUBJECTS)} ${r.pick(VERBS)} ${r.pick(CLAUSES)}`;
  let s = base.charAt(0).toUpperCase() + base.slice(1);
  if (r.chance(0.15)) s = s.replace(/^(\S+ \S+)/, "**$1**");
  else if (r.chance(0.12)) s = s.replace(/(\S+)$/, "*$1*");
  if (r.chance(0.08)) s += ` (see [${r.pick(LINK_TEXTS)}](https://example.org/notes/${r.int(1, 9999)}))`;
  if (r.chance(0.05)) s += ` — we used \`${r.pick(["=IMPORTRANGE()", "Ctrl+Shift+V", "#inquiry", "/share"])}\``;
  return `${s}.`;
}

function paragraph(r: Random): string {
  const kind = r.float();
  if (kind < 0.1) {
    return Array.from({ length: r.int(2, 5) }, () => `- ${sentence(r)}`).join("\n");
  }
  if (kind < 0.15) return `> ${sentence(r)} ${sentence(r)}`;
  const parts = [r.chance(0.5) ? `${r.pick(OPENERS)}.` : ""];
  const n = r.int(2, 5);
  for (let i = 0; i < n; i++) parts.push(sentence(r));
  if (r.chance(0.3)) parts.push(r.pick(TAILS));
  return parts.filter(Boolean).join(" ");
}

/** Markdown-ish prose of about `length` characters (cut at a word boundary). */
function prose(r: Random, length: number): string {
  let text = "";
  while (text.length < length) text += (text ? "\n\n" : "") + paragraph(r);
  if (text.length > length) {
    const cut = text.lastIndexOf(" ", length);
    text = text.slice(0, cut > length * 0.6 ? cut : length).replace(/[\s*`[(>-]+$/, "");
    // Close anything a cut left open so the Markdown stays tidy.
    if ((text.match(/\*\*/g) ?? []).length % 2) text += "**";
    if ((text.match(/`/g) ?? []).length % 2) text += "`";
    text += ".";
  }
  return text;
}

/** Length of a single (unsplit) comment: mostly short, a long tail up to 4,000. */
function singleLength(r: Random): number {
  const x = r.float();
  if (x < 0.6) return r.int(100, 600);
  if (x < 0.9) return r.int(600, 2000);
  return r.int(2000, 4000);
}

const FIRST = [
  "Priya",
  "Tomás",
  "Aiko",
  "Grace",
  "Dev",
  "Lena",
  "Marcus",
  "Olu",
  "Sofia",
  "Hamid",
  "Ruth",
  "Kenji",
  "Ana",
  "Liam",
  "Mei",
  "Noor",
  "Pablo",
  "Ines",
  "Sam",
  "Zara",
];
const LAST = [
  "Okafor",
  "Lindqvist",
  "Nakamura",
  "Brennan",
  "Patel",
  "Moreau",
  "Achterberg",
  "Silva",
  "Kowalski",
  "Haddad",
  "Nguyen",
  "Ferreira",
  "Byrne",
  "Osei",
  "Roth",
];

// ---------------------------------------------------------------- the thread

interface Node {
  id: number;
  parent: Node | null;
  depth: number;
  position: number | null;
  status: "published" | "pending" | "spam" | "removed";
  submission: Submission;
  partIndex: number;
  createdAt: Date;
  body: string;
}

interface Submission {
  id: string;
  body: string;
  parts: Node[];
  createdAt: Date;
  heldReason: string | null;
  author: {
    kind: "guest" | "anonymous" | "author";
    name: string;
    website: string | null;
    email: string | null;
    userId: string | null;
  };
}

/**
 * Writes the long thread into `db` (migrated; no comments on `slug` yet) in
 * one transaction and returns what it wrote. Throws when the post already
 * has comments.
 */
export async function seedLongThread(db: Database, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const slug = options.slug ?? LONG_THREAD_SLUG;
  const total = options.comments ?? 10_000;
  const topLevelTarget = options.topLevel ?? Math.round(total / 5);
  const maxDepth = options.maxDepth ?? 6;
  const batchSize = options.batchSize ?? 500;
  const r = new Random(options.seed ?? 20240901);

  const [existing] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${comments} where post_slug = ${slug}`,
  );
  if (Number(existing.n) > 0)
    throw new Error(`Post ${slug} already has ${existing.n} comments; seed a fresh database.`);
  const authorEmail = options.authorEmail === undefined ? "morgan@practice-notes.example.org" : options.authorEmail;
  const [author] = authorEmail
    ? await db.select({ id: users.id, name: users.displayName }).from(users).where(eq(users.email, authorEmail))
    : [];

  const names = Array.from({ length: 300 }, () => `${r.pick(FIRST)} ${r.pick(LAST)}`);
  const nodes: Node[] = [];
  const submissions: Submission[] = [];
  /** Comments that can be replied to (numbered), in time order. */
  const numbered: Node[] = [];
  const nextPosition = new Map<Node | null, number>();
  let time = (options.start ?? new Date("2024-09-01T08:00:00Z")).getTime();
  let topLevel = 0;
  let nextId = 1; // made absolute once the table's next id is known

  const authorFor = (): Submission["author"] => {
    const x = r.float();
    if (author && x < 0.05) return { kind: "author", name: author.name, website: null, email: null, userId: author.id };
    if (x < 0.13)
      return {
        kind: "anonymous",
        name: "Anonymous",
        website: null,
        email: r.chance(0.5) ? `anon${r.int(1, 9999)}@example.net` : null,
        userId: null,
      };
    const name = r.pick(names);
    const handle = name.toLowerCase().replace(/[^a-z]+/g, ".");
    return {
      kind: "guest",
      name,
      website: r.chance(0.2) ? `https://${handle.replace(/\./g, "")}.example.org/` : null,
      email: r.chance(0.7) ? `${handle}@example.org` : null,
      userId: null,
    };
  };

  // How deep a reply goes (2..maxDepth): most answer a top-level comment,
  // fewer go deeper, and some conversations run to the deepest level.
  const depthWeights = [0.45, 0.25, 0.14, 0.09, 0.07];
  const replyDepth = (): number => {
    let x = r.float() * depthWeights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < depthWeights.length; i++) {
      x -= depthWeights[i];
      if (x < 0) return Math.min(maxDepth, i + 2);
    }
    return maxDepth;
  };
  /** A comment to reply to: mostly a recent one (conversations are local in time), sometimes an old one. */
  const pickParent = (): Node => {
    const window = r.chance(0.8) ? 80 : r.chance(0.75) ? 1000 : numbered.length;
    const start = Math.max(0, numbered.length - 1 - r.int(0, Math.min(window, numbered.length) - 1));
    const wanted = replyDepth() - 1;
    let target = numbered[start];
    for (let i = start, steps = 0; i >= 0 && steps < 300; i--, steps++) {
      if (numbered[i].depth === wanted) {
        target = numbered[i];
        break;
      }
      // Otherwise the deepest comment seen that is not too deep.
      if (numbered[i].depth < wanted && numbered[i].depth > target.depth) target = numbered[i];
    }
    // A reply to any part of a split comment hangs under its last part.
    target = target.submission.parts[target.submission.parts.length - 1];
    while (target.depth >= maxDepth) target = target.parent!;
    return target;
  };

  while (nodes.length < total) {
    const remaining = total - nodes.length;
    const remainingSubmissions = Math.max(1, Math.round(remaining / 1.05));
    const topLeft = topLevelTarget - topLevel;
    const top =
      numbered.length === 0 ||
      (topLeft > 0 && (remainingSubmissions <= topLeft || r.chance(topLeft / remainingSubmissions)));
    const parent = top ? null : pickParent();
    const statusRoll = r.float();
    const status: Node["status"] = statusRoll < 0.004 ? "pending" : statusRoll < 0.006 ? "spam" : "published";
    let partCount = Math.min(remaining, r.chance(0.04) ? (r.chance(0.75) ? 2 : 3) : 1);
    // Top-level positions end at exactly `topLevel`: full pages, the last one included.
    if (top && status === "published") partCount = Math.min(partCount, topLeft);
    time += r.int(1, 40) * 60_000 + r.int(0, 59_000);
    const createdAt = new Date(time);
    const bodies =
      partCount === 1
        ? [prose(r, singleLength(r))]
        : Array.from({ length: partCount }, () => prose(r, r.int(2800, 4000)));
    const submission: Submission = {
      id: randomUUID(),
      body: bodies.join("\n\n"),
      parts: [],
      createdAt,
      heldReason:
        status === "pending" ? r.pick(["first comment", "3 links"]) : status === "spam" ? "marked as spam" : null,
      author: authorFor(),
    };
    submissions.push(submission);
    if (top && status === "published") topLevel += partCount;
    for (let i = 0; i < partCount; i++) {
      let position: number | null = null;
      if (status === "published") {
        position = (nextPosition.get(parent) ?? 0) + 1;
        nextPosition.set(parent, position);
      }
      const node: Node = {
        id: nextId++,
        parent,
        depth: parent ? parent.depth + 1 : 1,
        position,
        status,
        submission,
        partIndex: i + 1,
        createdAt,
        body: bodies[i],
      };
      submission.parts.push(node);
      nodes.push(node);
    }
    if (status === "published") numbered.push(...submission.parts);
  }

  // ~3% of published submissions removed later: tombstones keeping number and replies.
  let removed = 0;
  for (const submission of submissions) {
    if (submission.parts[0].status !== "published" || !r.chance(0.03)) continue;
    for (const part of submission.parts) part.status = "removed";
    removed += submission.parts.length;
  }

  // Ids: the table's next ids, set explicitly so parents are known before insert.
  const [{ base }] = await queryRows<{ base: number }>(
    db,
    sql`select coalesce(max(id), 0)::int as base from ${comments}`,
  );
  for (const node of nodes) node.id += Number(base);

  const removedAt = (node: Node) => new Date(node.createdAt.getTime() + 3 * 3600_000);
  const rows: NewComment[] = nodes.map((node) => ({
    id: node.id,
    postSlug: slug,
    parentId: node.parent?.id ?? null,
    position: node.position,
    authorKind: node.submission.author.kind,
    userId: node.submission.author.userId,
    displayName: node.submission.author.name,
    website: node.submission.author.website,
    email: node.submission.author.email,
    body: node.body,
    status: node.status,
    submissionId: node.submission.id,
    partIndex: node.partIndex,
    partCount: node.submission.parts.length,
    createdAt: node.createdAt,
    updatedAt: node.status === "removed" ? removedAt(node) : node.createdAt,
    removedAt: node.status === "removed" ? removedAt(node) : null,
  }));
  // Open reports on a few published comments, for the moderation queue.
  const reported = numbered.filter((node) => node.status === "published" && r.chance(0.003));

  await db.transaction(async (tx) => {
    for (let i = 0; i < submissions.length; i += batchSize) {
      await tx.insert(commentSubmissions).values(
        submissions.slice(i, i + batchSize).map((s) => ({
          id: s.id,
          postSlug: slug,
          body: s.body,
          partCount: s.parts.length,
          heldReason: s.heldReason,
          createdAt: s.createdAt,
        })),
      );
    }
    for (let i = 0; i < rows.length; i += batchSize) {
      await tx.insert(comments).values(rows.slice(i, i + batchSize));
    }
    if (reported.length) {
      await tx.insert(commentReports).values(
        reported.map((node) => ({
          commentId: node.id,
          reason: "Off-topic and a little unkind.",
          createdAt: new Date(node.createdAt.getTime() + 86_400_000),
        })),
      );
    }
    await tx.execute(sql`select setval(pg_get_serial_sequence('comments', 'id'), (select max(id) from comments))`);
  });

  const topNodes = nodes.filter((node) => node.parent === null && node.position !== null);
  const lastTopLevelPosition = topNodes.reduce((m, node) => Math.max(m, node.position!), 0);
  const pageCount = Math.max(1, Math.ceil(lastTopLevelPosition / PER_PAGE));
  const rootOf = (node: Node): Node => (node.parent ? rootOf(node.parent) : node);
  const onPage = (page: number) =>
    nodes.filter((node) => {
      const root = rootOf(node);
      return root.position !== null && Math.ceil(root.position / PER_PAGE) === page && node.position !== null;
    }).length;
  const byDepth: Record<string, number> = {};
  for (const node of nodes) byDepth[node.depth] = (byDepth[node.depth] ?? 0) + 1;
  const lengths = nodes.map((node) => node.body.length);
  return {
    slug,
    comments: nodes.length,
    submissions: submissions.length,
    topLevel,
    lastTopLevelPosition,
    pageCount,
    splitSubmissions: submissions.filter((s) => s.parts.length > 1).length,
    splitParts: submissions.filter((s) => s.parts.length > 1).reduce((n, s) => n + s.parts.length, 0),
    removed,
    pending: nodes.filter((node) => node.status === "pending").length,
    spam: nodes.filter((node) => node.status === "spam").length,
    openReports: reported.length,
    deepestDepth: nodes.reduce((m, node) => Math.max(m, node.depth), 0),
    commentsByDepth: byDepth,
    firstPageComments: onPage(1),
    lastPageComments: onPage(pageCount),
    bodyChars: {
      min: lengths.length ? Math.min(...lengths) : 0,
      mean: lengths.length ? Math.round(lengths.reduce((a, b) => a + b, 0) / lengths.length) : 0,
      max: lengths.length ? Math.max(...lengths) : 0,
    },
    milliseconds: Math.round(performance.now() - started),
  };
}

/** One line per fact, for people. */
export function describeSeed(s: SeedSummary): string {
  const depths = Object.entries(s.commentsByDepth)
    .map(([depth, n]) => `d${depth}:${n}`)
    .join(" ");
  return [
    `Seeded ${s.comments.toLocaleString("en-GB")} comments on ${s.slug} in ${(s.milliseconds / 1000).toFixed(1)} s:`,
    `  ${s.submissions} submissions, ${s.topLevel} top-level (last position ${s.lastTopLevelPosition}, ${s.pageCount} pages of 50)`,
    `  ${s.splitSubmissions} split submissions (${s.splitParts} parts), ${s.removed} tombstones, ${s.pending} held, ${s.spam} spam, ${s.openReports} open reports`,
    `  depth ${depths}; bodies ${s.bodyChars.min}–${s.bodyChars.max} chars (mean ${s.bodyChars.mean})`,
    `  page 1 holds ${s.firstPageComments} numbered comments, page ${s.pageCount} holds ${s.lastPageComments}`,
  ].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      demo: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      comments: { type: "string" },
      slug: { type: "string" },
      analyze: { type: "boolean", default: false },
    },
    strict: true,
  });
  const log = values.json ? console.error : console.log;
  const url = process.env.DATABASE_URL || null;
  const handle = await openDatabase({
    url,
    dataDir: url ? null : path.join(process.env.DATA_DIR || ".data", "pglite"),
  });
  try {
    await handle.migrate();
    if (values.demo) {
      // Imported only when asked for: it pulls in the content reader and the comment service.
      const { loadDemoContent } = await import("../app/demo/demo.server");
      const started = performance.now();
      const loaded = await loadDemoContent(handle.db);
      log(`Loaded the demo discussion: ${loaded} comments in ${Math.round(performance.now() - started)} ms.`);
    }
    const summary = await seedLongThread(handle.db, {
      slug: values.slug,
      comments: values.comments ? Number(values.comments) : undefined,
    });
    log(describeSeed(summary));
    if (values.analyze) {
      // Off by default: a PGlite site never analyzes (no autovacuum), so its planner has no statistics.
      const started = performance.now();
      await handle.db.execute(sql`analyze`);
      log(`ANALYZE: ${Math.round(performance.now() - started)} ms`);
    }
    if (values.json) console.log(JSON.stringify(summary));
    return 0;
  } finally {
    await handle.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
