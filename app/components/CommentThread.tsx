import type { SubmissionResult } from "@conform-to/react";
import { Link } from "@remix-run/react";
import type { DisplayComment } from "~/comments/thread-read.server";
import type { ThreadNode } from "~/comments/thread";
import type { CommentRules } from "~/comments/validation";
import { commentEditPath, commentReportPath, memberPath, postPagePath } from "~/discovery/paths";
import { formatInstant } from "~/posts/dates";
import { CommentForm, commentFormId, type CommentViewer } from "./CommentForm";
import { RemoveComment } from "./RemoveComment";
import type { CommentLicenseNotice } from "~/licences/post-licensing";

/**
 * A thank-you to show after a redirect (`?posted=`, `?held=`, `?reported=`
 * with the comment's id): drawn inside that comment, where the redirect's
 * fragment lands, or above the thread when the comment is not on the page.
 */
export interface ThreadNotice {
  kind: "posted" | "held" | "reported";
  /** The comment (its first part) it is about, or null when none is named. */
  commentId: number | null;
}

/** The words of each thank-you. */
export function noticeText(kind: ThreadNotice["kind"]): string {
  switch (kind) {
    case "posted":
      return "Thank you. Your comment is published.";
    case "held":
      return "Thank you. Your comment is awaiting moderation: you can see it here, and everyone will once a moderator approves it.";
    case "reported":
      return "Thank you. The moderators will look at the comment you reported.";
  }
}

/**
 * Whether `notice` is drawn in this comment: the one it names, and for
 * "posted" and "held" only when the reader wrote it (and, for "held", while
 * it is held), so an address naming someone else's comment thanks nobody.
 */
export function noticeBelongsTo(notice: ThreadNotice | null, comment: DisplayComment): boolean {
  if (!notice || notice.commentId !== comment.id) return false;
  if (notice.kind === "reported") return !comment.removed && !comment.pending;
  if (notice.kind === "held") return comment.own && comment.pending;
  return comment.own && !comment.pending;
}

/** What the thread needs to draw reply forms and bring back a failed one. */
export interface ThreadContext {
  /** The post's slug and the page of its thread drawn: links to comments keep the page (issue 11). */
  slug: string;
  page: number;
  /** A thank-you to draw inside the comment it is about. */
  notice: ThreadNotice | null;
  rules: CommentRules;
  commentsOpen: boolean;
  /** The form that failed validation on the last POST, with its result. */
  failed: { formId: string; result: SubmissionResult<string[]>; contactCheck?: string[] } | null;
  viewer: CommentViewer;
  /** A kept draft (after signing in again) and the form it belongs to. */
  draft: { id: string; body: string; formId: string } | null;
  /** The comment whose reply form is open (`?replyTo=<id>`), if any. */
  replyTo: number | null;
  tokens: { idempotencyKey: string; renderedAt: string; member: string | null };
  license: CommentLicenseNotice | null;
  /** The reader moderates this post (its coach, or an admin): may remove any comment. */
  staff: boolean;
}

/** The nested thread (docs/architecture.md §3): numbers, badges, parts, tombstones, reply forms. */
export function CommentThread({ nodes, context }: { nodes: ThreadNode<DisplayComment>[]; context: ThreadContext }) {
  if (nodes.length === 0) return null;
  return (
    <ol className="comment-list">
      {nodes.map((node) => (
        <CommentItem key={node.comment.id} node={node} context={context} />
      ))}
    </ol>
  );
}

/**
 * "Reply to 9" opens the reply form as a page of its own state (`?replyTo=`),
 * like WordPress's replytocom: it works without JavaScript, and the page
 * carries one form rather than one per comment.
 */
function ReplyForm({
  node,
  context,
  failed,
  draft,
}: {
  node: ThreadNode<DisplayComment>;
  context: ThreadContext;
  failed: SubmissionResult<string[]> | null;
  draft: { id: string; body: string } | null;
}) {
  const label = node.parts ? `Reply to ${node.parts.numbers[0]}–${node.number}` : `Reply to ${node.number}`;
  const formId = commentFormId(node.comment.id);
  const open = failed !== null || draft !== null || context.replyTo === node.comment.id;
  if (!open) {
    return (
      <p className="reply-link">
        <Link
          to={postPagePath(context.slug, context.page, formId, { replyTo: String(node.comment.id) })}
          preventScrollReset
          rel="nofollow"
        >
          {label}
        </Link>
      </p>
    );
  }
  return (
    <details className="reply-toggle" open>
      <summary>{label}</summary>
      <CommentForm
        rules={context.rules}
        parentId={node.comment.id}
        lastResult={failed}
        contactCheck={context.failed?.formId === formId ? (context.failed.contactCheck ?? null) : null}
        submitLabel="Post reply"
        viewer={context.viewer}
        draft={draft}
        tokens={context.tokens}
        license={context.license}
        closed={!context.commentsOpen}
      />
      <p className="hint">
        <Link to={postPagePath(context.slug, context.page, node.anchor)} preventScrollReset>
          Cancel
        </Link>
      </p>
    </details>
  );
}

function CommentItem({ node, context }: { node: ThreadNode<DisplayComment>; context: ThreadContext }) {
  const { comment } = node;
  const formId = commentFormId(comment.id);
  const failedHere = context.failed?.formId === formId ? context.failed.result : null;
  const draftHere = context.draft?.formId === formId ? context.draft : null;
  return (
    <li className="comment" id={node.anchor} data-number={node.number}>
      <article aria-labelledby={`${node.anchor}-label`}>
        {noticeBelongsTo(context.notice, comment) ? (
          <p className="notice" role="status">
            {noticeText(context.notice!.kind)}
          </p>
        ) : null}
        <header className="comment-header">
          {comment.pending ? (
            <span className="pending-label" id={`${node.anchor}-label`}>
              Awaiting moderation: only you can see this
            </span>
          ) : (
            <a
              className="comment-number"
              href={`#${node.anchor}`}
              id={`${node.anchor}-label`}
              title="Permalink to this comment"
            >
              {node.number}
            </a>
          )}
          {comment.removed ? null : (
            <>
              <span className="comment-author">
                {comment.userId ? (
                  <a href={memberPath(comment.userId)}>
                    <bdi>{comment.displayName}</bdi>
                  </a>
                ) : comment.website ? (
                  <a href={comment.website} rel="ugc nofollow noopener">
                    <bdi>{comment.displayName}</bdi>
                  </a>
                ) : (
                  <bdi>{comment.displayName}</bdi>
                )}
              </span>
              {comment.authorKind === "author" ? <span className="badge">Author</span> : null}
            </>
          )}
          <time dateTime={comment.createdAt}>{formatInstant(comment.createdAt)}</time>
          {comment.edited && !comment.removed ? <span className="edited-label">edited</span> : null}
          {node.parts ? <span className="part-label">{`Part ${node.parts.index} of ${node.parts.count}`}</span> : null}
        </header>
        {node.inReplyTo ? (
          <p className="in-reply-to">
            in reply to{" "}
            <a href={`#${node.inReplyTo.anchor}`}>
              <bdi>{node.inReplyTo.name}</bdi> ({node.inReplyTo.number})
            </a>
          </p>
        ) : null}
        {comment.removed ? (
          <p className="tombstone">{comment.tombstone}</p>
        ) : (
          <div className="comment-body" dir="auto" dangerouslySetInnerHTML={{ __html: comment.html }} />
        )}
        {node.parts && !comment.removed ? (
          <nav className="part-nav" aria-label={`Parts of comment ${node.number}`}>
            {node.parts.previousAnchor ? (
              <a href={`#${node.parts.previousAnchor}`}>{`← Part ${node.parts.index - 1} of ${node.parts.count}`}</a>
            ) : null}
            {node.parts.nextAnchor ? (
              <a href={`#${node.parts.nextAnchor}`}>{`Part ${node.parts.index + 1} of ${node.parts.count} →`}</a>
            ) : null}
          </nav>
        ) : null}
        {comment.own || (context.staff && !comment.removed) ? (
          <div className="own-actions">
            {comment.editable ? <a href={commentEditPath(comment.id)}>Edit</a> : null}
            <RemoveComment commentId={comment.id} number={comment.pending ? null : node.number} />
          </div>
        ) : null}
        {!comment.removed && !comment.pending && !comment.own ? (
          <details className="report-toggle">
            <summary>Report</summary>
            <form method="post" action={commentReportPath(comment.id)} className="report-form">
              <label htmlFor={`report-${comment.id}`}>What is wrong with this comment? (optional)</label>
              <input type="text" id={`report-${comment.id}`} name="reason" maxLength={500} />
              <button type="submit" className="button small">
                Report to the moderators
              </button>
            </form>
          </details>
        ) : null}
        {/* One reply form per submission, under its last part, so replies follow the whole comment. */}
        {(context.commentsOpen || failedHere) &&
        !comment.pending &&
        (!node.parts || node.parts.index === node.parts.count) ? (
          <ReplyForm node={node} context={context} failed={failedHere} draft={draftHere} />
        ) : null}
      </article>
      <CommentThread nodes={node.children} context={context} />
    </li>
  );
}
