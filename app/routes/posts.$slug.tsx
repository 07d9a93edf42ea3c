import type { SubmissionResult } from "@conform-to/react";
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
import { randomToken, sign, unsign } from "~/auth/signing.server";
import { newGuestToken, readGuestToken } from "~/comments/guest-token.server";
import { findContactDetails } from "~/comments/contact-details";
import { commentRateLimit } from "~/moderation/limits.server";
import { moderatesPost } from "~/moderation/rules";
import { announceSubmission } from "~/notifications/announce.server";
import { sendPrivateMessage } from "~/notifications/private-message.server";
import { followPost, isFollowingPost, subscribeToReplies, unfollowPost } from "~/notifications/subscriptions.server";
import {
  DUPLICATE_WINDOW_SECONDS,
  commentIdentityFor,
  countComments,
  listThreadPage,
  submitComment,
} from "~/comments/comments.server";
import { deleteDraft, readDraft, saveDraft } from "~/comments/drafts.server";
import { anchorFor, flattenThread } from "~/comments/thread";
import { commentFormSchema, type CommentRules } from "~/comments/validation";
import { CommentForm, commentFormId, type CommentViewer } from "~/components/CommentForm";
import { CommentThread } from "~/components/CommentThread";
import { Pagination } from "~/components/Pagination";
import { TagList } from "~/components/PostList";
import { getDatabase } from "~/database.server";
import { getEnv } from "~/env.server";
import { blogPostingJsonLd, resolveCommentLicense, storedCommentLicense } from "~/licences/metadata";
import { postLicensing } from "~/licences/post-licensing";
import { absoluteUrl, postUrl } from "~/site/urls.server";
import { ReusePanel } from "~/components/ReusePanel";
import { ShareLinks } from "~/components/ShareLinks";
import { pageMeta } from "~/discovery/meta";
import { postPath } from "~/discovery/paths";
import type { CreditedImage } from "~/licences/post-licensing";
import { formatCalendarDate } from "~/posts/dates";
import { creditedFigureHtml } from "~/posts/body.server";
import { getPost, getSiteSettings, type SiteSettings } from "~/posts/posts.server";

/** Largest form body accepted: far above 10 parts of 4,096 four-byte characters. */
const MAX_FORM_BYTES = 1_000_000;

function rulesFrom(site: SiteSettings): CommentRules {
  return { limit: site.commentMaxChars, maxParts: site.commentMaxParts, allowAnonymous: site.allowAnonymous };
}

async function requirePost(slug: string | undefined) {
  const post = slug ? await getPost(slug) : null;
  if (!post) throw new Response("There is no post at this address.", { status: 404 });
  return post;
}

// Keeps the action's Retry-After (a rate-limited comment) on the page a
// browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const post = await requirePost(params.slug);
  const { user, headers } = await getRequestUser(request);
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
  if (page > pageCount) throw redirect(`/posts/${post.slug}?page=${pageCount}#comments`, { headers });
  const identity = commentIdentityFor(user, post.author);
  const viewer: CommentViewer = user
    ? { signedIn: true, displayName: user.displayName, isPostAuthor: identity.kind === "post-author" }
    : { signedIn: false };
  const draftId = search.get("draft");
  const following = user ? await isFollowingPost(db, { postSlug: post.slug, userId: user.id }) : false;
  const replyTo = /^\d{1,9}$/.test(search.get("replyTo") ?? "") ? Number(search.get("replyTo")) : null;
  const kept = user && draftId ? await readDraft(db, draftId, post.slug) : null;
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
      url: absoluteUrl(`/comments/${node.comment.id}`, request.url),
      authorName: node.comment.displayName,
      dateCreated: node.comment.createdAt,
      licenseUrl: storedCommentLicense(node.comment.license, licensing.commentLicense).url,
    }));
  const reuse = { post: licensing.reuse, images: licensing.images };
  return json(
    {
      reuse,
      viewer,
      draft,
      replyTo,
      page,
      pageCount,
      following,
      staff: moderatesPost(user, post.author),
      held: search.get("held") === "1",
      reported: search.get("reported") === "1",
      sentPrivately: search.get("sentPrivately") === "1",
      // Fresh for every page drawn: a resent form is recognised, and a form
      // sent within seconds of appearing is held.
      formTokens: { idempotencyKey: randomToken(), renderedAt: sign(String(Date.now())) },
      commentLicense: licensing.commentNotice,
      post: { ...post, author: post.author ? { ...post.author, accountEmail: null } : null },
      authorName,
      rules: rulesFrom(site),
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
      feeds: [
        {
          type: "application/atom+xml",
          format: "Atom",
          title: `Comments on ${post.title}`,
          href: `${postPath(post.slug)}/comments.atom`,
        },
      ],
    }),
    ...(data.license.url ? [{ tagName: "link", rel: "license", href: data.license.url }] : []),
    { "script:ld+json": data.jsonLd },
  ];
};

type ActionData = {
  formId: string;
  result: SubmissionResult<string[]>;
  /** Contact details found in the comment: the writer is asked before publishing. */
  contactCheck?: string[];
};

export async function action({ params, request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const post = await requirePost(params.slug);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) {
    throw new Response("This comment is far too long to post. Please shorten it.", {
      status: 413,
      // The body was not read: close, so a keep-alive client does not hang.
      headers: { Connection: "close" },
    });
  }
  let formData: FormData;
  try {
    formData = await request.formData();
  } catch {
    throw new Response("The comment form could not be read. Please post it from the page's form.", {
      status: 400,
    });
  }
  const { user, headers } = await getRequestUser(request);
  const db = await getDatabase();
  const intent = formData.get("intent");
  if (intent === "follow" || intent === "unfollow") {
    if (!user)
      return redirect(`/signin?redirectTo=${encodeURIComponent(`/posts/${post.slug}#comments`)}`, {
        status: 303,
        headers,
      });
    if (intent === "follow") await followPost(db, { postSlug: post.slug, email: user.email, userId: user.id });
    else await unfollowPost(db, { postSlug: post.slug, userId: user.id });
    return redirect(`/posts/${post.slug}#follow`, { status: 303, headers });
  }
  const site = await getSiteSettings();
  const rules = rulesFrom(site);
  const rawParent = formData.get("parentId");
  const parentId = typeof rawParent === "string" && /^\d{1,9}$/.test(rawParent) ? Number(rawParent) : null;
  const formId = commentFormId(parentId);
  const body = formData.get("body");
  if (formData.get("asMember") === "1" && !user && typeof body === "string" && body.trim()) {
    // The session ended while they wrote: never post it as a guest. Keep the
    // text, ask them to sign in, and bring them back to it.
    const draftId = await saveDraft(db, { postSlug: post.slug, parentId, body });
    const back = `/posts/${post.slug}?draft=${draftId}#${parentId === null ? "comment-form" : "comments"}`;
    return redirect(`/signin?expired=1&redirectTo=${encodeURIComponent(back)}`, { status: 303, headers });
  }
  const submission = parseWithZod(formData, { schema: commentFormSchema(rules, { signedIn: user !== null }) });
  if (submission.status !== "success") {
    return json<ActionData>({ formId, result: submission.reply() }, { status: 400, headers });
  }
  const limited = await commentRateLimit(db, clientAddress(context), user?.id ?? null);
  if (limited) {
    headers.set("Retry-After", String(limited));
    return json<ActionData>(
      {
        formId,
        result: submission.reply({
          formErrors: [
            `You are commenting faster than we allow. Please wait ${Math.ceil(limited / 60)} minutes; your text is still here.`,
          ],
        }),
      },
      { status: 429, headers },
    );
  }
  const idempotencyKey = idempotencyKeyFrom(formData.get("idempotencyKey"));
  const contactChoice = formData.get("contactChoice");
  const contactDetails = findContactDetails(submission.value.body);
  if (contactDetails.length > 0 && contactChoice !== "publish") {
    if (contactChoice === "private") {
      if (!post.author?.accountEmail) {
        return json<ActionData>(
          {
            formId,
            result: submission.reply({
              formErrors: [
                "This post's author has no email address on file, so it cannot be sent privately. Remove the details, or publish it.",
              ],
            }),
          },
          { status: 400, headers },
        );
      }
      await sendPrivateMessage(db, {
        to: post.author.accountEmail,
        postTitle: post.title,
        postUrl: new URL(`/posts/${post.slug}`, request.url).href,
        senderName:
          user?.displayName ?? (submission.value.anonymous ? "Anonymous" : (submission.value.name ?? "A reader")),
        senderEmail: user?.email ?? submission.value.email ?? null,
        body: submission.value.body,
        siteTitle: site.title,
      });
      return redirect(`/posts/${post.slug}?sentPrivately=1#comments`, { status: 303, headers });
    }
    // Not an error in the text: a question for its writer, with their text kept.
    return json<ActionData>(
      {
        formId,
        result: submission.reply({
          formErrors: [
            "Your comment seems to include contact details, and comments are public. Publish it as it is, send it privately to the post's author instead, or edit it.",
          ],
        }),
        contactCheck: contactDetails.map((detail) => detail.text),
      },
      { status: 422, headers },
    );
  }
  let guestToken = user ? null : readGuestToken(request.headers.get("cookie"));
  if (!user && !guestToken) {
    // Derived from the form's one-time key, so a resent form (whose first
    // answer, with the cookie, was lost) gets the same token again.
    const fresh = newGuestToken(process.env.NODE_ENV === "production", idempotencyKey);
    guestToken = fresh.token;
    headers.append("Set-Cookie", fresh.setCookie);
  }
  const renderedAt = Number(unsign(String(formData.get("renderedAt") ?? "")));
  const result = await submitComment(db, post, rules, submission.value, {
    identity: commentIdentityFor(user, post.author),
    idempotencyKey,
    guestToken,
    moderation: { holdFirstTimeGuests: site.holdFirstTimeGuests, maxLinks: site.maxLinks },
    honeypot: String(formData.get("homepage") ?? "") !== "",
    tooFast: sentTooFast(renderedAt, getEnv().COMMENT_MIN_SECONDS),
    duplicateWindowSeconds: DUPLICATE_WINDOW_SECONDS,
    // The licence the form stated, recorded with the comment so a later change of setting never relabels it.
    license: resolveCommentLicense(site.commentLicense, site.defaultLicense).id,
  });
  if (!result.ok) {
    const { "": formErrors, ...fieldErrors } = result.fieldErrors;
    return json<ActionData>(
      { formId, result: submission.reply({ formErrors, fieldErrors }) },
      { status: 400, headers },
    );
  }
  const draftId = formData.get("draftId");
  if (typeof draftId === "string") await deleteDraft(db, draftId);
  if (result.fresh) {
    const submissionId = result.comments[0].submissionId;
    const email = user ? user.email : (submission.value.email ?? null);
    if (submission.value.notify && email) {
      await subscribeToReplies(db, { submissionId, postSlug: post.slug, email, userId: user?.id ?? null });
    }
    await announceSubmission(db, submissionId);
  }
  if (result.anchorNumber === null) {
    // Held (or filed as spam, which its sender is not told): back to the
    // post, where a held comment shows to its writer as awaiting moderation.
    const held = result.status === "pending" ? `#comment-held-${result.comments[0].id}` : "#comments";
    return redirect(`/posts/${post.slug}?held=1${held}`, { status: 303, headers });
  }
  return redirect(`/posts/${post.slug}#${anchorFor(result.anchorNumber)}`, { status: 303, headers });
}

/**
 * Whether a form came back sooner than a person can write (or without the
 * signed time it was drawn at, as robots' forms do). 0 seconds turns it off.
 */
function sentTooFast(renderedAt: number, minSeconds: number): boolean {
  if (minSeconds === 0) return false;
  return !renderedAt || Date.now() - renderedAt < minSeconds * 1000;
}

/** The form's one-time key, when it looks like one we issued. */
function idempotencyKeyFrom(value: FormDataEntryValue | null): string | null {
  return typeof value === "string" && /^[A-Za-z0-9_-]{22}$/.test(value) ? value : null;
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
    held,
    reported,
    sentPrivately,
    formTokens,
    commentLicense,
    page,
    pageCount,
    following,
    staff,
    reuse,
  } = useLoaderData<typeof loader>();
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
      <header>
        <h1>{post.title}</h1>
        <p className="post-meta">
          <time dateTime={post.published}>{formatCalendarDate(post.published)}</time> · by{" "}
          <span className="author">{authorName}</span>
          {post.author?.role ? <>, {post.author.role}</> : null}
        </p>
        <TagList tags={post.tags} />
      </header>
      {coverHtml ? <div dangerouslySetInnerHTML={{ __html: coverHtml }} /> : null}
      <div className="post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      <footer className="license-notice">
        {license.url ? (
          // ccREL as the Creative Commons licence chooser writes it, about the post's canonical URL.
          <p about={canonicalUrl}>
            <a property="dct:title" rel="cc:attributionURL" href={canonicalUrl}>
              {post.title}
            </a>{" "}
            by{" "}
            {authorUrl ? (
              <a rel="cc:attributionURL dct:creator" property="cc:attributionName" href={authorUrl}>
                {authorName}
              </a>
            ) : (
              <span property="cc:attributionName">{authorName}</span>
            )}{" "}
            is licensed under{" "}
            <a href={license.url} rel="license">
              {license.shortName}
            </a>
            . <a href="#reuse">How to reuse it</a>
          </p>
        ) : (
          <p>
            © {authorName}. All rights reserved.{" "}
            {askUrl ? (
              <>
                To reuse any of it, <a href={askUrl}>ask the author for permission</a>.
              </>
            ) : (
              "Please ask the author before reusing any of it."
            )}
          </p>
        )}
      </footer>
      <ReusePanel {...reuse} />
      <ShareLinks title={post.title} url={canonicalUrl} />
      <section className="comments" id="comments" aria-labelledby="comments-heading">
        {sentPrivately ? (
          <p className="notice" role="status">
            Sent privately to the post's author. It was not published.
          </p>
        ) : null}
        {reported ? (
          <p className="notice" role="status">
            Thank you. The moderators will look at the comment you reported.
          </p>
        ) : null}
        {held ? (
          <p className="notice" role="status">
            Thank you. Your comment is awaiting moderation: you can see it below, and everyone will once a moderator
            approves it.
          </p>
        ) : null}
        <h2 id="comments-heading">
          {commentCount === 1 ? "1 comment" : `${commentCount.toLocaleString("en-GB")} comments`}
        </h2>
        <div className="meta follow" id="follow">
          <a href={`/posts/${post.slug}/comments.atom`}>Comments feed (Atom)</a>
          {viewer.signedIn ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value={following ? "unfollow" : "follow"} />
              {" · "}
              <button type="submit" className="link-button">
                {following ? "Stop emailing me new comments" : "Email me every new comment on this post"}
              </button>
            </Form>
          ) : null}
        </div>
        <Pagination slug={post.slug} page={page} pageCount={pageCount} />
        <CommentThread
          key={formsKey}
          nodes={thread}
          context={{
            rules,
            commentsOpen: post.commentsOpen,
            failed,
            viewer,
            draft,
            replyTo,
            tokens: formTokens,
            license: commentLicenseNotice,
            staff,
          }}
        />
        <Pagination slug={post.slug} page={page} pageCount={pageCount} />
        {post.commentsOpen || topFailed ? (
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
