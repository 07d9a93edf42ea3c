import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { commentPath } from "~/discovery/paths";
import { getAccount, publicCommentsOf } from "~/auth/accounts.server";
import { getRequestUser } from "~/http/session.server";
import { commentPlainText } from "~/comments/markdown.server";
import { getDatabase } from "~/database.server";
import { formatInstant } from "~/posts/dates";
import { listPosts } from "~/posts/posts.server";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const db = await getDatabase();
  const [{ headers }, account] = await Promise.all([getRequestUser(request), getAccount(db, params.id ?? "")]);
  if (!account) throw new Response("There is no member at this address.", { status: 404, headers });
  const [comments, posts] = await Promise.all([publicCommentsOf(db, account.id), listPosts()]);
  const titles = new Map(posts.map((post) => [post.slug, post.title]));
  return json(
    {
      member: { id: account.id, displayName: account.displayName, role: account.role },
      comments: comments.map((comment) => ({
        id: comment.id,
        postSlug: comment.postSlug,
        postTitle: titles.get(comment.postSlug) ?? comment.postSlug,
        excerpt: commentPlainText(comment.body, 240),
        createdAt: comment.createdAt,
        part: comment.partCount > 1 ? `Part ${comment.partIndex} of ${comment.partCount}` : null,
      })),
    },
    { headers },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.member.displayName}'s comments` : "Member not found" },
];

export default function MemberProfile() {
  const { member, comments } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{member.displayName}</h1>
      <p className="meta">{member.role === "member" ? "Member" : member.role === "coach" ? "Coach" : "Admin"}</p>
      <h2>Comments</h2>
      {comments.length === 0 ? <p>No comments yet.</p> : null}
      <ol className="profile-comments">
        {comments.map((comment) => (
          <li key={comment.id}>
            <p className="meta">
              On <Link to={commentPath(comment.id)}>{comment.postTitle}</Link> ·{" "}
              <time dateTime={comment.createdAt}>{formatInstant(comment.createdAt)}</time>
              {comment.part ? ` · ${comment.part}` : ""}
            </p>
            <p>{comment.excerpt}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
