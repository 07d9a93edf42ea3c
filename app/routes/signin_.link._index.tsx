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
import { lifetimeInWords, shortLinkMinutes } from "~/auth/account-email.server";
import { signInLinkRequestSchema, signInQuerySchema } from "~/auth/forms";
import { safeRedirect } from "~/auth/redirect";
import { requestSignInLink } from "~/auth/sign-in-link.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";
import { signinPath, signupPath } from "~/discovery/paths";
import { clientAddress } from "~/http/client-address.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Sign in with a link by email" }];

// Keeps the action's Retry-After on the page a browser without JavaScript gets.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) =>
  actionHeaders.has("Retry-After") ? actionHeaders : loaderHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getRequestUser(request);
  const query = parseWithZod(new URL(request.url).searchParams, { schema: signInQuerySchema });
  // The schema never refuses (app/auth/forms.ts); were it to, home is the safe place to return to.
  const redirectTo = query.status === "success" ? query.value.redirectTo : "/";
  if (user) throw redirect(redirectTo, { headers });
  return json({ redirectTo, minutes: lifetimeInWords(shortLinkMinutes()) }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readFormBody(request), { schema: signInLinkRequestSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply(), sentTo: null }, { status: 400 });
  }
  const outcome = await requestSignInLink(await getDatabase(), {
    email: submission.value.email,
    clientAddress: clientAddress(context),
    redirectTo: safeRedirect(submission.value.redirectTo),
  });
  if (outcome.kind === "rate-limited") {
    return json(
      {
        result: submission.reply({
          formErrors: [
            `Too many sign-in attempts. Please wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes and try again.`,
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

export default function SignInLinkRequest() {
  const { redirectTo, minutes } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "signin-link",
    lastResult: data?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signInLinkRequestSchema }),
  });
  if (data?.sentTo) {
    return (
      <section className="narrow">
        <h1>Check your email</h1>
        <p className="notice" role="status">
          If an account uses {data.sentTo}, we have sent it a sign-in link. The link works once, for {minutes}.
        </p>
        <p>
          No account yet? <Link to={signupPath(redirectTo)}>Create one</Link>: no email comes for an address without an
          account.
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Sign in with a link by email</h1>
      <p>No password to remember: we email you a link that signs you in.</p>
      <Form method="post" className="comment-form" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError id={form.errorId} errors={form.errors} />
        <Field label="Email" meta={fields.email} type="email" autoComplete="email" />
        <button type="submit" className="button">
          Email me a sign-in link
        </button>
      </Form>
      <p>
        <Link to={signinPath(redirectTo)}>Sign in with your password</Link> ·{" "}
        <Link to={signupPath(redirectTo)}>Create an account</Link>
      </p>
    </section>
  );
}
