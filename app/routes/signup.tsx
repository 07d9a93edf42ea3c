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
import { signinPath } from "~/discovery/paths";
import { createAccount } from "~/auth/accounts.server";
import { clientAddress } from "~/http/client-address.server";
import { signUpSchema } from "~/auth/forms";
import { PASSWORD_MIN_LENGTH } from "~/auth/password-rules";
import { hitRateLimit } from "~/auth/rate-limit.server";
import { safeRedirect } from "~/auth/redirect";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, getRequestUser, startSession } from "~/http/session.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";

export const meta: MetaFunction = () => [{ title: "Create an account" }];

// Keeps the action's Retry-After on the page a browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getRequestUser(request);
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  if (user) throw redirect(redirectTo, { headers });
  return json({ redirectTo }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: signUpSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const db = await getDatabase();
  const limit = await hitRateLimit(db, `signup:ip:${clientAddress(context)}`, 10, 3600);
  if (!limit.allowed) {
    return json(
      submission.reply({
        hideFields: ["password"],
        formErrors: [
          `Too many new accounts from your network. Please try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`,
        ],
      }),
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }
  const result = await createAccount(db, submission.value);
  if (!result.ok) {
    return json(submission.reply({ hideFields: ["password"], fieldErrors: result.fieldErrors }), { status: 400 });
  }
  const cookie = await startSession(result.value.id);
  return redirect(safeRedirect(submission.value.redirectTo), { headers: cookieHeaders(new Headers(), cookie) });
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
