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
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { newPasswordSchema } from "~/auth/forms";
import { checkResetLink, resetPassword } from "~/auth/password-reset.server";
import { PASSWORD_MIN_LENGTH } from "~/auth/password-rules";
import { EmailLinkProblem, emailLinkProblemStatus } from "~/components/EmailLinkProblem";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";
import { passwordResetPath } from "~/discovery/paths";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, startSession } from "~/http/session.server";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password" }];

/** The link's token is in the address: never cached, never sent on as a Referer. */
const PRIVATE_PAGE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
export const headers: HeadersFunction = () => PRIVATE_PAGE;

export async function loader({ params }: LoaderFunctionArgs) {
  const check = await checkResetLink(await getDatabase(), params.token ?? "");
  if (check.kind !== "works") {
    return json(
      { problem: check.kind, name: null },
      { status: emailLinkProblemStatus(check.kind), headers: PRIVATE_PAGE },
    );
  }
  return json({ problem: null, name: check.holder.displayName }, { headers: PRIVATE_PAGE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readFormBody(request), { schema: newPasswordSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: ["password"] }), problem: null }, { status: 400 });
  }
  const outcome = await resetPassword(await getDatabase(), {
    token: params.token ?? "",
    password: submission.value.password,
  });
  switch (outcome.kind) {
    case "refused":
      return json(
        { result: submission.reply({ hideFields: ["password"], fieldErrors: outcome.fieldErrors }), problem: null },
        { status: 400 },
      );
    case "invalid":
    case "expired":
    case "used":
      return json(
        { result: submission.reply({ hideFields: ["password"] }), problem: outcome.kind },
        { status: emailLinkProblemStatus(outcome.kind) },
      );
    case "reset": {
      // Every session of the account has ended; this browser gets a new one.
      const cookie = await startSession(outcome.userId);
      return redirect("/account?passwordReset=1", { status: 303, headers: cookieHeaders(new Headers(), cookie) });
    }
  }
}

export default function PasswordResetLink() {
  const { problem: linkProblem, name } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "new-password",
    lastResult: data?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
  });
  // After a POST, the loader runs again and finds the link spent: the action's answer is what counts.
  const problem = data ? data.problem : linkProblem;
  if (problem) {
    return <EmailLinkProblem kind={problem} again={{ to: passwordResetPath(), label: "Ask for a new reset link" }} />;
  }
  return (
    <section className="narrow">
      <h1>Choose a new password</h1>
      <p>
        For the account of{" "}
        <strong>
          <bdi>{name}</bdi>
        </strong>
        . Saving it signs the account out on every device; you stay signed in here.
      </p>
      <Form method="post" className="comment-form" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <Field
          label="New password"
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words work well.`}
        />
        <button type="submit" className="button">
          Save my new password
        </button>
      </Form>
    </section>
  );
}
