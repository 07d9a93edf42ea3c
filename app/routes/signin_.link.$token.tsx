import {
  json,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { safeRedirect } from "~/auth/redirect";
import { checkSignInLink, signInWithLink } from "~/auth/sign-in-link.server";
import { EmailLinkProblem, emailLinkProblemStatus } from "~/components/EmailLinkProblem";
import { getDatabase } from "~/database.server";
import { signInLinkPath } from "~/discovery/paths";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, endSession, startSession } from "~/http/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in" }];

/** The link's token is in the address: never cached, never sent on as a Referer. */
const PRIVATE_PAGE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
export const headers: HeadersFunction = () => PRIVATE_PAGE;

/** Where to go after signing in: the link's `redirectTo`, when it is a path on this site. */
function redirectToOf(request: Request): string {
  return safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
}

/**
 * The page a sign-in link opens: a button that signs in (a POST, so a mail
 * scanner that opens the link neither spends it nor gets the session).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const check = await checkSignInLink(await getDatabase(), params.token ?? "");
  const again = signInLinkPath(redirectToOf(request));
  if (check.kind !== "works") {
    return json(
      { problem: check.kind, name: null, again },
      { status: emailLinkProblemStatus(check.kind), headers: PRIVATE_PAGE },
    );
  }
  return json({ problem: null, name: check.holder.displayName, again }, { headers: PRIVATE_PAGE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const outcome = await signInWithLink(await getDatabase(), params.token ?? "");
  if (outcome.kind !== "signed-in") {
    return json({ problem: outcome.kind }, { status: emailLinkProblemStatus(outcome.kind) });
  }
  // Whoever was signed in on this browser before is signed out first.
  const ended = await endSession(request);
  const cookie = await startSession(outcome.user.id);
  return redirect(redirectToOf(request), { status: 303, headers: cookieHeaders(new Headers(), ended, cookie) });
}

export default function SignInWithLink() {
  const { problem: linkProblem, name, again } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  // After a POST, the loader runs again and finds the link spent: the action's answer is what counts.
  const problem = data ? data.problem : linkProblem;
  if (problem) return <EmailLinkProblem kind={problem} again={{ to: again, label: "Email me a new sign-in link" }} />;
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <p>
        Sign in as{" "}
        <strong>
          <bdi>{name}</bdi>
        </strong>
        .
      </p>
      <Form method="post">
        <button type="submit" className="button">
          Sign me in
        </button>
      </Form>
    </section>
  );
}
