import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type HeadersFunction, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { lifetimeInWords, shortLinkMinutes } from "~/auth/account-email.server";
import { passwordResetRequestSchema } from "~/auth/forms";
import { requestPasswordReset } from "~/auth/password-reset.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";
import { signInLinkPath, signinPath } from "~/discovery/paths";
import { clientAddress } from "~/http/client-address.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Reset your password" }];

// Keeps the action's Retry-After on the page a browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader() {
  return json({ minutes: lifetimeInWords(shortLinkMinutes()) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readFormBody(request), { schema: passwordResetRequestSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply(), sentTo: null }, { status: 400 });
  }
  const outcome = await requestPasswordReset(await getDatabase(), {
    email: submission.value.email,
    clientAddress: clientAddress(context),
  });
  if (outcome.kind === "rate-limited") {
    return json(
      {
        result: submission.reply({
          formErrors: [
            `Too many requests for reset links. Please wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes and try again.`,
          ],
        }),
        sentTo: null,
      },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  // The same answer whether or not the address has an account (the email goes out after it).
  return json({ result: submission.reply(), sentTo: submission.value.email });
}

export default function PasswordResetRequest() {
  const { minutes } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "password-reset",
    lastResult: data?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passwordResetRequestSchema }),
  });
  if (data?.sentTo) {
    return (
      <section className="narrow">
        <h1>Check your email</h1>
        <p className="notice" role="status">
          If an account uses {data.sentTo}, we have sent it a link to choose a new password. The link works once, for{" "}
          {minutes}.
        </p>
        <p>
          Nothing after a few minutes? Look in your spam folder, check the address, or{" "}
          <Link to="/password-reset">ask again</Link>.
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Reset your password</h1>
      <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
      <Form method="post" className="comment-form" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <Field label="Email" meta={fields.email} type="email" autoComplete="email" />
        <button type="submit" className="button">
          Email me a reset link
        </button>
      </Form>
      <p>
        Remembered it? <Link to={signinPath()}>Sign in</Link>. Or{" "}
        <Link to={signInLinkPath()}>sign in with a link by email</Link>, no password needed.
      </p>
    </section>
  );
}
