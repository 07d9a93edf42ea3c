import { cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { comments } from "../../db/schema";
import { submitComment } from "~/comments/submission.server";
import { listThread } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import { commentRulesOf } from "~/comments/validation";
import { exportChunks } from "~/export/export.server";
import { applyImport } from "~/import/apply.server";
import { parseExport } from "~/import/formats/parse";
import { siteConverters } from "~/import/site-converters";
import { moderate } from "~/moderation/queue.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { describeEachDatabase, resetComments } from "../support/databases";

// Staffroom's WXR export hangs a reply under a removed comment on its nearest
// published ancestor (WordPress shows no reply under trash) and keeps the true
// parent in a `staffroom_parent` commentmeta. Imported back into Staffroom,
// the reply hangs under the tombstone again, where it was.

const SLUG = "what-does-a-technology-coach-do";

describeEachDatabase("WXR import reads staffroom_parent", (db) => {
  const siteRoot = process.env.CONTENT_ROOT!;
  let freshRoot: string;

  beforeAll(async () => {
    const rules = commentRulesOf(await getSiteSettings());
    const post = async (name: string, body: string, at: string, parentId?: number) => {
      const result = await submitComment(
        db(),
        { slug: SLUG, commentsOpen: true },
        rules,
        { name, body, parentId },
        { at: new Date(at) },
      );
      if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
      return result.comments[0];
    };
    const top = await post("Ada Top", "A first comment.", "2020-01-01T10:00:00Z");
    const removed = await post("Ben Removed", "Soon removed.", "2020-01-02T10:00:00Z", top.id);
    const reply = await post("Cleo Reply", "A reply to a comment removed later.", "2020-01-03T10:00:00Z", removed.id);
    await post("Finn Deep", "A reply to Cleo.", "2020-01-04T10:00:00Z", reply.id);
    expect(await moderate(db(), { all: true }, [removed.submissionId], "remove")).toBe(1);
    let wxr = "";
    for await (const chunk of exportChunks(db(), "wxr")) wxr += chunk;

    // A fresh site: no comments, no import history, no posts.
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, outbox`);
    freshRoot = await mkdtemp(path.join(tmpdir(), "staffroom-parent-"));
    await cp(path.join(siteRoot, "content"), path.join(freshRoot, "content"), { recursive: true });
    for (const f of await readdir(path.join(freshRoot, "content/posts"))) {
      await rm(path.join(freshRoot, "content/posts", f), { recursive: true });
    }
    await mkdir(path.join(freshRoot, "content/posts"), { recursive: true });
    process.env.CONTENT_ROOT = freshRoot;
    await applyImport(
      db(),
      freshRoot,
      async (handlers) => {
        await parseExport(Readable.from([wxr]), handlers);
      },
      { authorSlug: "morgan-ellery", converters: siteConverters },
    );
  });
  afterAll(async () => {
    process.env.CONTENT_ROOT = siteRoot;
    await rm(freshRoot, { recursive: true, force: true });
  });

  it("hangs a reply under the removed comment it answered, kept as a tombstone in its place", async () => {
    const nodes = flattenThread(await listThread(db(), SLUG, 6));
    expect(nodes.map((n) => [n.number, n.comment.removed ? "(removed)" : n.comment.displayName])).toEqual([
      ["1", "Ada Top"],
      ["1.1", "(removed)"],
      ["1.1.1", "Cleo Reply"],
      ["1.1.1.1", "Finn Deep"],
    ]);
    const rows = await db().select().from(comments).where(eq(comments.postSlug, SLUG));
    expect(rows.find((c) => c.status === "removed")?.removedAt).not.toBeNull();
  });
});
