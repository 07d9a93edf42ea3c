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
import { authenticate } from "~/auth/accounts.server";
import { clientAddress } from "~/http/client-address.server";
import { signInSchema } from "~/auth/forms";
import { hitRateLimit } from "~/auth/rate-limit.server";
import { safeRedirect } from "~/auth/redirect";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, getRequestUser, startSession } from "~/http/session.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";

export const meta: MetaFunction = () => [{ title: "Sign in" }];

/** Attempts allowed per 15 minutes, per client address and per account. */
const PER_ADDRESS = 30;
const PER_ACCOUNT = 10;
const WINDOW_SECONDS = 15 * 60;

// Keeps the action's Retry-After on the page a browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getRequestUser(request);
  const params = new URL(request.url).searchParams;
  const redirectTo = safeRedirect(params.get("redirectTo"));
  if (user) throw redirect(redirectTo, { headers });
  return json({ redirectTo, expired: params.get("expired") === "1" }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: signInSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const db = await getDatabase();
  for (const key of [`signin:ip:${clientAddress(context)}`, `signin:account:${submission.value.email}`]) {
    const limit = await hitRateLimit(db, key, key.includes(":ip:") ? PER_ADDRESS : PER_ACCOUNT, WINDOW_SECONDS);
    if (!limit.allowed) {
      return json(
        submission.reply({
          hideFields: ["password"],
          formErrors: [
            `Too many sign-in attempts. Please wait ${Math.ceil(limit.retryAfterSeconds / 60)} minutes and try again.`,
          ],
        }),
        { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
      );
    }
  }
  const user = await authenticate(db, submission.value.email, submission.value.password);
  if (!user) {
    return json(
      submission.reply({ hideFields: ["password"], formErrors: ["That email and password do not match an account."] }),
      { status: 400 },
    );
  }
  const cookie = await startSession(user.id);
  return redirect(safeRedirect(submission.value.redirectTo), { headers: cookieHeaders(new Headers(), cookie) });
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
        New here? <Link to={`/signup?redirectTo=${encodeURIComponent(redirectTo)}`}>Create an account</Link>
      </p>
    </section>
  );
}
