import {
  json,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, isRouteErrorResponse, useActionData, useLoaderData, useRouteError } from "@remix-run/react";
import { postPath } from "~/discovery/paths";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getDatabase } from "~/database.server";
import { describeSubscription, unsubscribe, type SubscriptionKind } from "~/notifications/subscriptions.server";
import { getPost } from "~/posts/posts.server";

// The one-click unsubscribe link in every notification email
// (/unsubscribe/<token>, no sign-in). GET only shows what the link is about,
// so a mail scanner that follows links unsubscribes nobody; the button, or a
// mail client's RFC 8058 one-click POST ("List-Unsubscribe=One-Click", sent
// without Origin or cookies), does it.

const UNKNOWN_LINK =
  "This unsubscribe link is not valid. Check that the whole link was copied from the email: it ends with a long code. " +
  "Links from older emails keep working, so if you clicked one and see this, the link was probably cut short.";

async function postTitle(slug: string): Promise<string> {
  try {
    return (await getPost(slug))?.title ?? slug;
  } catch {
    return slug;
  }
}

export async function loader({ params }: LoaderFunctionArgs) {
  const db = await getDatabase();
  const subscription = await describeSubscription(db, params.token ?? "");
  if (!subscription) throw new Response(UNKNOWN_LINK, { status: 404 });
  return json({
    kind: subscription.kind,
    postSlug: subscription.postSlug,
    postTitle: await postTitle(subscription.postSlug),
    emailHint: subscription.emailHint,
    active: subscription.unsubscribedAt === null,
  });
}

export async function action({ params, request }: ActionFunctionArgs) {
  // Mail clients' one-click POSTs carry no Origin and no Sec-Fetch-Site: allowed.
  requireSameOrigin(request);
  const db = await getDatabase();
  const done = await unsubscribe(db, params.token ?? "");
  if (!done) throw new Response(UNKNOWN_LINK, { status: 404 });
  return json({ unsubscribed: true as const, kind: done.kind, postSlug: done.postSlug });
}

export const headers: HeadersFunction = () => ({
  // A page per secret link: neither cached nor indexed.
  "Cache-Control": "no-store",
  "X-Robots-Tag": "noindex",
});

export const meta: MetaFunction = ({ error }) => [
  { title: error ? "Unsubscribe link not found" : "Unsubscribe" },
  { name: "robots", content: "noindex" },
  // The token is in this page's address: never send it on as a Referer.
  { name: "referrer", content: "no-referrer" },
];

function whatItIs(kind: SubscriptionKind, title: string) {
  return kind === "replies" ? (
    <>
      emails about replies to your comment on <cite dir="auto">{title}</cite>
    </>
  ) : (
    <>
      emails about every new comment on <cite dir="auto">{title}</cite>
    </>
  );
}

export default function Unsubscribe() {
  const data = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const postLink = <Link to={postPath(data.postSlug)}>Back to the post</Link>;
  if (done || !data.active) {
    return (
      <section className="narrow">
        <h1>You are unsubscribed</h1>
        <p className="notice" role="status">
          {done ? "Done: " : "Already done: "}
          <bdi>{data.emailHint}</bdi> gets no more {whatItIs(data.kind, data.postTitle)}.
        </p>
        <p>{postLink}</p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Unsubscribe</h1>
      <p>
        This link stops {whatItIs(data.kind, data.postTitle)}, sent to <bdi>{data.emailHint}</bdi>. No sign-in needed.
      </p>
      <Form method="post">
        <button type="submit" className="button">
          Unsubscribe
        </button>
      </Form>
      <p>{postLink}</p>
    </section>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <section className="error-page">
      <h1>{notFound ? "Unsubscribe link not found" : "Something went wrong"}</h1>
      <p>
        {isRouteErrorResponse(error) && typeof error.data === "string"
          ? error.data
          : "The page could not be shown. Please try the link again in a moment."}
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}
