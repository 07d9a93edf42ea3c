import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { requireSameOrigin } from "~/auth/request.server";
import { getRequestUser } from "~/auth/session.server";
import { commentIdentityFor, listThread, submitComment } from "~/comments/comments.server";
import { deleteDraft, readDraft, saveDraft } from "~/comments/drafts.server";
import { anchorFor, flattenThread } from "~/comments/thread";
import { commentFormSchema, type CommentRules } from "~/comments/validation";
import { CommentForm, commentFormId, type CommentViewer } from "~/components/CommentForm";
import { CommentThread } from "~/components/CommentThread";
import { TagList } from "~/components/PostList";
import { getDatabase } from "~/database.server";
import { blogPostingJsonLd, labelLicenseUrl, resolvePostLicense } from "~/licences/metadata";
import { formatCalendarDate } from "~/posts/dates";
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

export async function loader({ params, request }: LoaderFunctionArgs) {
  const post = await requirePost(params.slug);
  const { user, headers } = await getRequestUser(request);
  const site = await getSiteSettings();
  const db = await getDatabase();
  const thread = await listThread(db, post.slug, site.maxDisplayDepth);
  const identity = commentIdentityFor(user, post.author);
  const viewer: CommentViewer = user
    ? { signedIn: true, displayName: user.displayName, isPostAuthor: identity.kind === "post-author" }
    : { signedIn: false };
  const search = new URL(request.url).searchParams;
  const draftId = search.get("draft");
  const replyTo = /^\d{1,9}$/.test(search.get("replyTo") ?? "") ? Number(search.get("replyTo")) : null;
  const kept = user && draftId ? await readDraft(db, draftId, post.slug) : null;
  const draft = kept ? { id: kept.id, body: kept.body, formId: commentFormId(kept.parentId) } : null;
  const license = resolvePostLicense(post.license, site.defaultLicense);
  const url = new URL(`/posts/${post.slug}`, request.url).href;
  const all = flattenThread(thread);
  const commentCount = all.filter((node) => !node.comment.removed).length;
  const imageLicense = labelLicenseUrl(post.cover?.licenseUrl ?? null);
  const authorName = post.author?.name ?? site.attributionName;
  return json({
    viewer,
    draft,
    replyTo,
    post: { ...post, author: post.author ? { ...post.author, accountEmail: null } : null },
    authorName,
    rules: rulesFrom(site),
    license,
    imageLicense,
    thread,
    commentCount,
    jsonLd: blogPostingJsonLd({
      url,
      title: post.title,
      summary: post.summary,
      published: post.published,
      authorName,
      authorUrl: site.attributionUrl,
      license,
      tags: post.tags,
      commentCount,
      image: post.cover
        ? {
            url: new URL(post.cover.src, request.url).href,
            alt: post.cover.alt,
            creator: post.cover.creator,
            creditText: `Photo: ${post.cover.creator} via ${post.cover.sourceName}${imageLicense ? `, ${imageLicense.name}` : ""}`,
            licenseUrl: imageLicense?.url ?? null,
          }
        : null,
    }),
  }, { headers });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Post not found" }];
  return [
    { title: data.post.title },
    { name: "description", content: data.post.summary },
    ...(data.license.url ? [{ tagName: "link", rel: "license", href: data.license.url }] : []),
    { "script:ld+json": data.jsonLd },
  ];
};

type ActionData = { formId: string; result: SubmissionResult<string[]> };

export async function action({ params, request }: ActionFunctionArgs) {
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
  const result = await submitComment(db, post, rules, submission.value, {
    identity: commentIdentityFor(user, post.author),
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
  return redirect(`/posts/${post.slug}#${anchorFor(result.anchorNumber)}`, { status: 303, headers });
}

export default function PostPage() {
  const { post, authorName, rules, license, imageLicense, thread, commentCount, viewer, draft, replyTo } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  // A new location after each submission: forms start empty after a posted
  // comment, and come back from the action's result after a refused one.
  const { key: formsKey } = useLocation();
  // A reply form is drawn under its comment; a failure aimed at a comment not
  // on the page (a stale or forged parentId) comes back in the main form.
  const replyForms = new Set(flattenThread(thread).map((node) => commentFormId(node.comment.id)));
  const failed = actionData ? { ...actionData, formId: replyForms.has(actionData.formId) ? actionData.formId : commentFormId(null) } : null;
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
      {post.cover ? (
        <figure className="cover">
          <img src={post.cover.src} alt={post.cover.alt} />
          <figcaption>
            Photo:{" "}
            {post.cover.sourceUrl ? (
              <a href={post.cover.sourceUrl}>{post.cover.creator}</a>
            ) : (
              post.cover.creator
            )}
            {post.cover.sourceName ? <> via {post.cover.sourceName}</> : null}
            {imageLicense ? (
              <>
                ,{" "}
                {imageLicense.url ? (
                  <a href={imageLicense.url} rel="license">
                    {imageLicense.name}
                  </a>
                ) : (
                  imageLicense.name
                )}
              </>
            ) : null}
          </figcaption>
        </figure>
      ) : null}
      <div className="post-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      <footer className="license-notice">
        {license.url ? (
          <p>
            <span property="dct:title">{post.title}</span> by <span property="cc:attributionName">{authorName}</span> is
            licensed under{" "}
            <a href={license.url} rel="license">
              {license.shortName}
            </a>
            .
          </p>
        ) : (
          <p>
            © {authorName}. All rights reserved. Please ask the author before reusing this post.
          </p>
        )}
      </footer>
      <section className="comments" id="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading">
          {commentCount === 1 ? "1 comment" : `${commentCount.toLocaleString("en-GB")} comments`}
        </h2>
        <CommentThread
          key={formsKey}
          nodes={thread}
          context={{ rules, commentsOpen: post.commentsOpen, failed, viewer, draft, replyTo }}
        />
        {post.commentsOpen || topFailed ? (
          <section aria-labelledby="comment-form-heading" id="comment-form">
            <h3 id="comment-form-heading">Leave a comment</h3>
            <CommentForm
              key={formsKey}
              rules={rules}
              parentId={null}
              lastResult={topFailed}
              submitLabel="Post comment"
              viewer={viewer}
              draft={draft?.formId === commentFormId(null) ? draft : null}
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
