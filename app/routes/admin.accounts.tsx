import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { listAccounts, setRole } from "~/auth/accounts.server";
import { roleSchema } from "~/auth/forms";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireUser } from "~/http/session.server";
import { getDatabase } from "~/database.server";
import { formatInstant } from "~/posts/dates";
import { isolated } from "~/site/bidi";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Accounts" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireUser(request, { roles: ["admin"] });
  return json({ me: user.id, accounts: await listAccounts(await getDatabase()) }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { headers } = await requireUser(request, { roles: ["admin"] });
  const submission = parseWithZod(await readFormBody(request), { schema: roleSchema });
  if (submission.status !== "success") {
    // One line above the table says what was wrong with the form (roleSchema's messages).
    const message = submission.error?.role?.[0] ?? submission.error?.userId?.[0] ?? "Choose member, coach or admin.";
    return json({ userId: null, message, ok: false }, { status: 400, headers });
  }
  const result = await setRole(await getDatabase(), submission.value.userId, submission.value.role);
  if (!result.ok) {
    const message = Object.values(result.fieldErrors).flat().join(" ");
    return json({ userId: submission.value.userId, message, ok: false }, { status: 400, headers });
  }
  return json(
    {
      userId: result.value.id,
      message: `${isolated(result.value.displayName)} is now ${result.value.role === "admin" ? "an admin" : `a ${result.value.role}`}.`,
      ok: true,
    },
    { headers },
  );
}

export default function Accounts() {
  const { accounts, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section>
      <h1>Accounts</h1>
      <p>
        Members comment under their name. Coaches also edit their own posts (link a coach to an author entry with the
        author's “Account email” in the editor) and reply with the Author badge. Admins edit everything and manage
        accounts.
      </p>
      {result && !result.userId ? (
        <p className="form-error" role="alert">
          {result.message}
        </p>
      ) : null}
      <table className="accounts">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Joined</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id}>
              <td>
                <bdi>{account.displayName}</bdi>
                {account.id === me ? " (you)" : ""}
              </td>
              <td>{account.email}</td>
              <td>{formatInstant(account.createdAt)}</td>
              <td>
                <Form method="post" className="role-form">
                  <input type="hidden" name="userId" value={account.id} />
                  <label className="visually-hidden" htmlFor={`role-${account.id}`}>
                    Role of <bdi>{account.displayName}</bdi>
                  </label>
                  <select id={`role-${account.id}`} name="role" defaultValue={account.role}>
                    <option value="member">member</option>
                    <option value="coach">coach</option>
                    <option value="admin">admin</option>
                  </select>{" "}
                  <button type="submit" className="button small">
                    Set role
                  </button>
                  {result?.userId === account.id ? (
                    <p className={result.ok ? "notice" : "field-error"} role={result.ok ? "status" : "alert"}>
                      {result.message}
                    </p>
                  ) : null}
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
