import { describe, expect, it } from "vitest";
import {
  anchorFor,
  buildThread,
  flattenThread,
  parseCommentNumber,
  type ThreadInput,
  type ThreadNode,
} from "~/comments/thread";

// Expectations below come from docs/architecture.md §3 (threads) and §4 (split submissions):
// top-level comments numbered 1, 2, 3… in publication order, replies numbered
// within their parent (9.1, 9.2, 9.2.1); numbers never change; removed
// comments become tombstones keeping number and replies; display nesting is
// capped at maxDepth, deeper replies drawn at that depth "in reply to NAME
// (number)"; oldest first; every comment has a permalink anchor; parts of a
// split submission are consecutive siblings "Part k of n" linked to each other.

type Row = ThreadInput;

/**
 * A tiny thread builder: comments are added in publication order (ids rise),
 * and each sibling gets the next position under its parent, as the comment
 * service assigns them.
 */
class ThreadRows {
  rows: Row[] = [];
  private nextId = 1;
  private nextPosition = new Map<number | null, number>();
  private submissions = 0;

  /** Adds one comment; returns its id. */
  add(parentId: number | null, displayName: string, extra: Partial<Row> = {}): number {
    const position = (this.nextPosition.get(parentId) ?? 0) + 1;
    this.nextPosition.set(parentId, position);
    const id = this.nextId++;
    this.rows.push({
      id,
      parentId,
      position,
      displayName,
      removed: false,
      submissionId: `sub-${++this.submissions}`,
      partIndex: 1,
      partCount: 1,
      ...extra,
    });
    return id;
  }

  /** Adds one submission split into `count` consecutive sibling parts; returns their ids. */
  addSplit(parentId: number | null, displayName: string, count: number): number[] {
    const submissionId = `split-${++this.submissions}`;
    const ids: number[] = [];
    for (let k = 1; k <= count; k++) {
      ids.push(this.add(parentId, displayName, { submissionId, partIndex: k, partCount: count }));
    }
    return ids;
  }

  byId(id: number): Row {
    return this.rows.find((r) => r.id === id)!;
  }
}

/** The demo post's shape (see the brief): 16 top-level comments, replies on 9, 10 and 16. */
function demoThread() {
  const t = new ThreadRows();
  const top: number[] = [];
  for (let n = 1; n <= 16; n++) top.push(t.add(null, `Person ${n}`));
  const [part1, part2] = t.addSplit(top[8], "Rosa", 2); // 9.1, 9.2
  const third = t.add(top[8], "Sam"); // 9.3
  const fourth = t.add(top[8], "Tess"); // 9.4
  const tenReply = t.add(top[9], "Uma"); // 10.1
  const sixteenReply = t.add(top[15], "Vic"); // 16.1
  return { t, top, part1, part2, third, fourth, tenReply, sixteenReply };
}

/** A chain 1 → 1.1 → 1.1.1 → … of `length` comments, each replying to the previous. */
function chain(length: number) {
  const t = new ThreadRows();
  const ids: number[] = [];
  let parent: number | null = null;
  for (let i = 1; i <= length; i++) {
    parent = t.add(parent, `Level ${i}`);
    ids.push(parent);
  }
  return { t, ids };
}

const numbersOf = <T extends ThreadInput>(nodes: readonly ThreadNode<T>[]) => nodes.map((n) => n.number);

function nodeByNumber<T extends ThreadInput>(roots: ThreadNode<T>[], number: string): ThreadNode<T> {
  const node = flattenThread(roots).find((n) => n.number === number);
  if (!node) throw new Error(`no comment numbered ${number}`);
  return node;
}

/** Every drawn child is exactly one level deeper than the node it is drawn under; roots at 1. */
function expectConsistentDrawing<T extends ThreadInput>(roots: ThreadNode<T>[], maxDepth: number) {
  for (const root of roots) expect(root.displayDepth).toBe(1);
  for (const node of flattenThread(roots)) {
    expect(node.displayDepth).toBeLessThanOrEqual(maxDepth);
    expect(node.displayDepth).toBe(Math.min(node.depth, maxDepth));
    for (const child of node.children) expect(child.displayDepth).toBe(node.displayDepth + 1);
  }
}

/** Deterministic shuffle (mulberry32) so a failure can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("buildThread: the demo thread", () => {
  const demo = demoThread();
  const roots = buildThread(demo.t.rows, 4);

  it("numbers the 16 top-level comments 1 to 16 in publication order", () => {
    expect(numbersOf(roots)).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1)));
    expect(roots.map((n) => n.comment.displayName)).toEqual(Array.from({ length: 16 }, (_, i) => `Person ${i + 1}`));
    for (const root of roots) {
      expect(root.depth).toBe(1);
      expect(root.inReplyTo).toBeNull();
    }
  });

  it("numbers replies within their parent: 9.1–9.4, 10.1, 16.1", () => {
    expect(numbersOf(nodeByNumber(roots, "9").children)).toEqual(["9.1", "9.2", "9.3", "9.4"]);
    expect(numbersOf(nodeByNumber(roots, "10").children)).toEqual(["10.1"]);
    expect(numbersOf(nodeByNumber(roots, "16").children)).toEqual(["16.1"]);
    for (const n of ["1", "2", "3", "4", "5", "6", "7", "8", "11", "12", "13", "14", "15"]) {
      expect(nodeByNumber(roots, n).children).toEqual([]);
    }
    expect(nodeByNumber(roots, "9.3").comment.displayName).toBe("Sam");
    expect(nodeByNumber(roots, "9.4").comment.displayName).toBe("Tess");
    expect(nodeByNumber(roots, "10.1").comment.displayName).toBe("Uma");
    expect(nodeByNumber(roots, "16.1").comment.displayName).toBe("Vic");
    for (const n of ["9.1", "9.2", "9.3", "9.4", "10.1", "16.1"]) {
      const node = nodeByNumber(roots, n);
      expect(node.depth).toBe(2);
      expect(node.displayDepth).toBe(2);
      expect(node.inReplyTo).toBeNull();
    }
  });

  it("reads oldest first, each reply right after its parent", () => {
    expect(numbersOf(flattenThread(roots))).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "9.1",
      "9.2",
      "9.3",
      "9.4",
      "10",
      "10.1",
      "11",
      "12",
      "13",
      "14",
      "15",
      "16",
      "16.1",
    ]);
    expect(flattenThread(roots)).toHaveLength(demo.t.rows.length);
  });

  it("labels the split first reply as Part 1 of 2 and Part 2 of 2, linked to each other", () => {
    const p1 = nodeByNumber(roots, "9.1");
    const p2 = nodeByNumber(roots, "9.2");
    expect(p1.comment.id).toBe(demo.part1);
    expect(p2.comment.id).toBe(demo.part2);
    expect(p1.parts).toMatchObject({ index: 1, count: 2, previousAnchor: null, nextAnchor: "comment-9-2" });
    expect(p2.parts).toMatchObject({ index: 2, count: 2, previousAnchor: "comment-9-1", nextAnchor: null });
    expect(p1.parts!.anchors).toEqual(["comment-9-1", "comment-9-2"]);
    expect(p2.parts!.anchors).toEqual(["comment-9-1", "comment-9-2"]);
  });

  it("gives comments that were not split no part links", () => {
    for (const node of flattenThread(roots)) {
      if (node.number === "9.1" || node.number === "9.2") continue;
      expect(node.parts, node.number).toBeNull();
    }
  });

  it("gives every comment a unique permalink anchor that leads back to its number", () => {
    const nodes = flattenThread(roots);
    const anchors = nodes.map((n) => n.anchor);
    expect(new Set(anchors).size).toBe(anchors.length);
    expect(nodeByNumber(roots, "9.2").anchor).toBe("comment-9-2");
    expect(nodeByNumber(roots, "16").anchor).toBe("comment-16");
    for (const node of nodes) {
      expect(node.anchor).toMatch(/^[A-Za-z][\w-]*$/); // a valid, selector-friendly HTML id
      expect(parseCommentNumber(node.anchor)).toBe(node.number);
    }
  });

  it("keeps every number when a later comment is added (numbers never change once shown)", () => {
    const before = new Map(flattenThread(roots).map((n) => [n.comment.id, n.number]));
    const more = demoThread();
    more.t.add(more.top[8], "Late"); // 9.5
    more.t.add(more.part2, "Later"); // 9.2.1
    more.t.add(null, "Last"); // 17
    const after = buildThread(more.t.rows, 4);
    for (const node of flattenThread(after)) {
      if (before.has(node.comment.id)) expect(node.number).toBe(before.get(node.comment.id));
    }
    expect(nodeByNumber(after, "9.5").comment.displayName).toBe("Late");
    expect(nodeByNumber(after, "9.2.1").comment.displayName).toBe("Later");
    expect(nodeByNumber(after, "17").comment.displayName).toBe("Last");
  });

  it("gives the same thread whatever order the rows arrive in", () => {
    for (const seed of [1, 2, 3, 42, 2013]) {
      const rows = shuffled(demo.t.rows, seed);
      expect(rows.map((r) => r.id)).not.toEqual(demo.t.rows.map((r) => r.id));
      expect(buildThread(rows, 4)).toEqual(roots);
    }
    expect(buildThread([...demo.t.rows].reverse(), 4)).toEqual(roots);
  });

  it("does not change the rows it is given", () => {
    const rows = demoThread().t.rows;
    const copy = structuredClone(rows);
    buildThread(rows, 4);
    expect(rows).toEqual(copy);
  });
});

describe("buildThread: replies deeper than the maximum depth", () => {
  it("draws levels 5 and 6 of a chain at depth 4, right after their parent, naming the real parent", () => {
    const { t, ids } = chain(6);
    const roots = buildThread(t.rows, 4);

    // Never moved to the top level, never dropped.
    expect(numbersOf(roots)).toEqual(["1"]);
    const all = flattenThread(roots);
    expect(all).toHaveLength(6);
    expect(numbersOf(all)).toEqual(["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.1.1", "1.1.1.1.1.1"]);

    const fifth = nodeByNumber(roots, "1.1.1.1.1");
    const sixth = nodeByNumber(roots, "1.1.1.1.1.1");
    expect(fifth.comment.id).toBe(ids[4]);
    expect(sixth.comment.id).toBe(ids[5]);
    expect(fifth.depth).toBe(5);
    expect(sixth.depth).toBe(6);
    expect(fifth.displayDepth).toBe(4);
    expect(sixth.displayDepth).toBe(4);

    expect(fifth.inReplyTo).toEqual({
      name: "Level 4",
      number: "1.1.1.1",
      anchor: "comment-1-1-1-1",
      removed: false,
    });
    expect(sixth.inReplyTo).toEqual({
      name: "Level 5",
      number: "1.1.1.1.1",
      anchor: "comment-1-1-1-1-1",
      removed: false,
    });

    // Comments within the limit are simply nested, with no "in reply to".
    for (const n of ["1", "1.1", "1.1.1", "1.1.1.1"]) expect(nodeByNumber(roots, n).inReplyTo).toBeNull();

    // Levels 4, 5 and 6 are all drawn under 1.1.1, in that order.
    expect(numbersOf(nodeByNumber(roots, "1.1.1").children)).toEqual(["1.1.1.1", "1.1.1.1.1", "1.1.1.1.1.1"]);
    expectConsistentDrawing(roots, 4);
  });

  it("keeps reading order when deep replies branch", () => {
    const { t, ids } = chain(4); // 1 → 1.1 → 1.1.1 → 1.1.1.1
    const a = t.add(ids[3], "Ann"); // 1.1.1.1.1
    t.add(ids[3], "Ben"); // 1.1.1.1.2
    t.add(a, "Cal"); // 1.1.1.1.1.1 (posted after Ben, but replies to Ann)
    t.add(ids[2], "Dee"); // 1.1.1.2
    t.add(null, "Eve"); // 2
    const roots = buildThread(t.rows, 4);

    expect(numbersOf(roots)).toEqual(["1", "2"]);
    expect(numbersOf(flattenThread(roots))).toEqual([
      "1",
      "1.1",
      "1.1.1",
      "1.1.1.1",
      "1.1.1.1.1",
      "1.1.1.1.1.1",
      "1.1.1.1.2",
      "1.1.1.2",
      "2",
    ]);
    expect(nodeByNumber(roots, "1.1.1.1.1").inReplyTo).toMatchObject({ name: "Level 4", number: "1.1.1.1" });
    expect(nodeByNumber(roots, "1.1.1.1.2").inReplyTo).toMatchObject({ name: "Level 4", number: "1.1.1.1" });
    expect(nodeByNumber(roots, "1.1.1.1.1.1").inReplyTo).toMatchObject({ name: "Ann", number: "1.1.1.1.1" });
    expect(nodeByNumber(roots, "1.1.1.2").inReplyTo).toBeNull();
    expectConsistentDrawing(roots, 4);
  });

  it("honours a configured maximum depth of 2", () => {
    const { t } = chain(4);
    const roots = buildThread(t.rows, 2);
    expect(numbersOf(roots)).toEqual(["1"]);
    expect(numbersOf(flattenThread(roots))).toEqual(["1", "1.1", "1.1.1", "1.1.1.1"]);
    expect(nodeByNumber(roots, "1.1").inReplyTo).toBeNull();
    expect(nodeByNumber(roots, "1.1.1").inReplyTo).toMatchObject({ name: "Level 2", number: "1.1" });
    expect(nodeByNumber(roots, "1.1.1.1").inReplyTo).toMatchObject({ name: "Level 3", number: "1.1.1" });
    expectConsistentDrawing(roots, 2);
  });

  it("nests everything when the chain fits the maximum depth", () => {
    const { t } = chain(6);
    const roots = buildThread(t.rows, 6);
    const all = flattenThread(roots);
    for (const node of all) {
      expect(node.inReplyTo).toBeNull();
      expect(node.displayDepth).toBe(node.depth);
    }
    expectConsistentDrawing(roots, 6);
  });

  it("handles a very long chain (50 levels) without losing or lifting any reply", () => {
    const { t } = chain(50);
    const roots = buildThread(t.rows, 4);
    expect(roots).toHaveLength(1);
    const all = flattenThread(roots);
    expect(all).toHaveLength(50);
    expect(all[49].number).toBe(Array(50).fill("1").join("."));
    expect(all[49].displayDepth).toBe(4);
    expect(all[49].inReplyTo).toMatchObject({ name: "Level 49", number: Array(49).fill("1").join(".") });
    expectConsistentDrawing(roots, 4);
  });

  it("gives the same deep thread whatever order the rows arrive in", () => {
    const { t, ids } = chain(6);
    t.add(ids[4], "Side"); // 1.1.1.1.1.2
    t.add(ids[1], "Other"); // 1.1.2
    const expected = buildThread(t.rows, 4);
    for (const seed of [7, 8, 9]) expect(buildThread(shuffled(t.rows, seed), 4)).toEqual(expected);
  });
});

describe("buildThread: tombstones", () => {
  it("keeps a removed comment's number and its replies", () => {
    const demo = demoThread();
    demo.t.byId(demo.top[8]).removed = true; // comment 9 removed
    const roots = buildThread(demo.t.rows, 4);

    expect(numbersOf(roots)).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1)));
    const nine = nodeByNumber(roots, "9");
    expect(nine.comment.removed).toBe(true);
    expect(nine.anchor).toBe("comment-9");
    expect(numbersOf(nine.children)).toEqual(["9.1", "9.2", "9.3", "9.4"]);
    expect(flattenThread(roots)).toHaveLength(demo.t.rows.length);
    // The parts under it still link to each other.
    expect(nodeByNumber(roots, "9.1").parts).toMatchObject({ index: 1, count: 2, nextAnchor: "comment-9-2" });
  });

  it("does not renumber later comments when an earlier one is removed", () => {
    const demo = demoThread();
    const before = flattenThread(buildThread(demo.t.rows, 4)).map((n) => [n.comment.id, n.number]);
    demo.t.byId(demo.top[2]).removed = true; // 3
    demo.t.byId(demo.third).removed = true; // 9.3
    const after = flattenThread(buildThread(demo.t.rows, 4)).map((n) => [n.comment.id, n.number]);
    expect(after).toEqual(before);
  });

  it("keeps both parts of a removed split submission in place", () => {
    const demo = demoThread();
    demo.t.byId(demo.part1).removed = true;
    demo.t.byId(demo.part2).removed = true;
    const roots = buildThread(demo.t.rows, 4);
    expect(numbersOf(nodeByNumber(roots, "9").children)).toEqual(["9.1", "9.2", "9.3", "9.4"]);
    expect(nodeByNumber(roots, "9.3").comment.displayName).toBe("Sam");
  });

  it("says 'in reply to' a removed comment without leaking its name", () => {
    const { t, ids } = chain(6);
    const fourth = t.byId(ids[3]);
    fourth.removed = true;
    fourth.displayName = "Secret Sally"; // even if the row still carries the name
    const roots = buildThread(t.rows, 4);

    const tomb = nodeByNumber(roots, "1.1.1.1");
    expect(tomb.comment.removed).toBe(true);
    const fifth = nodeByNumber(roots, "1.1.1.1.1");
    expect(fifth.displayDepth).toBe(4);
    expect(fifth.inReplyTo).not.toBeNull();
    expect(fifth.inReplyTo!.removed).toBe(true);
    expect(fifth.inReplyTo!.number).toBe("1.1.1.1");
    expect(fifth.inReplyTo!.anchor).toBe("comment-1-1-1-1");
    expect(fifth.inReplyTo!.name).toMatch(/removed/i);
    expect(JSON.stringify(fifth.inReplyTo)).not.toContain("Sally");
    // The sixth level replies to a comment that was not removed: named as usual.
    expect(nodeByNumber(roots, "1.1.1.1.1.1").inReplyTo).toMatchObject({ name: "Level 5", removed: false });
  });

  it("says 'in reply to' a removed comment when the name was already blanked", () => {
    const { t, ids } = chain(5);
    const fourth = t.byId(ids[3]);
    fourth.removed = true;
    fourth.displayName = ""; // as the comment service passes tombstones
    const roots = buildThread(t.rows, 4);
    const inReplyTo = nodeByNumber(roots, "1.1.1.1.1").inReplyTo!;
    expect(inReplyTo.removed).toBe(true);
    expect(inReplyTo.name).toMatch(/removed/i);
    expect(inReplyTo.number).toBe("1.1.1.1");
  });
});

describe("buildThread: maximum depth setting", () => {
  it.each([1, 0, -1, 2.5, Number.NaN])("rejects maxDepth %s with a RangeError", (maxDepth) => {
    expect(() => buildThread(chain(3).t.rows, maxDepth)).toThrow(RangeError);
    expect(() => buildThread([], maxDepth)).toThrow(RangeError);
  });

  it("accepts maxDepth 2 and the default 4", () => {
    expect(() => buildThread(chain(3).t.rows, 2)).not.toThrow();
    expect(() => buildThread(chain(3).t.rows, 4)).not.toThrow();
  });

  it("returns an empty thread for a post with no comments", () => {
    expect(buildThread([], 4)).toEqual([]);
    expect(flattenThread([])).toEqual([]);
  });
});

describe("anchorFor and parseCommentNumber", () => {
  it.each([
    ["9", "comment-9"],
    ["9.2", "comment-9-2"],
    ["9.2.1", "comment-9-2-1"],
    ["16.1", "comment-16-1"],
    ["10.12.3", "comment-10-12-3"],
  ])("anchorFor(%s) is %s", (number, anchor) => {
    expect(anchorFor(number)).toBe(anchor);
  });

  it.each([
    ["comment-9-2-1", "9.2.1"],
    ["9.2.1", "9.2.1"],
    ["9-2-1", "9.2.1"],
    ["comment-9", "9"],
    ["16.1", "16.1"],
    ["comment-10-12-3", "10.12.3"],
  ])("parseCommentNumber(%j) is %j", (input, expected) => {
    expect(parseCommentNumber(input)).toBe(expected);
  });

  it("round-trips numbers through anchors", () => {
    for (const number of ["1", "9", "9.1", "9.2.1", "9.2.1.3", "10.1", "123.45.6", "1.2.3.4.5.6.7.8.9.10"]) {
      expect(parseCommentNumber(anchorFor(number))).toBe(number);
    }
  });

  it.each([
    "0",
    "9..1",
    "abc",
    "-1",
    "comment-",
    "",
    "9.0",
    "09",
    "9.",
    ".9",
    "9.-1",
    "comment-9-",
    "comment--9",
    "comment-abc",
    "9.2a",
    "1e3",
    " 9",
    "9 ",
    "comment-9-2-1<script>",
  ])("rejects junk %j", (junk) => {
    expect(parseCommentNumber(junk)).toBeNull();
  });

  it("rejects huge lists quickly", () => {
    const huge = [
      Array(10_000).fill("1").join("."),
      `comment-${Array(10_000).fill("1").join("-")}`,
      `${Array(100_000).fill("1").join(".")}.`,
      `${"1.".repeat(50_000)}x`,
      "9".repeat(100_000),
    ];
    const started = performance.now();
    for (const value of huge) expect(parseCommentNumber(value)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
