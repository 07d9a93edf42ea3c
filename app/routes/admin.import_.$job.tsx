import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { postPath } from "~/discovery/paths";
import { requireUser } from "~/http/session.server";
import { importJob } from "~/import/import-jobs.server";

/**
 * `/admin/import/<job>` (admins only): an import started on /admin/import
 * (the file name's `import_` keeps it out of that page's layout: it is a page of its own).
 * While it runs the page reloads itself every 2 s (a meta refresh: no
 * JavaScript needed) and shows the posts and comments written of the file's
 * totals; when it ends, the report (the lines `npm run import` prints) or why
 * the file was refused. 404 for an unknown job (or one a restart forgot).
 */

const RUNNING = new Set(["reading", "writing"]);

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.job.dryRun ? "Import preview" : "Import" },
  ...(data && RUNNING.has(data.job.state) ? [{ httpEquiv: "refresh", content: "2" } as const] : []),
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request, { roles: ["admin"] });
  const job = importJob(params.job ?? "");
  if (!job) {
    throw new Response("There is no such import: it may have been forgotten when the server restarted.", {
      status: 404,
      headers,
    });
  }
  const responseHeaders = new Headers(headers);
  responseHeaders.set("Cache-Control", "no-store");
  return json({ job }, { headers: responseHeaders });
}

export default function ImportJob() {
  const { job } = useLoaderData<typeof loader>();
  const what = job.dryRun ? "Preview (dry run)" : "Import";
  return (
    <section className="narrow">
      <h1>
        {what} of {job.fileName}
      </h1>
      {job.state === "reading" ? (
        <p role="status">Reading the file… This page refreshes itself.</p>
      ) : job.state === "writing" ? (
        <p role="status">
          Writing: {job.done.posts} of {job.totals?.posts ?? "?"} posts, {job.done.comments} of{" "}
          {job.totals?.comments ?? "?"} comments ({job.rate} a second). This page refreshes itself.
        </p>
      ) : job.state === "done" ? (
        <>
          <p role="status">{job.dryRun ? "The preview is done: nothing was written." : "The import is done."}</p>
          <pre className="import-report">{job.report?.join("\n")}</pre>
          {job.createdSlugs.length ? (
            <>
              <h2>New posts</h2>
              <ul>
                {job.createdSlugs.map((slug) => (
                  <li key={slug}>
                    <Link to={postPath(slug)}>{slug}</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : (
        <p className="form-error" role="alert">
          {`${job.state === "refused" ? "The file was refused" : "The import failed"}; nothing was imported. ${job.message ?? ""}`}
        </p>
      )}
      <p>
        Started {job.startedAt}
        {job.finishedAt ? `, ended ${job.finishedAt}` : ""} (UTC). <Link to="/admin/import">Import another file</Link>
      </p>
    </section>
  );
}
