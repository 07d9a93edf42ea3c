import { archiveMonthPath } from "../discovery/paths";

/**
 * The archive: posts grouped by the month of their calendar date.
 *
 * Dates are the calendar dates written on posts ("2026-03-14", see
 * `dates.ts`): the month is read from the string itself, never from an
 * instant, so no time zone can move a post into another month. Month names
 * are English ("March 2026") whatever the server's locale.
 *
 * Pure: takes plain values, no Node or DOM APIs.
 */

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** A month of the archive. */
export interface ArchiveMonth {
  year: number;
  /** 1–12. */
  month: number;
  /** The month's address: "/archive/2026/03". */
  path: string;
  /** "March 2026". */
  label: string;
  /** Posts published in the month. */
  count: number;
}

/** A year of the archive: its months with posts, newest first. */
export interface ArchiveYear {
  year: number;
  /** Posts published in the year. */
  count: number;
  months: ArchiveMonth[];
}

/**
 * "/archive/2026/03" for March 2026 (the site's one rule for it is
 * `archiveMonthPath` in app/discovery/paths.ts). Throws RangeError for a
 * month outside 1–12 or a year outside 1–9999.
 */
export function archivePath(year: number, month: number): string {
  assertMonth(year, month);
  return archiveMonthPath(`${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`);
}

/** "March 2026". Throws RangeError for a month outside 1–12 or a year outside 1–9999. */
export function monthLabel(year: number, month: number): string {
  assertMonth(year, month);
  return `${MONTH_NAMES[month - 1]} ${year}`;
}

function assertMonth(year: number, month: number): void {
  if (!Number.isInteger(year) || year < 1 || year > 9999 || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`Not a month: ${year}-${month}`);
  }
}

/**
 * The year and month of a calendar date "YYYY-MM-DD" (only the first seven
 * characters are read), or null when it does not start with a year and a
 * month 01–12.
 */
function monthOf(isoDate: string): { year: number; month: number } | null {
  const match = /^(\d{4})-(\d{2})/.exec(isoDate);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return year >= 1 && month >= 1 && month <= 12 ? { year, month } : null;
}

/**
 * Reads the `<yyyy>` and `<mm>` of an archive address: exactly four digits
 * and two digits (01–12). Anything else ("3", "2026x", "13") is null, so
 * `/archive/2026/3` is not a second address for March.
 */
export function parseArchiveMonth(
  year: string | undefined,
  month: string | undefined,
): { year: number; month: number } | null {
  if (!year || !month || !/^\d{4}$/.test(year) || !/^\d{2}$/.test(month)) return null;
  const y = Number(year);
  const m = Number(month);
  return y >= 1 && m >= 1 && m <= 12 ? { year: y, month: m } : null;
}

/**
 * The months that have posts, grouped by year, newest year and month first,
 * with counts. Posts whose date has no readable month are left out.
 */
export function groupByMonth(posts: readonly { published: string }[]): ArchiveYear[] {
  const counts = new Map<number, number>(); // year * 100 + month → posts
  for (const post of posts) {
    const when = monthOf(post.published);
    if (when) counts.set(when.year * 100 + when.month, (counts.get(when.year * 100 + when.month) ?? 0) + 1);
  }
  const years: ArchiveYear[] = [];
  for (const key of [...counts.keys()].sort((a, b) => b - a)) {
    const year = Math.floor(key / 100);
    const month = key % 100;
    const count = counts.get(key)!;
    let group = years[years.length - 1];
    if (!group || group.year !== year) {
      group = { year, count: 0, months: [] };
      years.push(group);
    }
    group.count += count;
    group.months.push({ year, month, path: archivePath(year, month), label: monthLabel(year, month), count });
  }
  return years;
}

/** Posts published in a month, in the order given. */
export function postsInMonth<T extends { published: string }>(posts: readonly T[], year: number, month: number): T[] {
  const prefix = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-`;
  return posts.filter((post) => post.published.startsWith(prefix));
}

/**
 * The nearest months with posts before (`previous`, older) and after
 * (`next`, newer) a month, or null at either end. The month itself need not
 * have posts.
 */
export function adjacentMonths(
  years: readonly ArchiveYear[],
  year: number,
  month: number,
): { previous: ArchiveMonth | null; next: ArchiveMonth | null } {
  const key = year * 100 + month;
  let previous: ArchiveMonth | null = null;
  let next: ArchiveMonth | null = null;
  for (const group of years) {
    for (const candidate of group.months) {
      const candidateKey = candidate.year * 100 + candidate.month;
      if (candidateKey < key && (!previous || candidateKey > previous.year * 100 + previous.month))
        previous = candidate;
      if (candidateKey > key && (!next || candidateKey < next.year * 100 + next.month)) next = candidate;
    }
  }
  return { previous, next };
}
