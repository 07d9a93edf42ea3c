import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { changeOwnPassword, deleteOwnAccount, saveProfile, signOutEverywhere } from "~/auth/account-settings.server";
import { resendVerification } from "~/auth/email-verification.server";
import { accountSettingsSchema, changePasswordSchema, deleteAccountSchema, profileSchema } from "~/auth/forms";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, endSession, requireUser, startSession } from "~/http/session.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";
import { memberPath } from "~/discovery/paths";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Your account" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireUser(request);
  const search = new URL(request.url).searchParams;
  const signedOutElsewhere = search.get("signedOutElsewhere") === "1";
  const passwordChanged = search.get("passwordChanged") === "1";
  const passwordReset = search.get("passwordReset") === "1";
  return json({ user, signedOutElsewhere, passwordChanged, passwordReset }, { headers });
}

type ActionData = { intent: string; result: SubmissionResult<string[]>; done?: string };

/** Fields never sent back to the browser, even on a refused form. */
const HIDE = ["currentPassword", "newPassword"];

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { user, headers } = await requireUser(request);
  const submission = parseWithZod(await readFormBody(request), { schema: accountSettingsSchema });
  const intent = String(submission.payload.intent ?? "");
  if (submission.status !== "success") {
    return json<ActionData>({ intent, result: submission.reply({ hideFields: HIDE }) }, { status: 400, headers });
  }
  const value = submission.value;
  const db = await getDatabase();
  const refuse = (
    { fieldErrors, formErrors }: { fieldErrors: Record<string, string[]>; formErrors: string[] },
    hide?: string[],
  ) =>
    json<ActionData>(
      {
        intent,
        result: submission.reply({
          hideFields: hide,
          fieldErrors,
          formErrors: formErrors.length ? formErrors : undefined,
        }),
      },
      { status: 400, headers },
    );

  switch (value.intent) {
    case "resend-verification": {
      const outcome = await resendVerification(db, user.id);
      if (outcome.kind === "rate-limited") {
        return json<ActionData>(
          {
            intent,
            result: submission.reply({
              formErrors: [
                `You have asked for several emails already. Please wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes before asking again.`,
              ],
            }),
          },
          { status: 429, headers },
        );
      }
      const done =
        outcome.kind === "sent"
          ? `We have sent a new link to ${user.email}. It works once, for 7 days.`
          : "Your email address is already confirmed.";
      return json<ActionData>({ intent, result: submission.reply(), done }, { headers });
    }
    case "signout-everywhere": {
      await signOutEverywhere(db, user.id);
      const cookie = await startSession(user.id); // stay signed in here only
      return redirect("/account?signedOutElsewhere=1", { headers: cookieHeaders(headers, cookie) });
    }
    case "profile": {
      const outcome = await saveProfile(db, user.id, value);
      if (!outcome.ok) return refuse(outcome, HIDE);
      const emailChanged = value.email !== user.email;
      return json<ActionData>(
        {
          intent,
          result: submission.reply({ hideFields: HIDE }),
          done: emailChanged
            ? `Your name and email were saved. We have sent a link to ${value.email}: follow it to confirm the new address. We have also told ${user.email} about the change.`
            : "Your name and email were saved.",
        },
        { headers },
      );
    }
    case "password": {
      const outcome = await changeOwnPassword(db, user.id, value);
      if (!outcome.ok) return refuse(outcome, HIDE);
      // Every session has ended, this one too: a redirect (not data) so the page
      // is drawn with the new session's cookie, not the request's ended one.
      const cookie = await startSession(user.id);
      return redirect("/account?passwordChanged=1", { status: 303, headers: cookieHeaders(headers, cookie) });
    }
    case "delete": {
      const outcome = await deleteOwnAccount(db, user.id, value);
      if (!outcome.ok) return refuse(outcome, HIDE);
      return redirect("/?accountDeleted=1", {
        headers: cookieHeaders(new Headers(), await endSession(request)),
      });
    }
  }
}

export default function Account() {
  const { user, signedOutElsewhere, passwordChanged, passwordReset } = useLoaderData<typeof loader>();
  const action = useActionData<typeof action>() as ActionData | undefined;
  const resultFor = (id: string) => (action?.intent === id ? action.result : null);
  // A form this page does not have (a stale or forged one): its message goes above the forms.
  const formMissing = action?.result.error?.intent?.[0];
  const [profileForm, profile] = useForm({
    id: "profile",
    lastResult: resultFor("profile"),
    defaultValue: { displayName: user.displayName, email: user.email },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
  });
  const [passwordForm, password] = useForm({
    id: "password",
    lastResult: resultFor("password"),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
  });
  const resendForm = resultFor("resend-verification");
  const [deleteForm, remove] = useForm({
    id: "delete",
    lastResult: resultFor("delete"),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: deleteAccountSchema }),
  });
  return (
    <section className="narrow">
      <h1>Your account</h1>
      <p>
        Signed in as{" "}
        <strong>
          <bdi>{user.displayName}</bdi>
        </strong>{" "}
        ({user.role}). <Link to={memberPath(user.id)}>Your public profile</Link>
      </p>
      {formMissing ? (
        <p className="form-error" role="alert">
          {formMissing}
        </p>
      ) : null}
      {action?.done || signedOutElsewhere || passwordChanged || passwordReset ? (
        <p className="notice" role="status">
          {action?.done ??
            (passwordReset
              ? "Your new password is saved. Every other device was signed out."
              : passwordChanged
                ? "Your password was changed. Other devices were signed out."
                : "Every other session was signed out.")}
        </p>
      ) : null}
      {user.emailVerified ? null : (
        <Form method="post" id="verify-email" className="notice">
          <input type="hidden" name="intent" value="resend-verification" />
          <p>
            Your email address ({user.email}) is not confirmed yet. Follow the link we sent to it; until then your
            comments wait for a moderator, as a new guest's do.
          </p>
          {resendForm?.error?.[""]?.length ? (
            <p className="form-error" role="alert">
              {resendForm.error[""].join(" ")}
            </p>
          ) : null}
          <button type="submit" className="button">
            Send the link again
          </button>
        </Form>
      )}

      <h2>Name and email</h2>
      <Form method="post" className="comment-form" {...getFormProps(profileForm)}>
        <input type="hidden" name="intent" value="profile" />
        <FormError id={profileForm.errorId} errors={profileForm.errors} />
        <Field label="Display name" meta={profile.displayName} type="text" autoComplete="name" />
        <Field label="Email (never shown)" meta={profile.email} type="email" autoComplete="email" />
        <Field
          label="Current password (needed to change your email)"
          meta={profile.currentPassword}
          type="password"
          autoComplete="current-password"
        />
        <button type="submit" className="button">
          Save
        </button>
      </Form>

      <h2>Password</h2>
      <Form method="post" className="comment-form" {...getFormProps(passwordForm)}>
        <input type="hidden" name="intent" value="password" />
        <FormError id={passwordForm.errorId} errors={passwordForm.errors} />
        <Field
          label="Current password"
          meta={password.currentPassword}
          type="password"
          autoComplete="current-password"
        />
        <Field label="New password" meta={password.newPassword} type="password" autoComplete="new-password" />
        <button type="submit" className="button">
          Change password
        </button>
      </Form>

      <h2>Sessions</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="signout-everywhere" />
        <p>Signed in on a shared or lost device? End every other session.</p>
        <button type="submit" className="button">
          Sign out everywhere else
        </button>
      </Form>

      <h2>Delete your account</h2>
      <Form method="post" className="comment-form" {...getFormProps(deleteForm)}>
        <input type="hidden" name="intent" value="delete" />
        <p>
          Your comments stay in their discussions so replies still make sense, shown as “Former member”. Your name,
          email and password are deleted.
        </p>
        <FormError id={deleteForm.errorId} errors={deleteForm.errors} />
        <Field label="Your password" meta={remove.currentPassword} type="password" autoComplete="current-password" />
        <button type="submit" className="button danger">
          Delete my account
        </button>
      </Form>
    </section>
  );
}
