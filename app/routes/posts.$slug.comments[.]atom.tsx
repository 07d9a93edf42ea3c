import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDatabase } from "~/database.server";
import { buildCommentsFeed, feedComments } from "~/notifications/feed.server";
import { getPost, getSiteSettings } from "~/posts/posts.server";

// /posts/<slug>/comments.atom: the post's published comments as Atom 1.0
// (RFC 4287), newest 50. A resource route (no component): only this loader
// runs, not the post page's.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const post = params.slug ? await getPost(params.slug) : null;
  if (!post) {
    throw new Response("There is no post at this address, so it has no comments feed.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const [site, db] = await Promise.all([getSiteSettings(), getDatabase()]);
  const xml = buildCommentsFeed({
    origin: new URL(request.url).origin,
    siteTitle: site.title,
    post: { slug: post.slug, title: post.title, published: post.published },
    comments: await feedComments(db, post.slug, site.maxDisplayDepth),
  });
  return new Response(xml, {
    headers: {
      "Content-Type": "application/atom+xml; charset=utf-8",
      "Cache-Control": "public, max-age=60",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
