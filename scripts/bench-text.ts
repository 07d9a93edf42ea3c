// Part of `npm run bench`: how long counting and splitting take on long
// comments, the work the server does on every submission and the browser on
// every keystroke. Prints figures; passes or fails nothing.
import { countCharacters } from "../app/comments/characters";
import { splitComment } from "../app/comments/split";

const paragraph =
  "Coaching is a relationship before it is a technique ☕. When a teacher asks for help with a tool, " +
  "the real question is often about the lesson: see [the guide](https://example.org/guide) and `code`. 👩‍👩‍👧‍👦\n\n";

function time(label: string, runs: number, work: () => unknown) {
  work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) work();
  const perRun = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(`${label.padEnd(44)} ${perRun.toFixed(2).padStart(8)} ms`);
}

console.log("\ntext work                                         per run");
for (const size of [4_000, 40_000, 100_000]) {
  const text = paragraph.repeat(Math.ceil(size / paragraph.length)).slice(0, size);
  time(`count ${size.toLocaleString("en-GB")} characters`, 20, () => countCharacters(text));
  // splitComment answers a call the same as the last from memory: alternating two part limits (both
  // far above what the text needs) makes every run do the work, as a new keystroke does.
  let run = 0;
  time(`split ${size.toLocaleString("en-GB")} characters (limit 4,096)`, 20, () =>
    splitComment(text, { limit: 4096, maxParts: 100 + (run++ % 2) }),
  );
}
