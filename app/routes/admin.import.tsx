import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import {
  json,
  MaxPartSizeExceededError,
  NodeOnDiskFile,
  redirect,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormError } from "~/components/Field";
import { getEnv } from "~/env.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireUser } from "~/http/session.server";
import { discardUpload, startImportJob } from "~/import/import-jobs.server";
import { isLicenseId, licenseOptions } from "~/licences/catalogue";
import { listAuthors } from "~/posts/posts.server";
import { isolated } from "~/site/bidi";
import { withoutNul } from "~/http/form-body.server";

/**
 * `/admin/import` (admins only): bring a blog in from a Blogger, WordPress or
 * Disqus export while the server runs (with the embedded database,
 * `npm run import` cannot open it beside the server). A plain multipart form:
 * works without JavaScript. The file is streamed to DATA_DIR/imports/, the
 * import runs in the background (app/import/import-jobs.server.ts) and the
 * answer is a 303 to its progress page, `/admin/import/<job>`. The page also
 * offers the site's export for download (/admin/export).
 */

export const meta: MetaFunction = () => [{ title: "Import and export" }];

/** The largest export the page takes; a bigger one goes through the CLI. */
const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** The text fields (the Disqus thread map is the longest). */
const MAX_FIELD_BYTES = 1024 * 1024;

const FILE_NOT_KEPT = "Your browser cannot keep a chosen file after a refused form: choose the export file again.";

/** One line of the thread map, `OLD-URL=SLUG`, split at its last "=" (a URL may hold "=" itself). */
function mapPair(line: string): [string, string] | null {
  const at = line.lastIndexOf("=");
  if (at <= 0 || at === line.length - 1) return null;
  return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
}

const importSchema = z.object({
  intent: z.enum(["preview", "import"], { error: "Choose Preview or Import." }),
  file: z.custom<NodeOnDiskFile>((value) => value instanceof NodeOnDiskFile, {
    error: "Choose the export file (Blogger, WordPress or Disqus).",
  }),
  author: z.string({ error: "Choose the author the posts are written under." }),
  license: z
    .string()
    .optional()
    .refine((value) => !value || value === "site-default" || isLicenseId(value), {
      error: "Choose a licence from the list.",
    }),
  keepPages: z.boolean().optional(),
  join: z.boolean().optional(),
  restart: z.boolean().optional(),
  threadMap: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const map = new Map<string, string>();
      for (const [index, raw] of (text ?? "").split(/\r?\n/).entries()) {
        const line = raw.trim();
        if (!line) continue;
        const pair = mapPair(line);
        if (!pair) {
          ctx.addIssue({ code: "custom", message: `Line ${index + 1}: write it as OLD-URL=SLUG.` });
          return z.NEVER;
        }
        map.set(pair[0], pair[1]);
      }
      return map;
    }),
  rewrite: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const value = text?.trim();
      if (!value) return undefined;
      const at = value.indexOf("=");
      if (at <= 0) {
        ctx.addIssue({ code: "custom", message: "Write it as OLD-PREFIX=NEW-PREFIX." });
        return z.NEVER;
      }
      return { from: value.slice(0, at), to: value.slice(at + 1) };
    }),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request, { roles: ["admin"] });
  const authors = (await listAuthors()).map((a) => ({ slug: a.slug, name: a.name }));
  return json({ authors, licenses: licenseOptions(), maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024 }, { headers });
}

/** The form's fields as the page draws them (the schema above is what the server accepts). */
type ImportFields = Record<
  "intent" | "file" | "author" | "license" | "keepPages" | "join" | "restart" | "threadMap" | "rewrite",
  string
>;

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const { headers } = await requireUser(request, { roles: ["admin"] });
  const uploads = path.join(getEnv().DATA_DIR, "imports");
  let formData: FormData;
  // Where the file handler put the upload, so a refused one's folder goes too.
  let uploadPath: string | null = null;
  try {
    formData = withoutNul(
      await unstable_parseMultipartFormData(
        request,
        unstable_composeUploadHandlers(
          unstable_createFileUploadHandler({
            directory: uploads,
            // A folder of its own per upload: the name the admin knows, no clash, no path from the browser.
            file: ({ filename }) => {
              uploadPath = path.join(
                randomBytes(9).toString("hex"),
                path.basename(filename.replaceAll("\\", "/")).replace(/[^\w.-]+/g, "_") || "export",
              );
              return uploadPath;
            },
            filter: ({ name }) => name === "file",
            maxPartSize: MAX_UPLOAD_BYTES,
          }),
          unstable_createMemoryUploadHandler({ maxPartSize: MAX_FIELD_BYTES }),
        ),
      ),
    );
  } catch (error) {
    if (uploadPath) await discardUpload(path.join(uploads, uploadPath));
    if (error instanceof MaxPartSizeExceededError) {
      const limit = `${MAX_UPLOAD_BYTES / 1024 / 1024} MB`;
      throw new Response(
        error.field === "file"
          ? `The file is larger than ${limit}, the most this page takes. Import it with the command line on the server instead: \`npm run import -- FILE --author SLUG\` (\`--dry-run\` first to preview). With the embedded database (no DATABASE_URL), stop the server while it runs: only one process can open it.`
          : `The field ${error.field} is too long.`,
        { status: 413, headers },
      );
    }
    // A failure of the server's own disk stays a server error.
    if (error instanceof Error && "syscall" in error) throw error;
    // Not a multipart form at all (another Content-Type, a cut or broken body): the sender's mistake.
    console.error("The import form could not be read:", error);
    throw new Response("This form could not be read. Please send it from the import page.", { status: 400, headers });
  }

  const submission = parseWithZod(formData, { schema: importSchema });
  const upload = formData.get("file");
  const uploaded = upload instanceof NodeOnDiskFile ? upload.getFilePath() : null;
  const refuse = (fieldErrors: Record<string, string[]>) => {
    if (uploaded) void discardUpload(uploaded);
    const errors = { ...fieldErrors };
    // The file input is always empty after a refusal: say so next to it.
    errors.file = [...(errors.file ?? []), FILE_NOT_KEPT];
    return json<ActionData>(
      { result: submission.reply({ hideFields: ["file"], fieldErrors: errors }) },
      {
        status: 400,
        headers,
      },
    );
  };
  if (submission.status !== "success") {
    const fieldErrors = submission.error ?? {};
    return refuse(Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [k, v ?? []])));
  }
  const value = submission.value;
  const started = await startImportJob({
    file: value.file.getFilePath(),
    fileName: value.file.name,
    authorSlug: value.author,
    license: value.license || undefined,
    join: value.join ?? false,
    keepPages: value.keepPages ?? false,
    restart: value.restart ?? false,
    dryRun: value.intent === "preview",
    threadMap: value.threadMap,
    rewrite: value.rewrite,
  });
  if (!started.ok) {
    if (started.field) return refuse({ [started.field]: [started.message] });
    return json<ActionData>(
      { result: submission.reply({ hideFields: ["file"], formErrors: [started.message, FILE_NOT_KEPT] }) },
      { status: 409, headers },
    );
  }
  return redirect(`/admin/import/${started.id}`, { status: 303, headers });
}

export default function AdminImport() {
  const { authors, licenses, maxMegabytes } = useLoaderData<typeof loader>();
  const action = useActionData<typeof action>() as ActionData | undefined;
  const [form, fields] = useForm<ImportFields>({
    id: "import",
    lastResult: action?.result,
    defaultValue: { join: "on", author: authors.length === 1 ? authors[0].slug : "" },
    shouldValidate: "onBlur",
  });
  const errorOf = (meta: { errors?: string[]; errorId: string }) =>
    meta.errors?.length ? (
      <p className="field-error" id={meta.errorId} role="alert">
        {meta.errors.join(" ")}
      </p>
    ) : null;
  return (
    <section className="narrow">
      <h1>Import and export</h1>

      <h2>Import a blog</h2>
      <p>
        Bring posts and comments in from a Blogger, WordPress (WXR) or Disqus export, or from another Staffroom's JSON
        export. Preview first: a dry run reports what an import would do and writes nothing. Importing the same file
        again adds only what is new.
      </p>
      <Form method="post" encType="multipart/form-data" className="comment-form" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <div className="field">
          <label htmlFor={fields.file.id}>Export file (at most {maxMegabytes} MB)</label>
          <input
            {...getInputProps(fields.file, { type: "file" })}
            accept=".xml,.atom,.json,application/xml,application/atom+xml,application/json"
          />
          {errorOf(fields.file)}
        </div>
        <div className="field">
          <label htmlFor={fields.author.id}>Author of the posts</label>
          <select {...getSelectProps(fields.author)}>
            <option value="">Choose…</option>
            {authors.map((a) => (
              <option key={a.slug} value={a.slug}>
                {isolated(a.name)} ({a.slug})
              </option>
            ))}
          </select>
          <p className="hint">The owner's comments are written by the account this author entry names.</p>
          {errorOf(fields.author)}
        </div>
        <div className="field">
          <label htmlFor={fields.license.id}>Licence of the posts</label>
          <select {...getSelectProps(fields.license)}>
            <option value="">From the old site's notice, else the site default</option>
            <option value="site-default">The site default</option>
            {licenses.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
          {errorOf(fields.license)}
        </div>
        <div className="field">
          <label>
            <input {...getInputProps(fields.keepPages, { type: "checkbox" })} /> Keep pages (import them as posts)
          </label>
          {errorOf(fields.keepPages)}
        </div>
        <div className="field">
          <label>
            <input {...getInputProps(fields.join, { type: "checkbox" })} /> Join hand-split replies (a comment continued
            in the next, “part 2”) into one comment
          </label>
          {errorOf(fields.join)}
        </div>
        <div className="field">
          <label>
            <input {...getInputProps(fields.restart, { type: "checkbox" })} /> Start over: forget an interrupted import
            instead of continuing it
          </label>
          <p className="hint">
            An import that was interrupted (the server stopped, or it failed part-way) continues where it stopped when
            the same file is sent again; the posts it finished are kept either way.
          </p>
          {errorOf(fields.restart)}
        </div>
        <div className="field">
          <label htmlFor={fields.threadMap.id}>Disqus thread map (optional)</label>
          <textarea
            {...getTextareaProps(fields.threadMap)}
            rows={4}
            placeholder="https://old.example/2013/06/team-teaching/=team-teaching"
          />
          <p className="hint">
            One OLD-URL=SLUG a line: which post a Disqus thread discusses, when its address does not say.
          </p>
          {errorOf(fields.threadMap)}
        </div>
        <div className="field">
          <label htmlFor={fields.rewrite.id}>Disqus address rewrite (optional)</label>
          <input {...getInputProps(fields.rewrite, { type: "text" })} placeholder="https://old.example/blog/=/posts/" />
          <p className="hint">OLD-PREFIX=NEW-PREFIX, applied to the thread addresses before matching.</p>
          {errorOf(fields.rewrite)}
        </div>
        <p>
          <button type="submit" name="intent" value="preview" className="button">
            Preview (dry run)
          </button>{" "}
          <button type="submit" name="intent" value="import" className="button">
            Import
          </button>
        </p>
      </Form>

      <h2>Export the site</h2>
      <p>Everything (posts, comments, accounts' public names) as one file.</p>
      <ul>
        <li>
          <a href="/admin/export?format=json" download>
            Staffroom JSON
          </a>{" "}
          (everything, Staffroom's own format)
        </li>
        <li>
          <a href="/admin/export?format=wxr" download>
            WordPress WXR
          </a>{" "}
          (for WordPress and other blogs)
        </li>
      </ul>
      <p>
        <Link to="/admin/accounts">Accounts</Link>
      </p>
    </section>
  );
}
