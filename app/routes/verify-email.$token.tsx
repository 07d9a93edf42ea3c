import {
  json,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { checkVerificationLink, verifyEmail } from "~/auth/email-verification.server";
import { EmailLinkProblem, emailLinkProblemStatus } from "~/components/EmailLinkProblem";
import { getDatabase } from "~/database.server";
import { requireSameOrigin } from "~/http/same-origin.server";

export const meta: MetaFunction = () => [{ title: "Confirm your email address" }];

/** The link's token is in the address: never cached, never sent on as a Referer. */
const PRIVATE_PAGE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
export const headers: HeadersFunction = () => PRIVATE_PAGE;

/** Where a member asks for a new verification link (signing in first when needed). */
const RESEND = { to: "/account", label: "Send a new link from your account page" };

export async function loader({ params }: LoaderFunctionArgs) {
  const check = await checkVerificationLink(await getDatabase(), params.token ?? "");
  if (check.kind !== "works") {
    return json(
      { problem: check.kind, email: null },
      { status: emailLinkProblemStatus(check.kind), headers: PRIVATE_PAGE },
    );
  }
  return json({ problem: null, email: check.holder.email }, { headers: PRIVATE_PAGE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const outcome = await verifyEmail(await getDatabase(), params.token ?? "");
  if (outcome.kind !== "verified") {
    return json({ problem: outcome.kind, verified: false }, { status: emailLinkProblemStatus(outcome.kind) });
  }
  return json({ problem: null, verified: true });
}

export default function VerifyEmail() {
  const { problem: linkProblem, email } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  // After a POST, the loader runs again and finds the link spent: the action's answer is what counts.
  const problem = data ? data.problem : linkProblem;
  if (problem) return <EmailLinkProblem kind={problem} again={RESEND} />;
  if (data?.verified) {
    return (
      <section className="narrow">
        <h1>Your email address is confirmed</h1>
        <p className="notice" role="status">
          Thank you. Your comments now appear as a member's do, without waiting for a moderator.
        </p>
        <p>
          <Link to="/">Back to the site</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Confirm your email address</h1>
      <p>
        Confirm that <strong>{email}</strong> is your address on this site.
      </p>
      <Form method="post">
        <button type="submit" className="button">
          Confirm my email address
        </button>
      </Form>
    </section>
  );
}
