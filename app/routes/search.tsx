import { parseWithZod } from "@conform-to/zod/v4";
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Highlighted } from "~/components/Highlighted";
import { PageNav, pageHref } from "~/components/PageNav";
import { formatCount, graphemeBoundaries, normalizeText } from "~/comments/characters";
import { formatCalendarDate } from "~/posts/dates";
import { authorPath, postPath, tagPath } from "~/discovery/paths";
import { searchQuerySchema } from "~/search/forms";
import { MAX_QUERY_CHARACTERS, MAX_QUERY_WORDS } from "~/search/query";
import { searchPosts, type SearchResults } from "~/search/search.server";

// GET /search?q=…&page=n: a plain GET form, so it works without JavaScript and
// a search can be bookmarked or shared. Every input answers 200 or 4xx with a
// message: the query is only ever cut into words (app/search/query.ts).

type State =
  | { state: "empty" }
  | { state: "too-long"; characters: number; limit: number }
  | { state: "no-words" }
  | { state: "bad-page" }
  | { state: "no-page"; page: number }
  | ({ state: "results"; ignoredWords: number } & SearchResults);

export async function loader({ request }: LoaderFunctionArgs) {
  const query = parseWithZod(new URL(request.url).searchParams, {
    schema: searchQuerySchema,
    disableAutoCoercion: true,
  });
  const respond = (shown: string, body: State, status = 200) =>
    json({ q: shown, ...body }, { status, headers: { "X-Robots-Tag": "noindex" } });
  // The schema never refuses (app/search/forms.ts); were it to, the page would ask for words.
  if (query.status !== "success") return respond("", { state: "empty" });
  const { q, page } = query.value;
  const parsed = q.parsed;
  switch (parsed.kind) {
    case "empty":
      return respond("", { state: "empty" });
    case "too-long": {
      // Shown back cut to the limit (whole characters), so the reader can shorten it.
      const head = normalizeText(q.raw).slice(0, MAX_QUERY_CHARACTERS * 8);
      const boundaries = graphemeBoundaries(head);
      const cut = head.slice(0, boundaries[Math.min(MAX_QUERY_CHARACTERS, boundaries.length - 1)]);
      return respond(cut, { state: "too-long", characters: parsed.characters, limit: parsed.limit }, 400);
    }
    case "no-words":
      return respond(parsed.text, { state: "no-words" });
    case "words": {
      if (!page.ok) return respond(parsed.text, { state: "bad-page" }, 400);
      const results = await searchPosts(parsed, page.page);
      if (!results) return respond(parsed.text, { state: "no-page", page: page.page }, 404);
      return respond(parsed.text, { state: "results", ignoredWords: parsed.ignoredWords, ...results });
    }
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.q ? `Search: ${data.q}` : "Search" },
  { name: "robots", content: "noindex" },
];

function posts(n: number): string {
  return n === 1 ? "1 post" : `${formatCount(n)} posts`;
}

export default function Search() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Search</h1>
      <Form method="get" action="/search" role="search" className="search-form" aria-label="Search posts">
        <label htmlFor="search-q">Words to look for in posts’ titles, summaries, text and tags</label>
        <div className="search-row">
          <input id="search-q" type="search" name="q" defaultValue={data.q} key={data.q} />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </Form>
      <Outcome data={data} />
    </>
  );
}

function Outcome({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const quoted = `“${data.q}”`;
  switch (data.state) {
    case "empty":
      return <p className="search-status">Type a word or two to search every post.</p>;
    case "too-long":
      return (
        <p className="form-error" role="alert">
          Your search is {formatCount(data.characters)} characters long; a search can be at most{" "}
          {formatCount(data.limit)}. Shorten it and try again.
        </p>
      );
    case "no-words":
      return (
        <p className="search-status" role="status">
          {quoted} has no letters or digits to look for. Try a word.
        </p>
      );
    case "bad-page":
      return (
        <p className="form-error" role="alert">
          That page number is not one we have.{" "}
          <Link to={pageHref("/search", 1, { q: data.q })}>See the first page of results</Link>.
        </p>
      );
    case "no-page":
      return (
        <p className="search-status" role="status">
          There is no page {data.page} of results for {quoted}.{" "}
          <Link to={pageHref("/search", 1, { q: data.q })}>See the first page</Link>.
        </p>
      );
  }
  if (data.total === 0) {
    return (
      <div className="search-status" role="status">
        <p>No posts match {quoted}.</p>
        <p>
          Check the spelling, or try fewer or other words. You can also browse the <Link to="/archive">archive</Link> or
          the <Link to="/tags">tags</Link>.
        </p>
      </div>
    );
  }
  const last = data.first + data.items.length - 1;
  return (
    <>
      <div className="search-status" role="status">
        <p>
          {data.mode === "all" ? (
            <>
              {data.total === 1 ? "1 post matches" : `${formatCount(data.total)} posts match`} {quoted}
            </>
          ) : data.mode === "some" ? (
            <>
              No post has all the words of {quoted}; {posts(data.total)} {data.total === 1 ? "has" : "have"} some of
              them
            </>
          ) : (
            <>
              No post has the words of {quoted}; {posts(data.total)} {data.total === 1 ? "has" : "have"} words spelled
              like them
            </>
          )}
          {data.pageCount > 1 ? ` (showing ${formatCount(data.first)}–${formatCount(last)})` : ""}.
        </p>
        {data.ignoredWords > 0 ? <p className="hint">Only the first {MAX_QUERY_WORDS} words were looked for.</p> : null}
      </div>
      <ol className="post-list search-results" start={data.first}>
        {data.items.map((item) => (
          <li key={item.slug}>
            <article>
              <h2>
                <Link to={postPath(item.slug)}>
                  <Highlighted segments={item.title} />
                </Link>
              </h2>
              <p className="meta">
                <time dateTime={item.published}>{formatCalendarDate(item.published)}</time>
                {item.authorName ? (
                  <>
                    {" · by "}
                    {item.authorSlug ? (
                      <Link to={authorPath(item.authorSlug)} dir="auto">
                        {item.authorName}
                      </Link>
                    ) : (
                      <bdi>{item.authorName}</bdi>
                    )}
                  </>
                ) : null}
              </p>
              {item.excerpt.length > 0 ? (
                <p className="excerpt">
                  {item.cutBefore ? "… " : null}
                  <Highlighted segments={item.excerpt} />
                  {item.cutAfter ? " …" : null}
                </p>
              ) : null}
              {item.tags.length > 0 ? (
                <ul className="tags" aria-label="Tags">
                  {item.tags.map((tag) => (
                    <li key={tag.name}>
                      <Link to={tagPath(tag.name)} rel="tag">
                        {tag.matched ? <mark>{tag.name}</mark> : tag.name}
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : null}
            </article>
          </li>
        ))}
      </ol>
      <PageNav
        page={data.page}
        pageCount={data.pageCount}
        href={(n) => pageHref("/search", n, { q: data.q })}
        label="Pages of results"
        previousText="← Previous results"
        nextText="More results →"
      />
    </>
  );
}
