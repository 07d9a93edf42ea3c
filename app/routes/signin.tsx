import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import {
  json,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { passwordResetPath, signInLinkPath, signupPath } from "~/discovery/paths";
import { clientAddress } from "~/http/client-address.server";
import { signInQuerySchema, signInSchema } from "~/auth/forms";
import { safeRedirect } from "~/auth/redirect";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, getRequestUser, startSession } from "~/http/session.server";
import { readDevice } from "~/auth/device-cookie.server";
import { signIn } from "~/auth/sign-in.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Sign in" }];

// Keeps the action's Retry-After on the page a browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getRequestUser(request);
  const query = parseWithZod(new URL(request.url).searchParams, { schema: signInQuerySchema });
  // The schema never refuses (app/auth/forms.ts); were it to, home is the safe place to return to.
  const { redirectTo, expired } = query.status === "success" ? query.value : { redirectTo: "/", expired: false };
  if (user) throw redirect(redirectTo, { headers });
  return json({ redirectTo, expired }, { headers });
}

/** What a throttled sign-in says, by what holds it (app/auth/sign-in-throttle.server.ts). */
const THROTTLED_BY = {
  address: "There have been too many failed sign-ins from your network.",
  account: "There have been too many failed sign-ins to this account from browsers it has not used before.",
  device: "There have been too many failed sign-ins from this browser.",
} as const;

/** "40 seconds", "1 minute", "15 minutes": a wait in words (whole minutes from a minute up, rounded up). */
function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readFormBody(request), { schema: signInSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: ["password"] }), throttled: false }, { status: 400 });
  }
  const outcome = await signIn(await getDatabase(), {
    ...submission.value,
    clientAddress: clientAddress(context),
    device: readDevice(request.headers.get("cookie")),
    secure: process.env.NODE_ENV === "production",
  });
  switch (outcome.kind) {
    case "throttled":
      return json(
        {
          result: submission.reply({
            hideFields: ["password"],
            formErrors: [
              `${THROTTLED_BY[outcome.by]} Please wait ${waitInWords(outcome.retryAfterSeconds)} and try again, or sign in with a link we email you: it works straight away.`,
            ],
          }),
          throttled: true,
        },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    case "no-match":
      return json(
        {
          result: submission.reply({
            hideFields: ["password"],
            formErrors: ["That email and password do not match an account."],
          }),
          throttled: false,
        },
        { status: 400 },
      );
    case "signed-in": {
      const cookie = await startSession(outcome.user.id);
      return redirect(safeRedirect(submission.value.redirectTo), {
        headers: cookieHeaders(new Headers(), cookie, outcome.setCookie),
      });
    }
  }
}

export default function SignIn() {
  const { redirectTo, expired } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData?.result;
  const [form, fields] = useForm({
    id: "signin",
    lastResult,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signInSchema }),
  });
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {expired ? (
        <p className="form-error" role="status">
          Your session ended while you were writing. Sign in again and your comment will be waiting for you.
        </p>
      ) : null}
      <Form method="post" className="comment-form" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError id={form.errorId} errors={form.errors} />
        {actionData?.throttled ? (
          <p className="notice">
            <Link to={signInLinkPath(redirectTo)}>Email me a sign-in link</Link>
          </p>
        ) : null}
        <Field label="Email" meta={fields.email} type="email" autoComplete="email" />
        <Field label="Password" meta={fields.password} type="password" autoComplete="current-password" />
        <button type="submit" className="button">
          Sign in
        </button>
      </Form>
      <p>
        <Link to={passwordResetPath()}>Forgot your password?</Link> ·{" "}
        <Link to={signInLinkPath(redirectTo)}>Email me a sign-in link instead</Link>
      </p>
      <p>
        New here? <Link to={signupPath(redirectTo)}>Create an account</Link>
      </p>
    </section>
  );
}
