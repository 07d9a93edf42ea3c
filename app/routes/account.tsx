import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { memberPath } from "~/discovery/paths";
import { changePassword, deleteAccount, updateProfile } from "~/auth/accounts.server";
import { changePasswordSchema, deleteAccountSchema, profileSchema } from "~/auth/forms";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, endAllSessions, endSession, requireUser, startSession } from "~/http/session.server";
import { Field, FormError } from "~/components/Field";
import { getDatabase } from "~/database.server";

export const meta: MetaFunction = () => [{ title: "Your account" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireUser(request);
  const signedOutElsewhere = new URL(request.url).searchParams.get("signedOutElsewhere") === "1";
  return json({ user, signedOutElsewhere }, { headers });
}

type ActionData = { intent: string; result: SubmissionResult<string[]>; done?: string };

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { user, headers } = await requireUser(request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const db = await getDatabase();

  if (intent === "signout-everywhere") {
    await endAllSessions(user.id);
    const cookie = await startSession(user.id); // stay signed in here only
    return redirect("/account?signedOutElsewhere=1", { headers: cookieHeaders(headers, cookie) });
  }

  const schema =
    intent === "profile" ? profileSchema : intent === "password" ? changePasswordSchema : deleteAccountSchema;
  const submission = parseWithZod(formData, { schema });
  const hide = ["currentPassword", "newPassword"];
  if (submission.status !== "success") {
    return json<ActionData>({ intent, result: submission.reply({ hideFields: hide }) }, { status: 400, headers });
  }
  const value = submission.value;
  if (value.intent === "profile") {
    const result = await updateProfile(db, user.id, value);
    if (!result.ok) {
      return json<ActionData>(
        { intent, result: submission.reply({ fieldErrors: result.fieldErrors }) },
        { status: 400, headers },
      );
    }
    return json<ActionData>(
      { intent, result: submission.reply(), done: "Your name and email were saved." },
      { headers },
    );
  }
  if (value.intent === "password") {
    const result = await changePassword(db, user.id, value.currentPassword, value.newPassword);
    if (!result.ok) {
      return json<ActionData>(
        { intent, result: submission.reply({ hideFields: hide, fieldErrors: result.fieldErrors }) },
        { status: 400, headers },
      );
    }
    // A new password ends every other session: whoever knew the old one is out.
    await endAllSessions(user.id);
    const cookie = await startSession(user.id);
    return json<ActionData>(
      {
        intent,
        result: submission.reply({ resetForm: true }),
        done: "Your password was changed. Other devices were signed out.",
      },
      { headers: cookieHeaders(headers, cookie) },
    );
  }
  const result = await deleteAccount(db, user.id, value.currentPassword);
  if (!result.ok) {
    const { "": formErrors, ...fieldErrors } = result.fieldErrors;
    return json<ActionData>(
      { intent, result: submission.reply({ hideFields: hide, fieldErrors, formErrors }) },
      { status: 400, headers },
    );
  }
  return redirect("/?accountDeleted=1", {
    headers: cookieHeaders(new Headers(), await endSession(request)),
  });
}

export default function Account() {
  const { user, signedOutElsewhere } = useLoaderData<typeof loader>();
  const action = useActionData<typeof action>() as ActionData | undefined;
  const resultFor = (id: string) => (action?.intent === id ? action.result : null);
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
        Signed in as <strong>{user.displayName}</strong> ({user.role}).{" "}
        <Link to={memberPath(user.id)}>Your public profile</Link>
      </p>
      {action?.done || signedOutElsewhere ? (
        <p className="notice" role="status">
          {action?.done ?? "Every other session was signed out."}
        </p>
      ) : null}

      <h2>Name and email</h2>
      <Form method="post" className="comment-form" {...getFormProps(profileForm)}>
        <input type="hidden" name="intent" value="profile" />
        <FormError id={profileForm.errorId} errors={profileForm.errors} />
        <Field label="Display name" meta={profile.displayName} type="text" autoComplete="name" />
        <Field label="Email (never shown)" meta={profile.email} type="email" autoComplete="email" />
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
