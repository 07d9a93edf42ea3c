import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PostList } from "~/components/PostList";
import { toPostListItems } from "~/posts/listing.server";
import { listPostsByTag } from "~/posts/posts.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const tag = params.tag ?? "";
  const posts = await listPostsByTag(tag);
  if (posts.length === 0) throw new Response("No posts carry this tag.", { status: 404 });
  return { tag, posts: await toPostListItems(posts) };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Posts tagged “${data.tag}”` : "Tag not found" },
];

export default function TagPage() {
  const { tag, posts } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="meta">
        <Link to="/">All posts</Link>
      </p>
      <h1>
        Posts tagged “{tag}” <span className="meta">({posts.length})</span>
      </h1>
      <PostList posts={posts} />
    </>
  );
}
