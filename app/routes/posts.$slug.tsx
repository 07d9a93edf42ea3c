import type { Submission, SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import {
  json,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { requireSameOrigin } from "~/http/same-origin.server";
import { clientAddress } from "~/http/client-address.server";
import { getRequestUser } from "~/http/session.server";
import { z } from "zod";
import { randomToken, sign, unsign } from "~/auth/signing.server";
import { readGuestToken } from "~/comments/guest-token.server";
import { moderatesPost } from "~/moderation/rules";
import { changeFollowing, isFollowingPost } from "~/notifications/subscriptions.server";
import { postComment, type PostCommentOutcome } from "~/comments/post-comment.server";
import { commentIdentityFor } from "~/comments/submission.server";
import { countComments, listThreadPage } from "~/comments/thread-read.server";
import { memberFormField, memberOfFormField, readDraft } from "~/comments/drafts.server";
import { anchorFor, flattenThread } from "~/comments/thread";
import { commentFormSchema, commentRulesOf } from "~/comments/validation";
import { readCommentFormBody } from "~/http/comment-form-body.server";
import { CommentForm, commentFormId, type CommentViewer } from "~/components/CommentForm";
import { CommentThread, noticeBelongsTo, noticeText, type ThreadNotice } from "~/components/CommentThread";
import { Pagination } from "~/components/Pagination";
import { TagList } from "~/components/PostList";
import { getDatabase } from "~/database.server";
import { blogPostingJsonLd, storedCommentLicense } from "~/licences/metadata";
import { postLicensing } from "~/licences/post-licensing";
import { absoluteUrl, postUrl } from "~/site/urls.server";
import { ReusePanel } from "~/components/ReusePanel";
import { ShareLinks } from "~/components/ShareLinks";
import { LicenseNotice } from "~/components/LicenseNotice";
import { pageMeta } from "~/discovery/meta";
import {
  authorPath,
  commentPath,
  postCommentsFeedPath,
  postEditorPath,
  postPagePath,
  postPath,
  signinPath,
} from "~/discovery/paths";
import type { CreditedImage } from "~/licences/post-licensing";
import { formatCalendarDate } from "~/posts/dates";
import { creditedFigureHtml } from "~/posts/body.server";
import { getPostForViewer, getPublicPost } from "~/posts/posts.server";
import { getSiteSettings } from "~/settings/site-settings.server";

const NO_POST = "There is no post at this address.";

/** Comments and follows go only to posts readers may see: a draft or scheduled post is a 404 to every form, staff's too. */
async function requirePublicPost(slug: string | undefined) {
  const post = slug ? await getPublicPost(slug) : null;
  if (!post) throw new Response(NO_POST, { status: 404 });
  return post;
}

// Keeps the action's Retry-After (a rate-limited comment) on the page a
// browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, headers } = await getRequestUser(request);
  // A draft or scheduled post is a preview for coaches and admins, and does not exist for anyone else.
  const found = params.slug ? await getPostForViewer(params.slug, user) : null;
  if (!found || found.kind === "not-found") throw new Response(NO_POST, { status: 404, headers });
  const { post } = found;
  const preview =
    found.kind === "preview"
      ? found.visibility.kind === "draft"
        ? { kind: "draft" as const, date: null }
        : { kind: "scheduled" as const, date: formatCalendarDate(found.visibility.date) }
      : null;
  // A preview is for the person asking only: never kept by a browser's or a proxy's cache.
  if (preview) headers.set("Cache-Control", "private, no-store");
  const site = await getSiteSettings();
  const db = await getDatabase();
  const search = new URL(request.url).searchParams;
  const requestedPage = /^[1-9]\d{0,5}$/.test(search.get("page") ?? "") ? Number(search.get("page")) : 1;
  const {
    nodes: thread,
    page,
    pageCount,
  } = await listThreadPage(
    db,
    post.slug,
    site.maxDisplayDepth,
    {
      userId: user?.id ?? null,
      guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
    },
    requestedPage,
  );
  if (page > pageCount) throw redirect(postPagePath(post.slug, pageCount, "comments"), { headers });
  const identity = commentIdentityFor(user, post.author);
  const viewer: CommentViewer = user
    ? { signedIn: true, displayName: user.displayName, isPostAuthor: identity.kind === "post-author" }
    : { signedIn: false };
  const draftId = search.get("draft");
  const following = user ? await isFollowingPost(db, { postSlug: post.slug, userId: user.id }) : false;
  const replyTo = /^\d{1,9}$/.test(search.get("replyTo") ?? "") ? Number(search.get("replyTo")) : null;
  const kept = user && draftId ? await readDraft(db, draftId, post.slug, user.id) : null;
  const draft = kept ? { id: kept.id, body: kept.body, formId: commentFormId(kept.parentId) } : null;
  const url = postUrl(post.slug, request.url);
  const commentCount = (await countComments(db, [post.slug])).get(post.slug) ?? 0;
  const authorName = post.author?.name ?? site.attributionName;
  const authorUrl = post.author?.links[0]?.url ?? site.attributionUrl;
  const licensing = postLicensing({
    post,
    postUrl: url,
    author: { name: authorName, url: authorUrl, contact: post.author?.contact ?? null },
    site,
    images: [
      ...(post.cover ? [{ anchor: "cover", ...post.cover, url: absoluteUrl(post.cover.src, request.url) }] : []),
      ...post.images.map((image) => ({
        anchor: `image-${image.n}`,
        ...image,
        url: absoluteUrl(image.src, request.url),
      })),
    ],
  });
  const { license } = licensing;
  const pageComments = flattenThread(thread)
    .filter((node) => node.number !== "" && !node.comment.removed && !node.comment.pending)
    .map((node) => ({
      url: absoluteUrl(commentPath(node.comment.id), request.url),
      authorName: node.comment.displayName,
      dateCreated: node.comment.createdAt,
      licenseUrl: storedCommentLicense(node.comment.license, licensing.commentLicense).url,
    }));
  const reuse = { post: licensing.reuse, images: licensing.images };
  return json(
    {
      preview,
      reuse,
      viewer,
      draft,
      replyTo,
      page,
      pageCount,
      following,
      staff: moderatesPost(user, post.author),
      notice: noticeOf(search),
      sentPrivately: search.get("sentPrivately") === "1",
      // Fresh for every page drawn: a resent form is recognised, and a form
      // sent within seconds of appearing is held.
      // The member's field says whose text it is should their session end as they write.
      formTokens: {
        idempotencyKey: randomToken(),
        renderedAt: sign(String(Date.now())),
        member: user ? memberFormField(user.id) : null,
      },
      commentLicense: licensing.commentNotice,
      post: { ...post, author: post.author ? { ...post.author, accountEmail: null } : null },
      authorName,
      rules: commentRulesOf(site),
      license,
      canonicalUrl: url,
      // Who the notice and the attributions credit: the author's first link, else the site's attribution URL.
      authorUrl,
      askUrl: licensing.askUrl,
      coverHtml: coverFigureHtml(licensing.images.find((image) => image.anchor === "cover") ?? null),
      thread,
      commentCount,
      jsonLd: blogPostingJsonLd({
        url,
        title: post.title,
        summary: post.summary,
        published: post.published,
        authorName,
        authorUrl,
        license,
        tags: post.tags,
        commentCount,
        images: licensing.images.map((image) => ({
          url: image.url,
          alt: image.caption?.trim() || image.alt,
          creator: image.creator,
          creditText: image.creditText,
          licenseUrl: image.license?.url ?? null,
          acquireLicensePage: image.sourceUrl ?? image.license?.url ?? null,
        })),
        comments: pageComments,
      }),
    },
    { headers },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Post not found" }];
  const { post } = data;
  return [
    ...pageMeta(matches, {
      title: post.title,
      description: post.summary,
      path: postPath(post.slug),
      // Page 2+ of the comments is a page of its own; page 1 is the post's address.
      query: data.page > 1 ? { page: data.page } : undefined,
      image: post.cover ? { src: post.cover.src, alt: post.cover.alt } : null,
      article: { publishedTime: post.published, authorName: data.authorName || null, tags: post.tags },
      // A preview has no comments feed (it is a 404 until the post is public).
      feeds: data.preview
        ? []
        : [
            {
              type: "application/atom+xml",
              format: "Atom",
              title: `Comments on ${post.title}`,
              href: postCommentsFeedPath(post.slug),
            },
          ],
    }),
    ...(data.license.url ? [{ tagName: "link", rel: "license", href: data.license.url }] : []),
    { "script:ld+json": data.jsonLd },
    // A preview must never be indexed, whoever's crawler gets hold of it.
    ...(data.preview ? [{ name: "robots", content: "noindex" }] : []),
  ];
};

type ActionData = {
  formId: string;
  result: SubmissionResult<string[]>;
  /** Contact details found in the comment: the writer is asked before publishing. */
  contactCheck?: string[];
};

/**
 * The post form's fields besides the comment's own (`commentFormSchema`): the
 * follow button's intent and the form's hidden fields, named as `postComment`
 * takes them. A value that is not what the page sends counts as absent, so
 * this never fails.
 */
const formFieldsSchema = z
  .object({
    intent: z.enum(["follow", "unfollow"]).nullable().catch(null),
    parentId: z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .nullable()
      .catch(null),
    // The form's one-time key, when it looks like one the page issued.
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{22}$/)
      .nullable()
      .catch(null),
    // Signed when the page was drawn: a forged or missing time is no time.
    renderedAt: z
      .string()
      .transform((signed) => Number(unsign(signed)) || null)
      .nullable()
      .catch(null),
    contactChoice: z.enum(["publish", "private"]).nullable().catch(null),
    draftId: z.string().nullable().catch(null),
    asMember: z
      .literal("1")
      .transform(() => true)
      .catch(false),
    // Signed when the page was drawn for a member: whose kept draft it would be.
    formMemberId: z
      .string()
      .transform((signed) => memberOfFormField(signed))
      .nullable()
      .catch(null),
    // The field people never see, named to tempt robots.
    homepage: z
      .string()
      .transform(() => true)
      .catch(false),
    body: z.string().nullable().catch(null),
  })
  .transform(({ homepage, ...fields }) => ({ ...fields, honeypot: homepage }));

export async function action({ params, request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const post = await requirePublicPost(params.slug);
  const site = await getSiteSettings();
  const formData = await readCommentFormBody(request, commentRulesOf(site));
  const fields = parseWithZod(formData, { schema: formFieldsSchema });
  const { intent, ...form } = fields.status === "success" ? fields.value : formFieldsSchema.parse({});
  try {
    const { user, headers } = await getRequestUser(request);
    const db = await getDatabase();
    if (intent) {
      const follow = await changeFollowing(db, { postSlug: post.slug, account: user, follow: intent === "follow" });
      const back = postPagePath(post.slug, 1, follow.kind === "sign-in-needed" ? "comments" : "follow");
      return redirect(follow.kind === "sign-in-needed" ? signinPath(back) : back, { status: 303, headers });
    }
    const submission = parseWithZod(formData, {
      schema: commentFormSchema(commentRulesOf(site), { signedIn: !!user }),
    });
    const result = await postComment(db, {
      ...form,
      post,
      site,
      account: user,
      guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
      value: submission.status === "success" ? submission.value : null,
      clientAddress: clientAddress(context),
      requestUrl: request.url,
    });
    if (result.setCookie) headers.append("Set-Cookie", result.setCookie);
    return commentResponse(result, { slug: post.slug, formId: commentFormId(form.parentId), submission, headers });
  } catch (error) {
    if (error instanceof Response) throw error;
    // Never an empty error page: without JavaScript the writer's text would be gone with it.
    console.error(`Posting a comment on ${post.slug} failed:`, error);
    const kept = parseWithZod(formData, { schema: z.object({}) });
    return json<ActionData>(
      { formId: commentFormId(form.parentId), result: kept.reply({ formErrors: [COMMENT_NOT_SAVED] }) },
      { status: 500 },
    );
  }
}

/** What a writer reads when their comment could not be stored for a reason of ours (logged). */
const COMMENT_NOT_SAVED =
  "Something went wrong on our side and your comment was not saved. Your text is below: please send it again in a " +
  "moment (and keep a copy if it is long).";

/** A posted comment's outcome as the response: a redirect back to the post, or the form again with why. */
function commentResponse(
  outcome: PostCommentOutcome,
  { slug, formId, submission, headers }: { slug: string; formId: string; submission: Reply; headers: Headers },
) {
  const back = (path: string) => redirect(path, { status: 303, headers });
  const again = (status: number, result: SubmissionResult<string[]>, contactCheck?: string[]) =>
    json<ActionData>({ formId, result, contactCheck }, { status, headers });
  switch (outcome.kind) {
    // The page holding the new comment, at it, with the thank-you drawn inside it (issue 11).
    case "published":
      return back(postPagePath(slug, outcome.page, anchorFor(outcome.number), { posted: String(outcome.commentId) }));
    case "held":
      // Where a held comment shows to its writer as awaiting moderation.
      return back(
        postPagePath(slug, outcome.page, `comment-held-${outcome.commentId}`, { held: String(outcome.commentId) }),
      );
    case "spam":
      // Its sender is not told: to them it is held.
      return back(postPagePath(slug, 1, "comments", { held: "" }));
    case "sent-privately":
      return back(`${postPath(slug)}?sentPrivately=1#comments`);
    case "session-expired": {
      // Back to their kept text once they have signed in again.
      const hash = outcome.parentId === null ? "comment-form" : "comments";
      return back(signinPath(postPagePath(slug, outcome.page, hash, { draft: outcome.draftId }), { expired: true }));
    }
    case "invalid":
      return again(400, submission.reply());
    case "refused": {
      const { "": formErrors, ...fieldErrors } = outcome.errors;
      return again(400, submission.reply({ formErrors, fieldErrors }));
    }
    case "rate-limited": {
      headers.set("Retry-After", String(outcome.retryAfterSeconds));
      const wait = `Please wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes; your text is still here.`;
      return again(429, submission.reply({ formErrors: [`You are commenting faster than we allow. ${wait}`] }));
    }
    case "needs-confirmation":
      // Not an error in the text: a question for its writer, with their text kept.
      return again(
        422,
        submission.reply({
          formErrors: [
            "Your comment seems to include contact details, and comments are public. Publish it as it is, send it privately to the post's author instead, or edit it.",
          ],
        }),
        outcome.contactDetails,
      );
  }
}

type Reply = Pick<Submission<unknown>, "reply">;

/**
 * The thank-you a redirect asked for: `?posted=<id>`, `?held=<id>` or
 * `?reported=<id>` name the comment it is about (an empty `held=`, after a
 * comment filed as spam, names none); null without one.
 */
function noticeOf(search: URLSearchParams): ThreadNotice | null {
  for (const kind of ["posted", "held", "reported"] as const) {
    const value = search.get(kind);
    if (value !== null) return { kind, commentId: /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null };
  }
  return null;
}

export default function PostPage() {
  const {
    post,
    authorName,
    rules,
    license,
    canonicalUrl,
    askUrl,
    coverHtml,
    authorUrl,
    thread,
    commentCount,
    viewer,
    draft,
    replyTo,
    notice,
    sentPrivately,
    formTokens,
    commentLicense,
    page,
    pageCount,
    following,
    staff,
    reuse,
    preview,
  } = useLoaderData<typeof loader>();
  // No comment can be posted to a post readers cannot see yet (the action refuses it): no forms.
  const commentsOpen = post.commentsOpen && !preview;
  const commentLicenseNotice = commentLicense;
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  // A new location after each submission: forms start empty after a posted
  // comment, and come back from the action's result after a refused one.
  const { key: formsKey } = useLocation();
  // A reply form is drawn under its comment; a failure aimed at a comment not
  // on the page (a stale or forged parentId) comes back in the main form.
  const replyForms = new Set(flattenThread(thread).map((node) => commentFormId(node.comment.id)));
  const failed = actionData
    ? { ...actionData, formId: replyForms.has(actionData.formId) ? actionData.formId : commentFormId(null) }
    : null;
  const topFailed = failed?.formId === commentFormId(null) ? failed.result : null;
  return (
    <article className="post">
      {preview ? (
        <p className="notice preview-banner" role="status">
          <strong>{preview.kind === "draft" ? "Draft" : `Scheduled for ${preview.date}`}</strong>
          {preview.kind === "draft"
            ? " — only you and other staff can see this."
            : " — only you and other staff can see this until then; readers will see it from that day (00:00 UTC)."}
        </p>
      ) : null}
      <header>
        <h1>{post.title}</h1>
        <p className="post-meta">
          <time dateTime={post.published}>{formatCalendarDate(post.published)}</time> · by{" "}
          {post.author ? (
            <Link to={authorPath(post.author.slug)} className="author" rel="author" dir="auto">
              {authorName}
            </Link>
          ) : (
            <span className="author" dir="auto">
              {authorName}
            </span>
          )}
          {post.author?.role ? <>, {post.author.role}</> : null}
        </p>
        <TagList tags={post.tags} />
        {staff ? (
          <p className="edit-post">
            {/* A plain link: the editor is a separate app, not a Remix route to navigate to. */}
            <a href={postEditorPath(post.slug)}>Edit this post</a>
          </p>
        ) : null}
      </header>
      {coverHtml ? <div dangerouslySetInnerHTML={{ __html: coverHtml }} /> : null}
      <div className="post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      <LicenseNotice
        title={post.title}
        canonicalUrl={canonicalUrl}
        authorName={authorName}
        authorUrl={authorUrl}
        license={license}
        askUrl={askUrl}
      />
      <ReusePanel {...reuse} />
      <ShareLinks title={post.title} url={canonicalUrl} />
      <section className="comments" id="comments" aria-labelledby="comments-heading">
        {sentPrivately ? (
          <p className="notice" role="status">
            Sent privately to the post's author. It was not published.
          </p>
        ) : null}
        {/* A thank-you is drawn inside its comment, where the page lands; here only when that comment is not on this page. */}
        {notice && !flattenThread(thread).some((node) => noticeBelongsTo(notice, node.comment)) ? (
          <p className="notice" role="status">
            {noticeText(notice.kind)}
          </p>
        ) : null}
        <h2 id="comments-heading">
          {commentCount === 1 ? "1 comment" : `${commentCount.toLocaleString("en-GB")} comments`}
        </h2>
        <div className="meta follow" id="follow">
          {preview ? null : <a href={postCommentsFeedPath(post.slug)}>Comments feed (Atom)</a>}
          {viewer.signedIn && !preview ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value={following ? "unfollow" : "follow"} />
              {" · "}
              <button type="submit" className="link-button">
                {following ? "Stop emailing me new comments" : "Email me every new comment on this post"}
              </button>
            </Form>
          ) : null}
        </div>
        <Pagination slug={post.slug} page={page} pageCount={pageCount} label="Comment pages, top" />
        <CommentThread
          key={formsKey}
          nodes={thread}
          context={{
            slug: post.slug,
            page,
            notice,
            rules,
            commentsOpen,
            failed,
            viewer,
            draft,
            replyTo,
            tokens: formTokens,
            license: commentLicenseNotice,
            staff,
          }}
        />
        <Pagination slug={post.slug} page={page} pageCount={pageCount} label="Comment pages, bottom" />
        {preview ? (
          <p>Comments open when the post is published.</p>
        ) : post.commentsOpen || topFailed ? (
          <section aria-labelledby="comment-form-heading" id="comment-form">
            <h3 id="comment-form-heading">Leave a comment</h3>
            <CommentForm
              key={formsKey}
              rules={rules}
              parentId={null}
              lastResult={topFailed}
              contactCheck={failed?.formId === commentFormId(null) ? (failed.contactCheck ?? null) : null}
              submitLabel="Post comment"
              viewer={viewer}
              draft={draft?.formId === commentFormId(null) ? draft : null}
              tokens={formTokens}
              license={commentLicenseNotice}
              closed={!post.commentsOpen}
            />
          </section>
        ) : (
          <p>Comments are closed on this post.</p>
        )}
        <p className="meta">
          <Link to="/">← All posts</Link>
        </p>
      </section>
    </article>
  );
}

/** The cover drawn as body images are (`creditedFigureHtml`), about its absolute URL; null without a cover. */
function coverFigureHtml(cover: CreditedImage | null): string | null {
  if (!cover) return null;
  return creditedFigureHtml({
    id: cover.anchor,
    className: "cover",
    about: cover.url,
    src: cover.src,
    alt: cover.alt,
    caption: cover.caption ?? "",
    creator: cover.creator,
    sourceName: cover.sourceName,
    sourceUrl: cover.sourceUrl,
    licenseUrl: cover.licenseUrl,
    reuseAnchor: cover.reuse.id,
  });
}
