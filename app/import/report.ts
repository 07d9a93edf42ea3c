import type { ImportReport } from "./apply.server";
import { isolated } from "../site/bidi";

/**
 * The lines of an import's report, as `npm run import` prints them and the
 * admin's import page (/admin/import/<job>) shows them: what was created,
 * matched and skipped (and why), the comments by status, the hand-split
 * comments joined (for Staffroom's own JSON, the split submissions kept), the redirects, the links between posts rewritten, the
 * covers, tags, slug collisions, images copied or
 * kept at their old address, and the notes. The
 * first line says whether it was a dry run (and the next, for a resumed
 * run, what the interrupted run had done); a long list shows its first
 * items and "… and N more". Indentation (two spaces a level)
 * carries the structure, so the lines read the same in a terminal and in a
 * `<pre>`.
 */
export function reportLines(report: ImportReport): string[] {
  const c = report.comments;
  const u = report.unlisted;
  const more = (n: number) => (n > 0 ? [`    … and ${n} more`] : []);
  const drafts = report.posts.created.filter((p) => p.draft).length;
  return [
    report.dryRun ? "Dry run: nothing was written. An import would do this:" : "Imported:",
    ...(report.resumed
      ? [
          `  continued the interrupted run of ${report.resumed.startedAt}: its ${report.resumed.posts} posts and ${report.resumed.comments} comments were done already (not listed again)`,
        ]
      : []),
    `  format: ${report.format ?? "unknown"}`,
    `  posts: ${report.posts.created.length} created (${drafts} as drafts), ${report.posts.skipped.length} skipped`,
    // Titles come from the old site: set apart (U+2068 … U+2069) so a right-to-left override cannot flip the line.
    ...report.posts.created.map((p) => `    + ${p.slug}  (${isolated(p.title)})${p.draft ? "  [draft]" : ""}`),
    ...report.posts.matched.map((p) => `    = ${p.url} is the discussion of ${p.slug}`),
    ...report.posts.skipped.map((p) => `    - ${p.title ? isolated(p.title) : p.sourceId}: ${p.why}`),
    `  comments: ${c.published} shown, ${c.pending} in the moderation queue, ${c.spam} spam, ${c.removed} tombstones, ${c.alreadyImported} already imported, ${c.skipped.length + u.skippedComments} skipped`,
    ...c.skipped.map((s) => `    - ${s.sourceId}: ${s.why}`),
    ...more(u.skippedComments),
    // Staffroom's own JSON records its split submissions: they are kept, not guessed.
    `  ${report.format === "staffroom-json" ? "split submissions kept as split" : "hand-split comments joined"}: ${report.joins.length + u.joins}`,
    ...report.joins.map((j) => `    ${j.postSlug}: ${j.sourceIds.join(" + ")}`),
    ...more(u.joins),
    `  redirects from old addresses: ${report.redirects}`,
    `  links between imported posts rewritten to their new addresses: ${report.linksRewritten}`,
    ...(report.covers.field + report.covers.inBody > 0
      ? [
          `  covers: ${report.covers.field} as the post's cover, ${report.covers.inBody} as the body's first image (not copied home)`,
        ]
      : []),
    `  tags: ${report.tags.length ? report.tags.join(", ") : "none"}`,
    `  slug collisions: ${report.slugCollisions.length}`,
    ...report.slugCollisions.map((s) => `    ${s.wanted} was taken: ${s.slug}`),
    ...(report.images
      ? [
          `  images: ${report.images.copied.length} copied, ${report.images.kept.length} kept at their old address`,
          ...report.images.copied.map((i) => `    + ${i.postSlug}: ${i.url} -> ${i.src}`),
          ...report.images.kept.map((i) => `    - ${i.postSlug}: ${i.url}: ${i.why}`),
        ]
      : []),
    ...(report.notes.length ? ["  notes:", ...report.notes.map((n) => `    ${n}`), ...more(u.notes)] : []),
  ];
}
