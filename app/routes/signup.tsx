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
import { clientAddress } from "~/http/client-address.server";
import { signInQuerySchema, signUpSchema } from "~/auth/forms";
import { PASSWORD_MIN_LENGTH } from "~/auth/password-rules";
import { safeRedirect } from "~/auth/redirect";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, getRequestUser, startSession } from "~/http/session.server";
import { signUp } from "~/auth/sign-up.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";
import { signinPath } from "~/discovery/paths";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Create an account" }];

// Keeps the action's Retry-After on the page a browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getRequestUser(request);
  const query = parseWithZod(new URL(request.url).searchParams, { schema: signInQuerySchema });
  // The schema never refuses (app/auth/forms.ts); were it to, home is the safe place to return to.
  const redirectTo = query.status === "success" ? query.value.redirectTo : "/";
  if (user) throw redirect(redirectTo, { headers });
  return json({ redirectTo }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readFormBody(request), { schema: signUpSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const outcome = await signUp(await getDatabase(), { ...submission.value, clientAddress: clientAddress(context) });
  switch (outcome.kind) {
    case "rate-limited":
      return json(
        submission.reply({
          hideFields: ["password"],
          formErrors: [
            `Too many new accounts from your network. Please try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes.`,
          ],
        }),
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    case "refused":
      return json(submission.reply({ hideFields: ["password"], fieldErrors: outcome.fieldErrors }), { status: 400 });
    case "created": {
      const cookie = await startSession(outcome.user.id);
      return redirect(safeRedirect(submission.value.redirectTo), { headers: cookieHeaders(new Headers(), cookie) });
    }
  }
}

export default function SignUp() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "signup",
    lastResult,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signUpSchema }),
  });
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <p>Comment under a name that stays yours, and follow the discussions you join.</p>
      <Form method="post" className="comment-form" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError id={form.errorId} errors={form.errors} />
        <Field label="Email (never shown)" meta={fields.email} type="email" autoComplete="email" />
        <Field
          label="Display name"
          meta={fields.displayName}
          type="text"
          autoComplete="name"
          hint="Shown with your comments."
        />
        <Field
          label="Password"
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words work well.`}
        />
        <button type="submit" className="button">
          Create account
        </button>
      </Form>
      <p>
        Already have an account? <Link to={signinPath(redirectTo)}>Sign in</Link>
      </p>
    </section>
  );
}
