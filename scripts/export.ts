// `npm run export -- --format wxr|json|markdown [--out DIR] [--include-emails]`:
// the whole site (posts from content/, comments from the database) as
// WordPress WXR 1.2, Staffroom's own JSON, or a folder of Markdown. Without
// --out, JSON and WXR go to standard output. With the embedded database, stop
// the server first: a PGlite folder can be opened by one process at a time.
import { parseArgs } from "node:util";
import { openSiteDatabase } from "./site-database";
import { runExport, SITE_EXPORT_FORMATS, type SiteExportFormat } from "../app/export/export.server";

const usage =
  "Usage: npm run export -- --format wxr|json|markdown [--out DIR] [--include-emails]\n" +
  "  --format          wxr (WordPress importer), json (everything, Staffroom's own format) or markdown (a folder)\n" +
  "  --out DIR         the folder to write into (required for markdown; JSON and WXR go to standard output without it)\n" +
  "  --include-emails  include commenters' and coaches' email addresses (left out by default)";

async function main(): Promise<number> {
  let values: { format?: string; out?: string; "include-emails"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        format: { type: "string" },
        out: { type: "string" },
        "include-emails": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.format) {
    console.error(`--format is required.\n${usage}`);
    return 2;
  }
  if (!(SITE_EXPORT_FORMATS as readonly string[]).includes(values.format)) {
    console.error(`--format must be wxr, json or markdown, not "${values.format}".\n${usage}`);
    return 2;
  }
  const format = values.format as SiteExportFormat;
  if (format === "markdown" && !values.out) {
    console.error(`A Markdown export is a folder: give one with --out DIR.\n${usage}`);
    return 2;
  }
  const handle = await openSiteDatabase();
  try {
    await handle.migrate();
    const outcome = await runExport(handle.db, {
      format,
      outDir: values.out ?? null,
      output: process.stdout,
      includeEmails: values["include-emails"],
    });
    if (outcome.files.length > 0) {
      const what = outcome.posts === null ? "" : ` (${outcome.posts} posts)`;
      console.error(`Exported ${format}${what} to:\n${outcome.files.map((file) => `  ${file}`).join("\n")}`);
    }
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
