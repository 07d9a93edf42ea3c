import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clientAddress } from "~/http/client-address.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { editComment } from "~/comments/edit-comment.server";
import { EDIT_WINDOW_MINUTES } from "~/comments/edit-window";
import { ownSubmission } from "~/comments/edits.server";
import { readGuestToken } from "~/comments/guest-token.server";
import { anchorFor } from "~/comments/thread";
import { commentIdSchema, commentRulesOf } from "~/comments/validation";
import { readCommentFormBody } from "~/http/comment-form-body.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { getDatabase } from "~/database.server";
import { commentPath, postPagePath } from "~/discovery/paths";

export const meta: MetaFunction = () => [{ title: "Edit your comment" }];

/** What a writer reads when their edit could not be stored for a reason of ours (logged). */
const EDIT_NOT_SAVED =
  "Something went wrong on our side and your changes were not saved. Your text is below: please save it again in a " +
  "moment (and keep a copy if it is long).";

const NOT_YOURS = "You can edit only your own comments, from the browser or account you wrote them with.";

/** The edit form: the new text, and the writer's answer when asked about contact details. */
const editSchema = z.object({
  body: z.string().catch(""),
  contactChoice: z.literal("publish").nullable().catch(null),
});

export async function loader({ params, request }: LoaderFunctionArgs) {
  const id = commentIdSchema.safeParse(params.id);
  const { user, headers } = await getRequestUser(request);
  const own = id.success
    ? await ownSubmission(await getDatabase(), id.data, {
        userId: user?.id ?? null,
        guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
      })
    : null;
  if (!own) throw new Response(NOT_YOURS, { status: 404, headers });
  return json({ body: own.body, editable: own.editable, postSlug: own.postSlug, commentId: own.first.id }, { headers });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const id = commentIdSchema.safeParse(params.id);
  const { user, headers } = await getRequestUser(request);
  if (!id.success) throw new Response(NOT_YOURS, { status: 404, headers });
  const rules = commentRulesOf(await getSiteSettings());
  const form = parseWithZod(await readCommentFormBody(request, rules), { schema: editSchema });
  const { body, contactChoice } = form.status === "success" ? form.value : editSchema.parse({});
  const again = (status: number, errors: Record<string, string[]>, contactCheck: string[] = []) =>
    json({ body, errors, contactCheck }, { status, headers });
  let outcome: Awaited<ReturnType<typeof editComment>>;
  try {
    outcome = await editComment(await getDatabase(), {
      commentId: id.data,
      account: user,
      guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
      body,
      contactChoice,
      clientAddress: clientAddress(context),
    });
  } catch (error) {
    if (error instanceof Response) throw error;
    // Never an empty error page: without JavaScript the writer's new text would be gone with it.
    console.error(`Editing comment ${id.data} failed:`, error);
    return again(500, { "": [EDIT_NOT_SAVED] });
  }
  switch (outcome.kind) {
    case "not-found":
      throw new Response(NOT_YOURS, { status: 404, headers });
    case "rate-limited": {
      headers.set("Retry-After", String(outcome.retryAfterSeconds));
      const wait = `Please wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minutes; your text is still here.`;
      return again(429, { "": [`You are changing comments faster than we allow. ${wait}`] });
    }
    case "needs-confirmation":
      return again(
        422,
        {
          "": [
            "Your comment seems to include contact details, and comments are public. Publish it as it is, or edit them out.",
          ],
        },
        outcome.contactDetails,
      );
    case "refused":
      return again(400, outcome.errors);
    case "saved": {
      // Back to the page holding it (issue 11), at it.
      const { postSlug, number, commentId, page } = outcome;
      const back = number
        ? postPagePath(postSlug, page, anchorFor(number))
        : postPagePath(postSlug, page, `comment-held-${commentId}`, { held: String(commentId) });
      return redirect(back, { status: 303, headers });
    }
  }
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
          <Link to={commentPath(data.commentId)}>Cancel</Link>
        </Form>
      )}
    </section>
  );
}
