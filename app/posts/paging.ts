/**
 * Pages of a long list (posts on the home page, a tag or a month, search
 * results): `?page=n`, 1-based, a fixed number of items a page.
 *
 * Pure: no Node or DOM APIs.
 */

/** Posts or results a page shows. */
export const ITEMS_PER_PAGE = 20;

export type PageRequest =
  | { ok: true; page: number }
  /** `?page=` was there but is not a whole number from 1 to 1,000,000 (e.g. "0", "-1", "2.5", "abc"). */
  | { ok: false };

/** Reads `?page=`: missing means page 1; anything but digits 1–1,000,000 is refused. */
export function parsePageParam(value: string | null): PageRequest {
  if (value === null) return { ok: true, page: 1 };
  if (!/^[1-9]\d{0,6}$/.test(value) || Number(value) > 1_000_000) return { ok: false };
  return { ok: true, page: Number(value) };
}

export interface Page<T> {
  items: T[];
  /** 1-based. */
  page: number;
  /** At least 1 (an empty list has one, empty, page). */
  pageCount: number;
  total: number;
  /** 1-based position of the page's first item (0 when the list is empty). */
  first: number;
}

/**
 * Page `page` of `items`, or null when there is no such page (beyond the
 * last; page 1 always exists).
 */
export function pageOf<T>(items: readonly T[], page: number, perPage = ITEMS_PER_PAGE): Page<T> | null {
  const pageCount = Math.max(1, Math.ceil(items.length / perPage));
  if (!Number.isInteger(page) || page < 1 || page > pageCount) return null;
  const start = (page - 1) * perPage;
  return {
    items: items.slice(start, start + perPage),
    page,
    pageCount,
    total: items.length,
    first: items.length === 0 ? 0 : start + 1,
  };
}

/**
 * The page numbers a page navigation shows: the first, the last, and the
 * current page with `around` neighbours on each side; `null` marks a gap
 * ("…"). [1, null, 7, 8, 9, null, 50] for page 8 of 50.
 */
export function pageWindow(page: number, pageCount: number, around = 2): (number | null)[] {
  const shown = new Set<number>([1, pageCount]);
  for (let n = page - around; n <= page + around; n++) if (n >= 1 && n <= pageCount) shown.add(n);
  const numbers = [...shown].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  numbers.forEach((n, i) => {
    if (i > 0 && n - numbers[i - 1] > 1) out.push(n - numbers[i - 1] === 2 ? n - 1 : null);
    out.push(n);
  });
  return out;
}
