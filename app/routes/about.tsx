import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { pageMeta } from "~/discovery/meta";
import { aboutPath } from "~/discovery/paths";
import { getAboutPage } from "~/pages/about.server";

// /about: the About page written in the editor (content/about.md); 404 when the site has none.
export async function loader() {
  const page = await getAboutPage();
  if (!page) throw new Response("This site has no About page yet.", { status: 404 });
  return page;
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Page not found" }];
  return pageMeta(matches, (site) => ({
    title: data.title,
    description: `About ${site.siteTitle}.`,
    path: aboutPath(),
  }));
};

export default function About() {
  const { title, bodyHtml } = useLoaderData<typeof loader>();
  return (
    <article className="page">
      <h1>{title}</h1>
      <div className="post-body" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
    </article>
  );
}
