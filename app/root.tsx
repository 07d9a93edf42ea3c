import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { data } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { getRequestUser } from "./http/session.server";
import { getSiteSettings } from "./settings/site-settings.server";
import { aboutPath, signinPath, signupPath } from "./discovery/paths";
import { hasAboutPage } from "./pages/about.server";
import { publicOrigin } from "./site/urls.server";
import { SiteFeedLinks, SiteFeedsNav } from "./components/SiteFeeds";
import type { SiteFacts } from "./discovery/meta";
import stylesheet from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

// Pages set their own titles; this one only names error pages.
export const meta: MetaFunction = ({ error }) =>
  error
    ? [{ title: isRouteErrorResponse(error) && error.status === 404 ? "Page not found" : "Something went wrong" }]
    : [];

export async function loader({ request }: LoaderFunctionArgs) {
  const [site, { user, headers }, hasAbout] = await Promise.all([
    getSiteSettings(),
    getRequestUser(request),
    hasAboutPage(),
  ]);
  const url = new URL(request.url);
  return data(
    {
      site: { title: site.title, tagline: site.tagline, hasAbout },
      user: user ? { id: user.id, displayName: user.displayName, role: user.role } : null,
      here: url.pathname + url.search,
      // For every page's canonical link and Open Graph tags (app/discovery/meta.ts).
      discovery: {
        origin: publicOrigin(request.url),
        siteTitle: site.title,
        siteDescription: site.tagline,
      } satisfies SiteFacts,
    },
    { headers },
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const title = data?.site.title ?? "Staffroom";
  // The editor is a full-screen app of its own: no site header, column or footer.
  const isEditor = useMatches().some((match) => match.id === "routes/keystatic.$");
  if (isEditor) return <Document>{children}</Document>;
  return (
    <Document>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="wrap">
          <Link to="/" className="site-title">
            {title}
          </Link>
          {data?.site.tagline ? <p className="site-tagline">{data.site.tagline}</p> : null}
          <div className="site-nav">
            <nav aria-label="Site">
              <Link to="/">Posts</Link>
              <Link to="/archive">Archive</Link>
              <Link to="/tags">Tags</Link>
              {data?.site.hasAbout ? <Link to={aboutPath()}>About</Link> : null}
            </nav>
            {/* A plain GET form: works without JavaScript. */}
            <Form method="get" action="/search" role="search" className="site-search">
              <label htmlFor="site-search-q" className="visually-hidden">
                Search posts
              </label>
              <input id="site-search-q" type="search" name="q" placeholder="Search posts" />
              <button type="submit">Search</button>
            </Form>
          </div>
          <nav className="account-nav" aria-label="Account">
            {data?.user ? (
              <>
                <Link to="/account">{data.user.displayName}</Link>
                {data.user.role !== "member" ? <a href="/keystatic">Editor</a> : null}
                {data.user.role !== "member" ? <Link to="/moderation">Moderation</Link> : null}
                {data.user.role === "admin" ? <Link to="/admin/accounts">Accounts</Link> : null}
                {data.user.role === "admin" ? <Link to="/admin/import">Import/Export</Link> : null}
                <Form method="post" action="/signout" className="inline-form">
                  <button type="submit" className="link-button">
                    Sign out
                  </button>
                </Form>
              </>
            ) : data ? (
              <>
                <Link to={signinPath(data.here)}>Sign in</Link>
                <Link to={signupPath(data.here)}>Create account</Link>
              </>
            ) : null}
          </nav>
        </div>
      </header>
      <main id="main" className="wrap">
        {children}
      </main>
      <footer className="site-footer">
        <div className="wrap">
          <p>
            {data?.site.hasAbout ? (
              <>
                <Link to={aboutPath()}>About {title}</Link>
                {" · "}
              </>
            ) : null}
            Published with Staffroom.
          </p>
          <SiteFeedsNav siteTitle={title} />
        </div>
      </footer>
    </Document>
  );
}

/** The HTML shell every page shares: head, body, Remix's scripts. */
function Document({ children }: { children: React.ReactNode }) {
  const siteTitle = useRouteLoaderData<typeof loader>("root")?.site.title ?? "Staffroom";
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        <SiteFeedLinks siteTitle={siteTitle} />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section className="error-page">
        <h1>Page not found</h1>
        <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <p>
          <Link to="/">Go to the home page</Link> to see every post.
        </p>
      </section>
    );
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <section className="error-page">
      <h1>{status === 500 ? "Something went wrong" : status === 413 ? "Too large to post" : `Error ${status}`}</h1>
      <p>
        {isRouteErrorResponse(error) && typeof error.data === "string"
          ? error.data
          : "The page could not be shown. Please try again in a moment."}
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}
