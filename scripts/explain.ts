// EXPLAIN (ANALYZE, BUFFERS) for the queries a post page (and the home page
// and the moderation queue) runs, on a post with a 10,000-comment thread
// (scripts/seed-long-thread.ts) beside the 22-comment demo thread.
//
//   node_modules/.bin/tsx scripts/explain.ts            PostgreSQL (see below)
//   node_modules/.bin/tsx scripts/explain.ts --pglite   embedded PGlite, in memory
//   options: --plans (print every plan in full), --no-proposed (skip the
//            second round with the proposed indexes), --no-analyze
//
// PostgreSQL: DATABASE_URL (or TEST_DATABASE_URL), default
// postgres://postgres@127.0.0.1:5432/postgres. A database of its own,
// staffroom_explain_<random>, is created and dropped at the end (the user
// needs CREATEDB). After seeding it runs VACUUM ANALYZE, the state
// autovacuum reaches on a server after a bulk of inserts. PGlite has no
// autovacuum, so --pglite measures without statistics unless asked
// (--analyze), as a PGlite site runs.
//
// The queries are the service's own: drizzle builders written as in
// app/comments/*.server.ts and app/moderation/queue.server.ts (compiled
// with .toSQL()), and the page's recursive query copied from listThreadPage.
// Keep them in step when those change.
//
// A second round applies the index and schema changes proposed in the report
// (PROPOSED below) to the throw-away database, analyzes again and measures
// again, with the alternatives to the page query that they allow.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { and, count, eq, inArray, isNull, max, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// db/client (migrations) and the demo loader (content/, db/demo) read the working directory.
process.chdir(root);
const { openDatabase } = await import("../db/client");
const { comments } = await import("../db/schema");
const { loadDemoContent } = await import("../app/demo/demo.server");
const { QUEUE_PAGE_SIZE, queueQueries } = await import("../app/moderation/queue.server");
const { seedLongThread, describeSeed, LONG_THREAD_SLUG } = await import("./seed-long-thread");
type Database = import("../db/client").Database;

const DEMO_SLUG = "what-does-a-technology-coach-do";
const PER_PAGE = 50;
const RUNS = 30;

/** Indexes proposed in the report; created in the second round. */
const PROPOSED: { name: string; sql: string }[] = [
  {
    name: "comments_top_level_position",
    sql: `create index comments_top_level_position on comments (post_slug, position) where parent_id is null`,
  },
  // Not proposed: replacing comments_parent by (parent_id, position) makes
  // nextPosition for a reply a one-row backward scan, but the larger index
  // tips the recursive page query's costing into a hash join over a
  // sequential scan of the whole table (page 1: 0.95 → 9.4 ms on PostgreSQL).
  {
    name: "comments_moderation",
    sql: `create index comments_moderation on comments (status, created_at, id) where status <> 'published'`,
  },
  // A schema change rather than an index: every comment carries its
  // top-level ancestor's position, so a page is one range scan (no recursion).
  { name: "comments.top_level_position", sql: `alter table comments add column top_level_position integer` },
  {
    name: "(backfill top_level_position)",
    sql: `with recursive t as (
            select id, position as top from comments where parent_id is null
            union all
            select c.id, t.top from comments c join t on c.parent_id = t.id
          )
          update comments c set top_level_position = t.top from t where c.id = t.id`,
  },
  {
    name: "comments_page",
    sql: `create index comments_page on comments (post_slug, top_level_position) where top_level_position is not null`,
  },
];

const { values: args } = parseArgs({
  options: {
    pglite: { type: "boolean", default: false },
    plans: { type: "boolean", default: false },
    "no-proposed": { type: "boolean", default: false },
    analyze: { type: "boolean" },
    "no-analyze": { type: "boolean", default: false },
  },
  strict: true,
});
const analyzeTables = args["no-analyze"] ? false : (args.analyze ?? !args.pglite);

interface Query {
  name: string;
  /** What the app runs it for. */
  why: string;
  text: string;
  params: unknown[];
  /** Check the plan PostgreSQL picks for a prepared statement after five runs (postgres.js prepares). */
  generic?: boolean;
}

const dialect = new PgDialect();
function compiled(query: { toSQL(): { sql: string; params: unknown[] } } | SQL): { text: string; params: unknown[] } {
  const { sql: text, params } = "toSQL" in query ? query.toSQL() : dialect.sqlToQuery(query);
  return { text, params };
}

function queries(db: Database, lastPage: number, busyParentId: number, withColumn: boolean): Query[] {
  // listThreadPage, first query: the thread's page count.
  const maxTop = (slug: string) =>
    db
      .select({ last: max(comments.position) })
      .from(comments)
      .where(and(eq(comments.postSlug, slug), isNull(comments.parentId)));
  // The same question asked in the terms of comments_sibling_position (an
  // app-side alternative to a new index; not what the app runs today).
  const maxTopRewritten = (slug: string) =>
    db
      .select({ last: max(comments.position) })
      .from(comments)
      .where(
        and(
          eq(comments.postSlug, slug),
          sql`coalesce(${comments.parentId}, 0) = 0`,
          sql`${comments.position} is not null`,
        ),
      );
  // listThreadPage, second query (copied verbatim).
  const page = (postSlug: string, n: number) =>
    sql`with recursive tree as (
          select * from ${comments}
           where post_slug = ${postSlug} and coalesce(parent_id, 0) = 0
             and position between ${(n - 1) * PER_PAGE + 1} and ${n * PER_PAGE}
          union all
          select c.* from ${comments} c join tree t on c.parent_id = t.id
        )
        select * from tree`;
  // The same walk with the recursive step as a LATERAL subquery that the
  // planner cannot flatten (OFFSET 0): always a nested loop over the parent
  // index, never a hash join over the whole table (an app-side alternative).
  const pageLateral = (postSlug: string, n: number) =>
    sql`with recursive tree as (
          select * from ${comments}
           where post_slug = ${postSlug} and coalesce(parent_id, 0) = 0
             and position between ${(n - 1) * PER_PAGE + 1} and ${n * PER_PAGE}
          union all
          select c.* from tree t
           cross join lateral (select * from ${comments} c where c.parent_id = t.id offset 0) c
        )
        select * from tree`;
  // With the proposed top_level_position column: one range scan.
  const pageFlat = (postSlug: string, n: number) =>
    sql`select * from ${comments}
         where post_slug = ${postSlug}
           and top_level_position between ${(n - 1) * PER_PAGE + 1} and ${n * PER_PAGE}`;
  // countComments
  const countFor = (slugs: string[]) =>
    db
      .select({ postSlug: comments.postSlug, n: count() })
      .from(comments)
      .where(and(inArray(comments.postSlug, slugs), eq(comments.status, "published")))
      .groupBy(comments.postSlug);
  // submitComment's nextPosition for a reply
  const maxChild = (slug: string, parentId: number) =>
    db
      .select({ last: max(comments.position) })
      .from(comments)
      .where(and(eq(comments.postSlug, slug), eq(comments.parentId, parentId)));
  // The queue's own queries (app/moderation/queue.server.ts), built but not run.
  const scope = (slugs: string[] | null) =>
    slugs === null ? { all: true as const } : { all: false as const, postSlugs: slugs };
  const statusCounts = (slugs: string[] | null) => queueQueries.statusCounts(db, scope(slugs));
  const reportedCount = (slugs: string[] | null) => queueQueries.reportedCount(db, scope(slugs));
  const list = (slugs: string[] | null, status: "pending" | "removed") =>
    queueQueries.firstParts(db, scope(slugs), status, QUEUE_PAGE_SIZE);
  const both = [DEMO_SLUG, LONG_THREAD_SLUG];
  return [
    {
      name: "page count: max top-level position, demo",
      why: "post page",
      ...compiled(maxTop(DEMO_SLUG)),
      generic: true,
    },
    {
      name: "page count: max top-level position, 10k",
      why: "post page",
      ...compiled(maxTop(LONG_THREAD_SLUG)),
      generic: true,
    },
    {
      name: "(alternative) page count via sibling index, 10k",
      why: "proposal",
      ...compiled(maxTopRewritten(LONG_THREAD_SLUG)),
      generic: true,
    },
    { name: "page query, demo page 1", why: "post page", ...compiled(page(DEMO_SLUG, 1)), generic: true },
    { name: "page query, 10k page 1", why: "post page", ...compiled(page(LONG_THREAD_SLUG, 1)), generic: true },
    {
      name: `page query, 10k page ${lastPage} (last)`,
      why: "post page",
      ...compiled(page(LONG_THREAD_SLUG, lastPage)),
      generic: true,
    },
    {
      name: "(alternative) LATERAL walk, demo page 1",
      why: "proposal",
      ...compiled(pageLateral(DEMO_SLUG, 1)),
      generic: true,
    },
    {
      name: "(alternative) LATERAL walk, 10k page 1",
      why: "proposal",
      ...compiled(pageLateral(LONG_THREAD_SLUG, 1)),
      generic: true,
    },
    {
      name: "(alternative) LATERAL walk, 10k last page",
      why: "proposal",
      ...compiled(pageLateral(LONG_THREAD_SLUG, lastPage)),
      generic: true,
    },
    ...(withColumn
      ? [
          {
            name: "(alternative) top_level_position, demo page 1",
            why: "proposal",
            ...compiled(pageFlat(DEMO_SLUG, 1)),
            generic: true,
          },
          {
            name: "(alternative) top_level_position, 10k page 1",
            why: "proposal",
            ...compiled(pageFlat(LONG_THREAD_SLUG, 1)),
            generic: true,
          },
          {
            name: "(alternative) top_level_position, 10k last",
            why: "proposal",
            ...compiled(pageFlat(LONG_THREAD_SLUG, lastPage)),
            generic: true,
          },
        ]
      : []),
    { name: "countComments, demo", why: "post page", ...compiled(countFor([DEMO_SLUG])), generic: true },
    { name: "countComments, 10k", why: "post page", ...compiled(countFor([LONG_THREAD_SLUG])), generic: true },
    { name: "countComments, both posts", why: "home page", ...compiled(countFor(both)) },
    {
      name: "nextPosition, reply to a busy comment",
      why: "submitComment",
      ...compiled(maxChild(LONG_THREAD_SLUG, busyParentId)),
    },
    { name: "queueCounts statuses, admin (all posts)", why: "moderation", ...compiled(statusCounts(null)) },
    { name: "queueCounts statuses, coach (2 posts)", why: "moderation", ...compiled(statusCounts(both)) },
    { name: "queueCounts reported, admin", why: "moderation", ...compiled(reportedCount(null)) },
    { name: "listQueue pending, admin", why: "moderation", ...compiled(list(null, "pending")) },
    { name: "listQueue removed, admin", why: "moderation", ...compiled(list(null, "removed")) },
    { name: "listQueue removed, coach (2 posts)", why: "moderation", ...compiled(list(both, "removed")) },
  ];
}

/** Runs SQL text with $n parameters on the driver underneath drizzle. */
type Run = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

function runnerFor(db: Database, driver: "pglite" | "postgres"): Run {
  const client = (db as unknown as { $client: unknown }).$client;
  if (driver === "postgres") {
    const sqlClient = client as postgres.Sql;
    return async (text, params) => [...(await sqlClient.unsafe(text, params as never[]))] as Record<string, unknown>[];
  }
  const pg = client as { query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
  return async (text, params) => (await pg.query(text, params)).rows;
}

interface Measured {
  query: Query;
  resultRows: number;
  medianMs: number;
  p90Ms: number;
  plan: string;
  executionMs: number;
  estimateRows: number;
  actualRows: number;
  sharedHit: number;
  sharedRead: number;
  scans: string[];
  sorts: string[];
  generic?: { plan: string; scans: string[]; executionMs: number };
}

function planFacts(plan: string) {
  const scans = new Set<string>();
  for (const match of plan.matchAll(
    /(Seq Scan|Index Only Scan Backward|Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|WorkTable Scan|CTE Scan)(?: using (\S+))?(?: on (\S+))?/g,
  )) {
    const [, kind, index, table] = match;
    if (kind === "WorkTable Scan" || kind === "CTE Scan") continue;
    scans.add(index ? `${kind} ${index}` : `${kind} ${table}`);
  }
  const sorts = [...plan.matchAll(/Sort Method: ([^\n]+)/g)].map((m) => m[1].trim());
  const first = plan.split("\n")[0];
  const est = /rows=(\d+) width/.exec(first);
  const act = /actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+)/.exec(first);
  const hit = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan);
  const read = /Buffers: shared(?: hit=\d+)? read=(\d+)/.exec(plan);
  const exec = /Execution Time: ([\d.]+) ms/.exec(plan);
  return {
    scans: [...scans],
    sorts,
    estimateRows: est ? Number(est[1]) : NaN,
    actualRows: act ? Number(act[1]) : NaN,
    sharedHit: hit ? Number(hit[1]) : 0,
    sharedRead: read ? Number(read[1]) : 0,
    executionMs: exec ? Number(exec[1]) : NaN,
  };
}

function sqlLiteral(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  return `'${String(value).replaceAll("'", "''")}'`;
}

async function measure(
  run: Run,
  query: Query,
  genericRunner: ((q: Query) => Promise<string>) | null,
): Promise<Measured> {
  const { text, params } = query;
  let resultRows = 0;
  for (let i = 0; i < 3; i++) resultRows = (await run(text, params)).length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run(text, params);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const planRows = await run(`explain (analyze, buffers) ${text}`, params);
  const plan = planRows.map((row) => Object.values(row)[0] as string).join("\n");
  const measured: Measured = {
    query,
    resultRows,
    medianMs: times[Math.floor(RUNS / 2)],
    p90Ms: times[Math.floor(RUNS * 0.9)],
    plan,
    ...planFacts(plan),
  };
  if (query.generic && genericRunner) {
    const genericPlan = await genericRunner(query);
    const facts = planFacts(genericPlan);
    measured.generic = { plan: genericPlan, scans: facts.scans, executionMs: facts.executionMs };
  }
  return measured;
}

/**
 * The plan PostgreSQL uses for a prepared statement once it settles on a
 * generic plan (plan_cache_mode = force_generic_plan): postgres.js prepares
 * every statement, and after five executions the server may switch to a
 * plan made without the parameters' values.
 */
function genericPlans(serverUrl: string): { run: (q: Query) => Promise<string>; close: () => Promise<void> } {
  const client = postgres(serverUrl, { max: 1, onnotice: () => {} });
  let n = 0;
  return {
    run: async (query) => {
      const name = `explain_generic_${++n}`;
      const types = query.params.map((p) => (typeof p === "number" ? "int" : "text"));
      await client.unsafe(`set plan_cache_mode = force_generic_plan`);
      await client.unsafe(`prepare ${name}(${types.join(", ")}) as ${query.text}`);
      const rows = await client.unsafe(
        `explain (analyze, buffers) execute ${name}(${query.params.map(sqlLiteral).join(", ")})`,
      );
      await client.unsafe(`deallocate ${name}`);
      return rows.map((row) => Object.values(row)[0] as string).join("\n");
    },
    close: () => client.end({ timeout: 5 }),
  };
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : "–";
}

function printRound(title: string, results: Measured[]): void {
  console.log(`\n=== ${title} ===\n`);
  for (const m of results) {
    const flags = [
      m.scans.some((s) => s.startsWith("Seq Scan")) ? "SEQ SCAN" : "",
      m.sorts.length ? `sort (${m.sorts.join("; ")})` : "",
    ]
      .filter(Boolean)
      .join(", ");
    console.log(`-- ${m.query.name} [${m.query.why}]${flags ? `  ⚠ ${flags}` : ""}`);
    console.log(
      `   ${m.resultRows} rows returned; top node estimate ${m.estimateRows} vs actual ${m.actualRows}; ` +
        `execution ${ms(m.executionMs)} ms (server), round trip median ${ms(m.medianMs)} ms, p90 ${ms(m.p90Ms)} ms; ` +
        `buffers hit ${m.sharedHit}${m.sharedRead ? ` read ${m.sharedRead}` : ""}`,
    );
    console.log(`   scans: ${m.scans.join(", ") || "(none)"}`);
    if (m.generic) {
      const same = m.generic.scans.join() === m.scans.join();
      console.log(
        `   generic (prepared) plan: ${same ? "same scans" : m.generic.scans.join(", ")}, execution ${ms(m.generic.executionMs)} ms`,
      );
    }
    if (args.plans) console.log(m.plan.replace(/^/gm, "   | "));
  }
}

function printSummary(rounds: { title: string; results: Measured[] }[]): void {
  console.log("\n=== summary: round-trip median ms (server execution ms); seq = a sequential scan ===\n");
  console.log(["query".padEnd(46), ...rounds.map((r) => r.title.padStart(30))].join(" "));
  const names = [...new Set(rounds.flatMap((r) => r.results.map((m) => m.query.name)))];
  for (const name of names) {
    const cells = rounds.map((r) => {
      const m = r.results.find((result) => result.query.name === name);
      if (!m) return "–".padStart(30);
      const seq = m.scans.some((scan) => scan.startsWith("Seq Scan")) ? " seq" : "";
      return `${ms(m.medianMs)} (${ms(m.executionMs)})${seq}`.padStart(30);
    });
    console.log([name.slice(0, 46).padEnd(46), ...cells].join(" "));
  }
}

async function main(): Promise<void> {
  const serverUrl =
    process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  let url: string | null = null;
  let drop = async () => {};
  if (!args.pglite) {
    const name = `staffroom_explain_${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    url = target.href;
    drop = async () => {
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    };
  }
  const handle = await openDatabase({ url, dataDir: null });
  const generic = url ? genericPlans(url) : null;
  try {
    const run = runnerFor(handle.db, handle.driver);
    const [{ version }] = (await run("select version() as version", [])) as { version: string }[];
    console.log(
      `${version.split(" on ")[0]} (${handle.driver}${url ? `, ${url.replace(/\/\/[^@]*@/, "//")}` : ", in memory"})`,
    );
    await handle.migrate();
    const demo = await loadDemoContent(handle.db);
    console.log(`Demo discussion: ${demo} comments.`);
    const summary = await seedLongThread(handle.db);
    console.log(describeSeed(summary));
    const vacuum = async () => {
      if (!analyzeTables) return;
      const started = performance.now();
      await run(handle.driver === "postgres" ? "vacuum analyze" : "analyze", []);
      console.log(
        `${handle.driver === "postgres" ? "VACUUM ANALYZE" : "ANALYZE"}: ${Math.round(performance.now() - started)} ms`,
      );
    };
    await vacuum();
    if (!analyzeTables)
      console.log("No ANALYZE: the planner has no statistics (as on a PGlite site, which has no autovacuum).");

    // The comment with the most replies: nextPosition's worst case.
    const [busy] = (await run(
      `select parent_id, count(*)::int as n from comments where post_slug = $1 and parent_id is not null group by parent_id order by 2 desc limit 1`,
      [LONG_THREAD_SLUG],
    )) as { parent_id: number; n: number }[];
    const list = queries(handle.db, summary.pageCount, Number(busy.parent_id), false);
    const rounds: { title: string; results: Measured[] }[] = [];
    const title = `${handle.driver}${analyzeTables ? "" : ", no stats"}, current indexes`;
    const results: Measured[] = [];
    for (const query of list) results.push(await measure(run, query, generic?.run ?? null));
    rounds.push({ title, results });
    printRound(title, results);

    if (!args["no-proposed"]) {
      for (const index of PROPOSED) await run(index.sql, []);
      console.log(`\nApplied the proposed changes: ${PROPOSED.map((i) => i.name).join(", ")}`);
      await vacuum();
      const again: Measured[] = [];
      for (const query of queries(handle.db, summary.pageCount, Number(busy.parent_id), true)) {
        again.push(await measure(run, query, generic?.run ?? null));
      }
      const title2 = "with proposed changes";
      rounds.push({ title: title2, results: again });
      printRound(title2, again);
    }
    printSummary(rounds);
  } finally {
    await generic?.close();
    await handle.close();
    await drop();
  }
}

await main();
