import { eq, inArray, like } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { redirects } from "../../db/schema";

/**
 * Old addresses of imported posts and comments (Blogger `/2013/06/slug.html`,
 * `…?showComment=1371234567890#c123`, WordPress `/?p=42`, `/2013/06/14/slug/`),
 * kept so links to the old site land on the new post or comment permalink.
 * A path is stored site-relative, without a trailing slash, with at most one
 * query key: the one that names the thing (`p`, `page_id`, `showComment`).
 */

const NAMING_KEYS = ["showComment", "p", "page_id"] as const;

function trimmedPath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, "") || "/" : pathname;
}

/**
 * The stored form of an old absolute (or site-relative) address, or null when
 * it is not a URL or names only the old home page.
 */
export function oldPathOf(address: string): string | null {
  let url: URL;
  try {
    url = new URL(address, "http://old.invalid");
  } catch {
    return null;
  }
  const pathname = trimmedPath(url.pathname);
  for (const key of NAMING_KEYS) {
    const value = url.searchParams.get(key);
    if (value) return `${pathname}?${key}=${value}`;
  }
  return pathname === "/" ? null : pathname;
}

/** Records that `address` now lives at `target`; an address already recorded keeps its first target. Returns whether it was new. */
export async function recordRedirect(db: Executor, address: string, target: string): Promise<boolean> {
  const oldPath = oldPathOf(address);
  if (!oldPath) return false;
  const added = await db
    .insert(redirects)
    .values({ oldPath, target })
    .onConflictDoNothing()
    .returning({ oldPath: redirects.oldPath });
  return added.length > 0;
}

/**
 * Where an old address now lives, or null: `pathname` and `searchParams` as
 * the request has them. A naming query key is tried first (a comment's
 * `?showComment=` before its post's path).
 */
export async function findRedirect(
  db: Executor,
  pathname: string,
  searchParams: URLSearchParams,
): Promise<string | null> {
  const path = trimmedPath(pathname);
  const candidates: string[] = [];
  for (const key of NAMING_KEYS) {
    const value = searchParams.get(key);
    if (value) candidates.push(`${path}?${key}=${value}`);
  }
  if (path !== "/") candidates.push(path);
  if (candidates.length === 0) return null;
  const rows = await db.select().from(redirects).where(inArray(redirects.oldPath, candidates));
  for (const candidate of candidates) {
    const row = rows.find((r) => r.oldPath === candidate);
    if (row) return row.target;
  }
  return null;
}

/** The target recorded for one stored old path, or null (for reports and tests). */
export async function redirectTarget(db: Executor, oldPath: string): Promise<string | null> {
  const [row] = await db.select({ target: redirects.target }).from(redirects).where(eq(redirects.oldPath, oldPath));
  return row?.target ?? null;
}

/**
 * Every recorded old path that leads to a post (target `/posts/<slug>`), as
 * old path → target: the address book links between imported posts are
 * rewritten with (app/import/links.ts). One entry per old address of an
 * imported post, so its size follows the number of posts, not comments.
 */
export async function postRedirects(db: Executor): Promise<Map<string, string>> {
  const rows = await db
    .select({ oldPath: redirects.oldPath, target: redirects.target })
    .from(redirects)
    .where(like(redirects.target, "/posts/%"));
  return new Map(rows.map((r) => [r.oldPath, r.target]));
}

/**
 * Records many old addresses at once (a thread's comments), in order: an
 * address already recorded, or given twice, keeps its first target. Returns
 * how many were new. Addresses that are not URLs are left out.
 */
export async function recordRedirects(
  db: Executor,
  list: readonly { address: string; target: string }[],
): Promise<number> {
  const rows = list.flatMap(({ address, target }) => {
    const oldPath = oldPathOf(address);
    return oldPath ? [{ oldPath, target }] : [];
  });
  let added = 0;
  for (let at = 0; at < rows.length; at += 500) {
    const inserted = await db
      .insert(redirects)
      .values(rows.slice(at, at + 500))
      .onConflictDoNothing()
      .returning({ oldPath: redirects.oldPath });
    added += inserted.length;
  }
  return added;
}
