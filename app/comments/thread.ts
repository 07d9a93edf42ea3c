/**
 * Numbering and display of a comment thread (docs/architecture.md §3). Pure: takes the rows
 * of one post, returns the tree the page renders. Shared by server and tests.
 */

/** The fields of a stored comment that threading needs. */
export interface ThreadInput {
  id: number;
  parentId: number | null;
  /** 1-based ordinal among siblings, assigned once when published; null while held. */
  position: number | null;
  displayName: string;
  removed: boolean;
  submissionId: string;
  partIndex: number;
  partCount: number;
}

/** Where a comment of a split submission sits among its parts (docs/architecture.md §4). */
export interface PartLinks {
  index: number;
  count: number;
  /** Anchors of the previous and next parts, or null at the ends. */
  previousAnchor: string | null;
  nextAnchor: string | null;
  /** Anchors of every part in order, for "Part k of n" navigation. */
  anchors: string[];
  /** Numbers of every part in order ("9.1", "9.2"). */
  numbers: string[];
}

/** One comment placed in the displayed thread. */
export interface ThreadNode<T extends ThreadInput> {
  comment: T;
  /** The permanent public number: "9", "9.1", "9.2.1". */
  number: string;
  /** Permalink anchor (an HTML id): "comment-9-2-1". */
  anchor: string;
  /** True depth: 1 for a top-level comment. */
  depth: number;
  /** Depth it is drawn at: min(depth, maxDepth). */
  displayDepth: number;
  /** Set when the comment is drawn shallower than its real parent's child would be. */
  inReplyTo: { name: string; number: string; anchor: string; removed: boolean } | null;
  parts: PartLinks | null;
  /** Comments drawn nested under this one. */
  children: ThreadNode<T>[];
}

/** The anchor for a comment number: "9.2.1" → "comment-9-2-1". */
export function anchorFor(number: string): string {
  return `comment-${number.replaceAll(".", "-")}`;
}

/**
 * Parses a permalink anchor or number ("comment-9-2-1", "9.2.1", "9-2-1") to
 * the canonical number "9.2.1", or null when it is not one.
 */
export function parseCommentNumber(value: string): string | null {
  const bare = value.replace(/^#?comment-/, "").replaceAll("-", ".");
  return /^[1-9]\d{0,8}(\.[1-9]\d{0,8}){0,63}$/.test(bare) ? bare : null;
}

/**
 * Builds the displayed thread from a post's comments (any order).
 * Siblings are ordered by `position` (publication order, which is oldest
 * first with ties broken by id, as positions are assigned in that order).
 * A comment deeper than `maxDepth` is drawn at `maxDepth`, right after the
 * comments it follows in reading order, with `inReplyTo` naming its real
 * parent: never rejected, never moved to the top level (docs/architecture.md §3).
 * Comments whose parent is missing from `rows` are dropped from the tree
 * (the database's foreign key makes that impossible for stored threads).
 *
 * @param maxDepth display nesting limit, at least 2; throws RangeError below.
 */
export function buildThread<T extends ThreadInput>(rows: readonly T[], maxDepth: number): ThreadNode<T>[] {
  if (!Number.isInteger(maxDepth) || maxDepth < 2) {
    throw new RangeError(`maxDepth must be an integer of at least 2, got ${maxDepth}`);
  }
  const childrenOf = new Map<number | null, T[]>();
  for (const row of rows) {
    const list = childrenOf.get(row.parentId) ?? [];
    list.push(row);
    childrenOf.set(row.parentId, list);
  }
  // Held comments (no position yet) come after their published siblings.
  const order = (c: T) => c.position ?? Number.MAX_SAFE_INTEGER;
  for (const list of childrenOf.values()) list.sort((a, b) => order(a) - order(b) || a.id - b.id);

  const partAnchors = new Map<string, { index: number; anchor: string; number: string }[]>();
  const byId = new Map<number, ThreadNode<T>>();

  // First pass: number every comment by walking the true tree.
  const numbered: ThreadNode<T>[] = [];
  const walk = (parentId: number | null, prefix: string, depth: number) => {
    for (const comment of childrenOf.get(parentId) ?? []) {
      // A held comment has no number yet: "" and an anchor by id.
      const number =
        comment.position === null ? "" : prefix ? `${prefix}.${comment.position}` : String(comment.position);
      const node: ThreadNode<T> = {
        comment,
        number,
        anchor: comment.position === null ? `comment-held-${comment.id}` : anchorFor(number),
        depth,
        displayDepth: Math.min(depth, maxDepth),
        inReplyTo: null,
        parts: null,
        children: [],
      };
      byId.set(comment.id, node);
      numbered.push(node);
      if (comment.partCount > 1) {
        const list = partAnchors.get(comment.submissionId) ?? [];
        list.push({ index: comment.partIndex, anchor: node.anchor, number });
        partAnchors.set(comment.submissionId, list);
      }
      walk(comment.id, number, depth + 1);
    }
  };
  walk(null, "", 1);

  // Second pass: attach each node to the node it is drawn under.
  const roots: ThreadNode<T>[] = [];
  for (const node of numbered) {
    const { comment } = node;
    if (comment.partCount > 1) {
      const siblings = (partAnchors.get(comment.submissionId) ?? []).sort((a, b) => a.index - b.index);
      const anchors = siblings.map((p) => p.anchor);
      const at = anchors.indexOf(node.anchor);
      node.parts = {
        index: comment.partIndex,
        count: comment.partCount,
        previousAnchor: at > 0 ? anchors[at - 1] : null,
        nextAnchor: at >= 0 && at < anchors.length - 1 ? anchors[at + 1] : null,
        anchors,
        numbers: siblings.map((p) => p.number),
      };
    }
    if (comment.parentId === null) {
      roots.push(node);
      continue;
    }
    const parent = byId.get(comment.parentId)!;
    if (node.depth <= maxDepth) {
      parent.children.push(node);
      continue;
    }
    // Too deep to indent further: draw it beside its ancestor at maxDepth.
    let host = parent;
    while (host.depth > maxDepth - 1) host = byId.get(host.comment.parentId!)!;
    host.children.push(node);
    node.inReplyTo = {
      name: parent.comment.removed ? "a removed comment" : parent.comment.displayName,
      number: parent.number,
      anchor: parent.anchor,
      removed: parent.comment.removed,
    };
  }
  return roots;
}

/** Every node of a thread in reading order (depth-first), e.g. to count or search. */
export function flattenThread<T extends ThreadInput>(nodes: readonly ThreadNode<T>[]): ThreadNode<T>[] {
  const out: ThreadNode<T>[] = [];
  const visit = (list: readonly ThreadNode<T>[]) => {
    for (const node of list) {
      out.push(node);
      visit(node.children);
    }
  };
  visit(nodes);
  return out;
}
