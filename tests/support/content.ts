import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The suite's own content: tests/fixtures/content is `content/` as committed
 * (posts, authors, site settings) and tests/fixtures/public/images the images
 * those posts show. Tests never read the working tree's `content/`, which the
 * editor changes whenever someone uses the site locally: a post written there,
 * or an edited content/site.yaml, would otherwise change what feeds, the
 * archive, the sitemap and search return, and fail tests that are right.
 *
 * Every reader gets a throw-away copy: test servers run in one (see
 * server.ts), and each test file runs with `CONTENT_ROOT` pointing at one
 * (tests/support/content.setup.ts), so tests that add or edit files change
 * only their own copy.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES_DIR = path.join(REPO_ROOT, "tests/fixtures");
/** The folder holding the fixture `content/` (a CONTENT_ROOT). */
export const FIXTURE_CONTENT_ROOT = FIXTURES_DIR;

/**
 * Throws unless `root` (a folder holding `content/`, as CONTENT_ROOT or a
 * server's working directory) is a copy: never the repository (whose
 * `content/` is the developer's working content) nor the fixtures themselves
 * (which a test that writes would change for every later test).
 */
export function assertContentCopy(root: string): void {
  const resolved = path.resolve(root);
  if (resolved === REPO_ROOT || resolved === FIXTURE_CONTENT_ROOT) {
    throw new Error(
      `refusing to run tests on ${path.join(resolved, "content")}: tests read a throw-away copy of ` +
        "tests/fixtures/content (copyFixtureContent), never the working tree's or the fixtures' own files",
    );
  }
}

/**
 * Copies the fixture `content/` into `root/content`, and the fixture images
 * into `root/public/images` when `images` is set (a server's working
 * directory serves them from there).
 */
export async function copyFixtureContent(root: string, options: { images?: boolean } = {}): Promise<void> {
  assertContentCopy(root);
  await cp(path.join(FIXTURES_DIR, "content"), path.join(root, "content"), { recursive: true });
  if (options.images) {
    await cp(path.join(FIXTURES_DIR, "public/images"), path.join(root, "public/images"), { recursive: true });
  }
}

/** A new temp folder holding a copy of the fixture `content/`; `remove` deletes it. */
export async function makeContentRoot(prefix = "staffroom-content-"): Promise<{
  root: string;
  remove: () => Promise<void>;
}> {
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  await copyFixtureContent(root);
  return { root, remove: () => rm(root, { recursive: true, force: true, maxRetries: 3 }) };
}
