// `npx tsx scripts/bench-parse.ts FILE`: the import's parser alone over an
// export (app/import/formats/parse.ts, handlers that only count), for the
// bench's `import` case (scripts/bench.mjs): parse rate and peak memory apart
// from the database writes. Prints one JSON line: posts, comments, skipped,
// seconds, peakRssKb.
import { createReadStream } from "node:fs";
import { parseExport } from "../app/import/formats/parse";

const file = process.argv[2];
if (!file) {
  console.error("Usage: npx tsx scripts/bench-parse.ts FILE");
  process.exit(2);
}
const counts = { posts: 0, comments: 0, skipped: 0 };
const started = performance.now();
await parseExport(createReadStream(file), {
  blog() {},
  author() {},
  post() {
    counts.posts++;
  },
  comment() {
    counts.comments++;
  },
  skipped() {
    counts.skipped++;
  },
});
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ ...counts, seconds, peakRssKb: process.resourceUsage().maxRSS }));
