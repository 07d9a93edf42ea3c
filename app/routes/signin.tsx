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

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readFormBody(request), { schema: signInSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const outcome = await signIn(await getDatabase(), { ...submission.value, clientAddress: clientAddress(context) });
  switch (outcome.kind) {
    case "rate-limited":
      return json(
        submission.reply({
          hideFields: ["password"],
          formErrors: [
            `Too many sign-in attempts. Please wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes and try again.`,
          ],
        }),
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    case "no-match":
      return json(
        submission.reply({
          hideFields: ["password"],
          formErrors: ["That email and password do not match an account."],
        }),
        { status: 400 },
      );
    case "signed-in": {
      const cookie = await startSession(outcome.user.id);
      return redirect(safeRedirect(submission.value.redirectTo), { headers: cookieHeaders(new Headers(), cookie) });
    }
  }
}

export default function SignIn() {
  const { redirectTo, expired } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
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
