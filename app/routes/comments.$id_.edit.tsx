import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { clientAddress } from "~/http/client-address.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { commentRateLimit } from "~/moderation/limits.server";
import { getRequestUser } from "~/http/session.server";
import { locateComment } from "~/comments/comments.server";
import { EDIT_WINDOW_MINUTES } from "~/comments/edit-window";
import { editSubmission, ownSubmission } from "~/comments/edits.server";
import { findContactDetails } from "~/comments/contact-details";
import { readGuestToken } from "~/comments/guest-token.server";
import { anchorFor } from "~/comments/thread";
import { getDatabase } from "~/database.server";
import { moderatesPost } from "~/moderation/rules";
import { announceSubmission } from "~/notifications/announce.server";
import { getPost, getSiteSettings } from "~/posts/posts.server";

export const meta: MetaFunction = () => [{ title: "Edit your comment" }];

async function load(request: Request, idParam: string | undefined) {
  const id = /^\d{1,9}$/.test(idParam ?? "") ? Number(idParam) : null;
  const { user, headers } = await getRequestUser(request);
  const db = await getDatabase();
  const own =
    id === null
      ? null
      : await ownSubmission(db, id, {
          userId: user?.id ?? null,
          guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
        });
  if (!own)
    throw new Response("You can edit only your own comments, from the browser or account you wrote them with.", {
      status: 404,
      headers,
    });
  return { db, own, user, headers };
}

async function backTo(db: Awaited<ReturnType<typeof getDatabase>>, commentId: number, postSlug: string) {
  const found = await locateComment(db, commentId);
  return found
    ? `/posts/${postSlug}#${anchorFor(found.number)}`
    : `/posts/${postSlug}?held=1#comment-held-${commentId}`;
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { own, headers } = await load(request, params.id);
  return json({ body: own.body, editable: own.editable, postSlug: own.postSlug, commentId: own.first.id }, { headers });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { db, own, user, headers } = await load(request, params.id);
  const form = await request.formData();
  const body = String(form.get("body") ?? "");
  const limited = await commentRateLimit(db, clientAddress(context), user?.id ?? null);
  if (limited) {
    headers.set("Retry-After", String(limited));
    const wait = `You are changing comments faster than we allow. Please wait ${Math.ceil(limited / 60)} minutes; your text is still here.`;
    return json(
      { body, errors: { "": [wait] } as Record<string, string[]>, contactCheck: [] as string[] },
      { status: 429, headers },
    );
  }
  const details = findContactDetails(body);
  if (details.length > 0 && form.get("contactChoice") !== "publish") {
    return json(
      {
        body,
        errors: {
          "": [
            "Your comment seems to include contact details, and comments are public. Publish it as it is, or edit them out.",
          ],
        } as Record<string, string[]>,
        contactCheck: details.map((d) => d.text),
      },
      { status: 422, headers },
    );
  }
  const [site, post] = await Promise.all([getSiteSettings(), getPost(own.postSlug)]);
  const staff = moderatesPost(user, post?.author ?? null);
  const result = await editSubmission(
    db,
    own,
    { limit: site.commentMaxChars, maxParts: site.commentMaxParts, allowAnonymous: site.allowAnonymous },
    body,
    {
      moderation: { holdFirstTimeGuests: site.holdFirstTimeGuests, maxLinks: site.maxLinks },
      writer: staff ? "staff" : user ? "member" : "guest",
    },
  );
  if (!result.ok) {
    return json({ body, errors: result.fieldErrors, contactCheck: [] as string[] }, { status: 400, headers });
  }
  if (result.held) await announceSubmission(db, own.submissionId);
  return redirect(await backTo(db, own.first.id, own.postSlug), { status: 303, headers });
}

export default function EditComment() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const errors = failed?.errors ?? {};
  const messages = [...(errors[""] ?? []), ...(errors.body ?? [])];
  return (
    <section className="narrow">
      <h1>Edit your comment</h1>
      {!data.editable ? (
        <p className="form-error" role="alert">
          The {EDIT_WINDOW_MINUTES} minutes for editing this comment have passed. You can still remove it from under the
          comment.
        </p>
      ) : (
        <Form method="post" className="comment-form">
          {messages.length ? (
            <p className="form-error" role="alert" id="edit-errors">
              {messages.join(" ")}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="edit-body">Your comment (Markdown)</label>
            <textarea
              id="edit-body"
              name="body"
              rows={12}
              defaultValue={failed?.body ?? data.body}
              aria-invalid={messages.length ? true : undefined}
              aria-describedby={messages.length ? "edit-errors" : undefined}
            />
            <p className="hint">
              Edits are checked like new comments; an edit with many links may wait for a moderator. Earlier versions
              are kept for the moderators.
            </p>
          </div>
          {failed?.contactCheck?.length ? (
            <div className="contact-check">
              <p>Found: {failed.contactCheck.join(", ")}</p>
              <button type="submit" name="contactChoice" value="publish" className="button secondary">
                Publish it as it is
              </button>
            </div>
          ) : null}
          <button type="submit" className="button">
            Save changes
          </button>{" "}
          <Link to={`/comments/${data.commentId}`}>Cancel</Link>
        </Form>
      )}
    </section>
  );
}
