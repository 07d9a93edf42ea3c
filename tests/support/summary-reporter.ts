import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints, at the very end of the run, the time each test file took (slowest
 * first, so a slow file is seen when it appears) and then one closing line,
 * "N passed, N failed, N skipped", as the last line of the run, so CI logs
 * carry the plain count that any tool can read.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    const times = fileTimes(testModules);
    // At exit, so it is the very last line, after vitest's own summary.
    process.once("exit", () =>
      process.stdout.write(`\n${times}\n${passed} passed, ${failed} failed, ${skipped} skipped\n`),
    );
  }
}

/**
 * One line per test file: seconds from the start of its setup files to the
 * end of its last hook (setup, import and collection, tests and hooks), then
 * the path relative to the working directory; slowest first.
 */
function fileTimes(testModules: ReadonlyArray<TestModule>): string {
  const rows = testModules.map((module) => {
    const d = module.diagnostic();
    const ms = d.setupDuration + d.collectDuration + d.duration;
    return { ms, file: path.relative(process.cwd(), module.moduleId) };
  });
  rows.sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file));
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  const lines = rows.map((row) => `${(row.ms / 1000).toFixed(1).padStart(7)} s  ${row.file}`);
  return [
    "Time per test file (setup, import, tests and hooks), slowest first:",
    ...lines,
    `${(total / 1000).toFixed(1).padStart(7)} s  in all (files run side by side, so more than the wall time)`,
  ].join("\n");
}
