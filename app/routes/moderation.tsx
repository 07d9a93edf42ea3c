import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { PageNav, pageHref } from "~/components/PageNav";
import { postPath } from "~/discovery/paths";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireUser } from "~/http/session.server";
import { getDatabase } from "~/database.server";
import {
  moderate,
  pageAfterAction,
  QUEUE_PAGE_SIZE,
  queuePage,
  type ModeratorScope,
  type QueueList,
} from "~/moderation/queue.server";
import { announceSubmission } from "~/notifications/announce.server";
import { LIST_ACTIONS, NOTHING_TICKED, moderationFormSchema, queueQuerySchema } from "~/moderation/forms";
import { moderatesPost } from "~/moderation/rules";
import { formatInstant } from "~/posts/dates";
import { listAllPosts } from "~/posts/posts.server";
import { isolated } from "~/site/bidi";
import { readFormBody } from "~/http/form-body.server";

export const meta: MetaFunction = () => [{ title: "Moderation queue" }];

const LISTS: { id: QueueList; label: string }[] = [
  { id: "pending", label: "Awaiting approval" },
  { id: "reported", label: "Reported" },
  { id: "spam", label: "Spam" },
  { id: "removed", label: "Removed" },
];

/** A coach moderates their own posts; an admin every post. */
async function scopeFor(user: { email: string; role: string }): Promise<ModeratorScope> {
  if (user.role === "admin") return { all: true };
  const posts = await listAllPosts();
  return { all: false, postSlugs: posts.filter((p) => moderatesPost(user, p.author)).map((p) => p.slug) };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireUser(request, { roles: ["coach", "admin"] });
  const db = await getDatabase();
  const scope = await scopeFor(user);
  const query = parseWithZod(new URL(request.url).searchParams, { schema: queueQuerySchema });
  const list = query.status === "success" ? query.value.list : "pending";
  const asked = query.status === "success" ? query.value.page : 1;
  const posts = new Map((await listAllPosts()).map((p) => [p.slug, p.title]));
  const { items, page, pageCount, total, counts } = await queuePage(db, scope, list, asked);
  return json(
    {
      list,
      page,
      pageCount,
      total,
      /** 1-based position in the list of the page's first comment. */
      first: (page - 1) * QUEUE_PAGE_SIZE + 1,
      counts,
      items: items.map((item) => ({ ...item, postTitle: posts.get(item.postSlug) ?? item.postSlug })),
    },
    { headers },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { user, headers } = await requireUser(request, { roles: ["coach", "admin"] });
  const submission = parseWithZod(await readFormBody(request), { schema: moderationFormSchema });
  if (submission.status !== "success") {
    return json({ error: submission.error?.[""]?.[0] ?? NOTHING_TICKED }, { status: 400, headers });
  }
  const { list, page, action: act, submissionIds } = submission.value;
  const db = await getDatabase();
  const scope = await scopeFor(user);
  const changed = await moderate(db, scope, submissionIds, act);
  // A held comment published for the first time: tell its thread's subscribers.
  if (act === "approve" && list === "pending") {
    for (const id of submissionIds) await announceSubmission(db, id);
  }
  // Back to the page acted on, or the list's new last page when that one is gone.
  const back = queueHref(list, await pageAfterAction(db, scope, list, page), { done: act, n: String(changed) });
  return redirect(back, { status: 303, headers });
}

/** `/moderation?list=<list>[&page=<n>]…`: page 1 carries no page parameter. */
function queueHref(list: QueueList, page: number, extra: Record<string, string> = {}): string {
  return pageHref("/moderation", page, { list, ...extra });
}

const DONE: Record<string, string> = {
  approve: "approved",
  spam: "marked as spam",
  remove: "removed",
  restore: "restored",
};

export default function ModerationQueue() {
  const { list, page, pageCount, total, first, counts, items } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const refused = useActionData<typeof action>();
  const done = params.get("done");
  const n = Number(params.get("n") ?? 0);
  return (
    <section>
      <h1>Moderation queue</h1>
      <nav className="queue-tabs" aria-label="Lists">
        {LISTS.map((l) => (
          <Link key={l.id} to={`?list=${l.id}`} aria-current={l.id === list ? "page" : undefined}>
            {l.label} ({counts[l.id]})
          </Link>
        ))}
      </nav>
      {refused?.error ? (
        <p className="form-error" role="alert">
          {refused.error}
        </p>
      ) : done && DONE[done] ? (
        <p className="notice" role="status">
          {n === 1 ? "1 comment" : `${n} comments`} {DONE[done]}.
        </p>
      ) : null}
      {items.length === 0 ? <p>Nothing here.</p> : null}
      {pageCount > 1 ? (
        <p className="hint">
          {`Comments ${first}–${first + items.length - 1} of ${total}`}
          {list === "pending" ? ", oldest first." : ", newest first."}
        </p>
      ) : null}
      <PageNav
        page={page}
        pageCount={pageCount}
        href={(n) => queueHref(list, n)}
        label="Queue pages, top"
        previousText="← Previous page"
        nextText="Next page →"
      />
      {items.length > 0 ? (
        <Form method="post" id="bulk">
          <input type="hidden" name="list" value={list} />
          <input type="hidden" name="page" value={page} />
          <p className="bulk-actions">
            With the ticked comments:{" "}
            {LIST_ACTIONS[list].map((a) => (
              <button key={a.action} type="submit" name="action" value={a.action} className="button small">
                {a.label}
              </button>
            ))}
          </p>
        </Form>
      ) : null}
      <ol className="queue">
        {items.map((item) => (
          <li key={item.submissionId} className="queue-item">
            <p className="meta">
              <input
                type="checkbox"
                name="submissionId"
                value={item.submissionId}
                form="bulk"
                id={`pick-${item.submissionId}`}
                aria-label={`Select the comment by ${isolated(item.displayName)}`}
              />{" "}
              <strong>
                <bdi>{item.displayName}</bdi>
              </strong>{" "}
              ({item.authorKind}
              {item.email ? (
                <>
                  , <bdi>{item.email}</bdi>
                </>
              ) : null}
              ) on{" "}
              <Link to={postPath(item.postSlug)}>
                <bdi>{item.postTitle}</bdi>
              </Link>
              , {formatInstant(item.createdAt)}
              {item.partCount > 1 ? `, ${item.partCount} parts` : ""}
            </p>
            {item.heldReason ? <p className="hint">Held: {item.heldReason}.</p> : null}
            {item.reports.map((r, i) => (
              <p key={i} className="hint">
                Reported {formatInstant(r.createdAt)}: “<bdi>{r.reason}</bdi>”
              </p>
            ))}
            <pre className="queue-body">{item.body}</pre>
            {item.revisions.length ? (
              <details>
                <summary>Earlier versions ({item.revisions.length})</summary>
                {item.revisions.map((r, i) => (
                  <div key={i}>
                    <p className="hint">Replaced {formatInstant(r.replacedAt)}:</p>
                    <pre className="queue-body">{r.body}</pre>
                  </div>
                ))}
              </details>
            ) : null}
            <Form method="post" className="inline-form">
              <input type="hidden" name="list" value={list} />
              <input type="hidden" name="page" value={page} />
              <input type="hidden" name="submissionId" value={item.submissionId} />
              {LIST_ACTIONS[list].map((a) => (
                <button key={a.action} type="submit" name="action" value={a.action} className="button small">
                  {a.label}
                </button>
              ))}
            </Form>
          </li>
        ))}
      </ol>
      <PageNav
        page={page}
        pageCount={pageCount}
        href={(n) => queueHref(list, n)}
        label="Queue pages, bottom"
        previousText="← Previous page"
        nextText="Next page →"
      />
    </section>
  );
}
