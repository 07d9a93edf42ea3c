import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PostList } from "~/components/PostList";
import { toPostListItems } from "~/posts/listing.server";
import { getSiteSettings, listPosts } from "~/posts/posts.server";

export async function loader() {
  const [site, posts] = await Promise.all([getSiteSettings(), listPosts()]);
  return { siteTitle: site.title, posts: await toPostListItems(posts) };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.siteTitle ?? "Staffroom" }];

export default function Home() {
  const { posts } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="visually-hidden">Posts</h1>
      <PostList posts={posts} />
    </>
  );
}
