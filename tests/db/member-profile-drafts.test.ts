import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { createAccount } from "~/auth/accounts.server";
import { memberProfile } from "~/auth/member-profile.server";
import { submitComment } from "~/comments/submission.server";
import { commentRulesOf } from "~/comments/validation";
import { reportToModerators } from "~/moderation/report-comment.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { describeEachDatabase } from "../support/databases";

/**
 * A member's public profile lists their comments with the posts' titles; a
 * post unpublished after it was discussed (turned back into a draft) or
 * dated later must not show there, title or words (docs/decisions/0048).
 * Nor can readers report its comments: for them the comment is not there.
 */

const DEMO_SLUG = "what-does-a-technology-coach-do";
const DRAFT_SLUG = "taken-back-for-edits";

describeEachDatabase("member profiles and hidden posts", (db) => {
  const posts = () => path.join(process.env.CONTENT_ROOT!, "content/posts");
  let memberId: string;
  let hiddenCommentId: number;

  beforeAll(async () => {
    // A copy of the demo post, discussed while it was public, then set back to draft.
    const demo = await readFile(path.join(posts(), `${DEMO_SLUG}.md`), "utf8");
    await writeFile(
      path.join(posts(), `${DRAFT_SLUG}.md`),
      demo.replace(/^title: .*$/m, "title: Taken back for edits").replace(/^(published: .*)$/m, "$1\nstatus: draft"),
    );
    const created = await createAccount(db(), {
      email: "pat.member@example.org",
      displayName: "Pat Member",
      password: "willow harbour lantern 73",
    });
    if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
    memberId = created.value.id;
    const rules = commentRulesOf(await getSiteSettings());
    const identity = { kind: "member" as const, userId: memberId, name: "Pat Member" };
    for (const [slug, body] of [
      [DEMO_SLUG, "Words on the public post."],
      [DRAFT_SLUG, "Words on the post now taken back."],
    ]) {
      const result = await submitComment(db(), { slug, commentsOpen: true }, rules, { body }, { identity });
      if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
      if (slug === DRAFT_SLUG) hiddenCommentId = result.comments[0].id;
    }
  });

  it("lists comments on public posts only", async () => {
    const profile = await memberProfile(db(), memberId);
    expect(profile?.comments.map((c) => [c.postSlug, c.excerpt])).toEqual([[DEMO_SLUG, "Words on the public post."]]);
  });

  it("refuses reports of its comments as not found for readers and members, and files them for staff", async () => {
    const report = (reporterRole: "member" | "admin" | null) =>
      reportToModerators(db(), {
        commentId: hiddenCommentId,
        reason: "",
        reporterUserId: null,
        reporterRole,
        clientAddress: "192.0.2.7",
      });
    expect(await report(null)).toEqual({ kind: "not-found" });
    expect(await report("member")).toEqual({ kind: "not-found" });
    expect((await report("admin")).kind).toBe("reported");
  });
});
