import { describe, expect, it } from "vitest";
import {
  adjacentMonths,
  archivePath,
  groupByMonth,
  monthLabel,
  parseArchiveMonth,
  postsInMonth,
} from "~/posts/archive";
import { pageOf, pageWindow, parsePageParam } from "~/posts/paging";
import { tagPath } from "~/discovery/paths";
import { countTags } from "~/posts/tags";

// The archive groups posts by the month written in their calendar date
// ("2026-03-01" is March whatever the time zone: the date is never an instant),
// newest first, with English month names and counts.

const posts = [
  { slug: "a", published: "2026-03-31" },
  { slug: "b", published: "2026-03-01" },
  { slug: "c", published: "2026-02-28" },
  { slug: "d", published: "2025-12-31" },
  { slug: "e", published: "2025-01-01" },
  { slug: "f", published: "2013-06-09" },
];

describe("the archive by month", () => {
  it("lists months with posts, grouped by year, newest first, with counts and English names", () => {
    expect(groupByMonth(posts)).toEqual([
      {
        year: 2026,
        count: 3,
        months: [
          { year: 2026, month: 3, path: "/archive/2026/03", label: "March 2026", count: 2 },
          { year: 2026, month: 2, path: "/archive/2026/02", label: "February 2026", count: 1 },
        ],
      },
      {
        year: 2025,
        count: 2,
        months: [
          { year: 2025, month: 12, path: "/archive/2025/12", label: "December 2025", count: 1 },
          { year: 2025, month: 1, path: "/archive/2025/01", label: "January 2025", count: 1 },
        ],
      },
      {
        year: 2013,
        count: 1,
        months: [{ year: 2013, month: 6, path: "/archive/2013/06", label: "June 2013", count: 1 }],
      },
    ]);
  });

  it("does not depend on the order posts come in, and leaves out unreadable dates", () => {
    const shuffled = [
      posts[4],
      posts[0],
      { slug: "x", published: "not a date" },
      posts[5],
      posts[2],
      posts[1],
      posts[3],
    ];
    expect(groupByMonth(shuffled)).toEqual(groupByMonth(posts));
    expect(groupByMonth([])).toEqual([]);
  });

  it("puts the first and last days of a month in that month (no time zone shift)", () => {
    const originalTz = process.env.TZ;
    process.env.TZ = "Pacific/Honolulu";
    try {
      expect(postsInMonth(posts, 2026, 3).map((p) => p.slug)).toEqual(["a", "b"]);
      expect(postsInMonth(posts, 2025, 12).map((p) => p.slug)).toEqual(["d"]);
      expect(postsInMonth(posts, 2026, 4)).toEqual([]);
    } finally {
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    }
  });

  it("reads only /archive/<4 digits>/<01–12> as a month", () => {
    expect(parseArchiveMonth("2026", "03")).toEqual({ year: 2026, month: 3 });
    expect(parseArchiveMonth("2026", "12")).toEqual({ year: 2026, month: 12 });
    for (const [y, m] of [
      ["2026", "3"],
      ["2026", "13"],
      ["2026", "00"],
      ["26", "03"],
      ["02026", "03"],
      ["2026x", "03"],
      ["2026", "0x"],
      ["0000", "01"],
      ["２０２６", "03"],
      [undefined, "03"],
      ["2026", undefined],
    ]) {
      expect(parseArchiveMonth(y, m), `${y}/${m}`).toBeNull();
    }
  });

  it("names months and their addresses, and refuses non-months", () => {
    expect(monthLabel(2026, 3)).toBe("March 2026");
    expect(monthLabel(2013, 6)).toBe("June 2013");
    expect(archivePath(2026, 3)).toBe("/archive/2026/03");
    expect(() => monthLabel(2026, 13)).toThrow(RangeError);
    expect(() => archivePath(2026, 0)).toThrow(RangeError);
  });

  it("links a month to the nearest older and newer months that have posts, skipping empty ones", () => {
    const years = groupByMonth(posts);
    const label = (m: { label: string } | null) => m?.label ?? null;
    const around = (y: number, m: number) => {
      const { previous, next } = adjacentMonths(years, y, m);
      return [label(previous), label(next)];
    };
    expect(around(2026, 3)).toEqual(["February 2026", null]);
    expect(around(2026, 2)).toEqual(["December 2025", "March 2026"]);
    expect(around(2025, 1)).toEqual(["June 2013", "December 2025"]);
    expect(around(2013, 6)).toEqual([null, "January 2025"]);
    expect(around(2020, 5)).toEqual(["June 2013", "January 2025"]);
  });
});

describe("the tag index", () => {
  const tagged = [
    { tags: ["coaching", "R&D planning", "Éducation"] },
    { tags: ["Coaching", "coaching", "edtech"] },
    { tags: ["coaching", "zebra", "edtech"] },
    { tags: ["Édition", "10 tips", "9 tips"] },
  ];

  it("counts each tag's posts (a tag repeated on a post counts once) and sorts by name ignoring case and accents", () => {
    expect(countTags(tagged)).toEqual([
      { name: "9 tips", count: 1 },
      { name: "10 tips", count: 1 },
      { name: "Coaching", count: 1 },
      { name: "coaching", count: 3 },
      { name: "Édition", count: 1 },
      { name: "edtech", count: 2 },
      { name: "Éducation", count: 1 },
      { name: "R&D planning", count: 1 },
      { name: "zebra", count: 1 },
    ]);
  });

  it("sorts by number of posts, ties by name", () => {
    expect(countTags(tagged, "count").slice(0, 4)).toEqual([
      { name: "coaching", count: 3 },
      { name: "edtech", count: 2 },
      { name: "9 tips", count: 1 },
      { name: "10 tips", count: 1 },
    ]);
  });

  it("addresses tags with spaces, & and Unicode safely", () => {
    expect(tagPath("R&D planning")).toBe("/tags/R%26D%20planning");
    expect(tagPath("Éducation")).toBe("/tags/%C3%89ducation");
    expect(tagPath("a/b?c#d")).toBe("/tags/a%2Fb%3Fc%23d");
  });
});

describe("pages of a list", () => {
  const items = Array.from({ length: 45 }, (_, i) => i + 1);

  it("cuts a list into pages of 20 and refuses pages beyond the last", () => {
    expect(pageOf(items, 1)).toMatchObject({ page: 1, pageCount: 3, total: 45, first: 1, items: items.slice(0, 20) });
    expect(pageOf(items, 3)).toMatchObject({ first: 41, items: [41, 42, 43, 44, 45] });
    expect(pageOf(items, 4)).toBeNull();
    expect(pageOf(items, 0)).toBeNull();
    expect(pageOf([], 1)).toMatchObject({ page: 1, pageCount: 1, total: 0, first: 0, items: [] });
  });

  it("reads ?page= strictly", () => {
    expect(parsePageParam(null)).toEqual({ ok: true, page: 1 });
    expect(parsePageParam("7")).toEqual({ ok: true, page: 7 });
    for (const bad of ["0", "-1", "2.5", "abc", "", "01", "1e3", "99999999", " 2"]) {
      expect(parsePageParam(bad), bad).toEqual({ ok: false });
    }
  });

  it("shows the first, last and neighbouring page numbers with gaps", () => {
    expect(pageWindow(8, 50)).toEqual([1, null, 6, 7, 8, 9, 10, null, 50]);
    expect(pageWindow(1, 3)).toEqual([1, 2, 3]);
    expect(pageWindow(4, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pageWindow(1, 1)).toEqual([1]);
  });
});
