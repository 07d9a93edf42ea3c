import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useLocation, useNavigation } from "@remix-run/react";
import type { z } from "zod";
import { useEffect, useRef, useState } from "react";
import { formatCount } from "~/comments/characters";
import { planSplit } from "~/comments/split";
import { commentFormSchema, type CommentRules } from "~/comments/validation";
import type { CommentLicenseNotice } from "~/licences/post-licensing";

type CommentFormInput = z.input<ReturnType<typeof commentFormSchema>>;

/** The form id for the top-level form or the reply form under a comment. */
export function commentFormId(parentId: number | null): string {
  return parentId === null ? "comment" : `reply-${parentId}`;
}

/** Who the form is for: a guest, or a signed-in account writing under its name. */
export type CommentViewer = { signedIn: false } | { signedIn: true; displayName: string; isPostAuthor: boolean };

/**
 * The comment form (docs/architecture.md §3): a plain POST that works without JavaScript;
 * with JavaScript it validates as you type with the same schema the server
 * uses and shows the live character counter (docs/architecture.md §4). Guests give a name
 * (or post anonymously); signed-in members write under their display name.
 */
export function CommentForm({
  rules,
  parentId,
  lastResult,
  submitLabel,
  viewer,
  draft = null,
  tokens,
  license = null,
  contactCheck = null,
  closed = false,
}: {
  rules: CommentRules;
  parentId: number | null;
  lastResult: SubmissionResult<string[]> | null;
  submitLabel: string;
  viewer: CommentViewer;
  /** A kept draft to restore (after signing in again). */
  draft?: { id: string; body: string } | null;
  /** This page's one-time key and signed drawing time (spam defences). */
  tokens: { idempotencyKey: string; renderedAt: string; member: string | null };
  /** The licence comments are published under, shown above the button. */
  /** The comment licence, stated above the submit button. */
  license?: CommentLicenseNotice | null;
  /** Contact details found in the last submission: ask before publishing them. */
  contactCheck?: string[] | null;
  closed?: boolean;
}) {
  const id = commentFormId(parentId);
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue: draft ? { body: draft.body } : undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate({ formData }) {
      return parseWithZod(formData, { schema: commentFormSchema(rules, { signedIn: viewer.signedIn }) });
    },
  });
  const navigation = useNavigation();
  const location = useLocation();
  const sending = navigation.state === "submitting" && navigation.formData?.get("formId") === id;
  const prefix = id;
  const formProps = getFormProps(form);
  // A local copy of what is being written, per post and reply target, so a
  // reload or a crash loses nothing; cleared once the comment is posted.
  const storageKey = `staffroom:draft:${location.pathname}:${id}`;
  // The page of the thread it was drawn on: a refused reply comes back on it, in its own form.
  const page = new URLSearchParams(location.search).get("page");

  return (
    // The fragment brings a no-JavaScript writer back to this form when it is refused.
    <Form
      method="post"
      action={`${location.pathname}${page ? `?${new URLSearchParams({ page })}` : ""}#${id}`}
      className="comment-form"
      {...formProps}
      onSubmit={(event) => {
        markSubmitted(storageKey);
        formProps.onSubmit(event);
      }}
      noValidate
    >
      <input type="hidden" name="formId" value={id} />
      {/* Not trusted: only tells the server the writer expected to be signed in. */}
      {viewer.signedIn ? <input type="hidden" name="asMember" value="1" /> : null}
      {tokens.member ? <input type="hidden" name="formMemberId" value={tokens.member} /> : null}
      {draft ? <input type="hidden" name="draftId" value={draft.id} /> : null}
      <input type="hidden" name="idempotencyKey" value={tokens.idempotencyKey} />
      <input type="hidden" name="renderedAt" value={tokens.renderedAt} />
      {/* A trap for robots: people never see or fill this field. */}
      <div className="trap" aria-hidden="true">
        <label htmlFor={`${id}-homepage`}>Leave this empty</label>
        <input type="text" id={`${id}-homepage`} name="homepage" tabIndex={-1} autoComplete="off" defaultValue="" />
      </div>
      {parentId !== null ? <input type="hidden" name="parentId" value={parentId} /> : null}
      {form.errors || fields.parentId.errors ? (
        <p className="form-error" role="alert" id={form.errorId}>
          {[...(form.errors ?? []), ...(fields.parentId.errors ?? [])].join(" ")}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${prefix}-body`}>{parentId === null ? "Your comment" : "Your reply"}</label>
        <BodyField
          inputId={`${prefix}-body`}
          props={getTextareaProps(fields.body)}
          initial={typeof fields.body.initialValue === "string" ? fields.body.initialValue : ""}
          rules={rules}
          storageKey={storageKey}
          refused={lastResult !== null}
        />
        <FieldError id={fields.body.errorId} errors={fields.body.errors} />
        <p className="hint">Markdown works: **bold**, *italic*, [links](https://example.org), `code`.</p>
      </div>
      {viewer.signedIn ? (
        <p className="hint">
          Posting as{" "}
          <strong>
            <bdi>{viewer.displayName}</bdi>
          </strong>
          {viewer.isPostAuthor ? " (the post's author)" : ""}.
        </p>
      ) : (
        <GuestFields fields={fields} prefix={prefix} allowAnonymous={rules.allowAnonymous} />
      )}
      <div className="field checkbox">
        <input {...getInputProps(fields.notify, { type: "checkbox" })} id={`${prefix}-notify`} />{" "}
        <label htmlFor={`${prefix}-notify`}>
          Email me replies to my comment{viewer.signedIn ? "" : " (needs your email)"}
        </label>
      </div>
      {license ? (
        <p className="hint comment-license">
          {license.licenseUrl ? (
            <>
              Your comment will be published under <a href={license.licenseUrl}>{license.licenseName}</a>, so others may
              reuse it on those terms with credit to you.
            </>
          ) : (
            <>Your comment stays yours: all rights reserved.</>
          )}
          {license.note ? <> {license.note}</> : null}
        </p>
      ) : null}
      {contactCheck?.length ? (
        <fieldset className="contact-check" aria-label="Contact details in your comment">
          <p>
            Found:{" "}
            {contactCheck.map((detail, i) => (
              <span key={detail}>
                {i > 0 ? ", " : ""}
                <strong>{detail}</strong>
              </span>
            ))}
          </p>
          <button type="submit" name="contactChoice" value="private" className="button">
            Send it privately to the author
          </button>{" "}
          <button type="submit" name="contactChoice" value="publish" className="button secondary">
            Publish it as it is
          </button>
          <p className="hint">Or edit your comment above and post it again.</p>
        </fieldset>
      ) : null}
      <button type="submit" className="button" disabled={sending || closed}>
        {sending ? "Posting…" : submitLabel}
      </button>
    </Form>
  );
}

/** Name (or anonymous), email and website: what a guest tells us. */
function GuestFields({
  fields,
  prefix,
  allowAnonymous,
}: {
  fields: ReturnType<typeof useForm<CommentFormInput>>[1];
  prefix: string;
  allowAnonymous: boolean;
}) {
  const anonymous = fields.anonymous.value === "on";
  return (
    <>
      {allowAnonymous ? (
        <div className="field checkbox">
          <input {...getInputProps(fields.anonymous, { type: "checkbox" })} id={`${prefix}-anonymous`} />{" "}
          <label htmlFor={`${prefix}-anonymous`}>Post anonymously</label>
          <FieldError id={fields.anonymous.errorId} errors={fields.anonymous.errors} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${prefix}-name`}>Name{anonymous ? " (not shown when posting anonymously)" : ""}</label>
        <input
          {...getInputProps(fields.name, { type: "text" })}
          id={`${prefix}-name`}
          autoComplete="name"
          aria-required={!anonymous}
        />
        <FieldError id={fields.name.errorId} errors={fields.name.errors} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-email`}>Email (optional, never shown)</label>
        <input {...getInputProps(fields.email, { type: "email" })} id={`${prefix}-email`} autoComplete="email" />
        <FieldError id={fields.email.errorId} errors={fields.email.errors} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-website`}>Website (optional)</label>
        <input {...getInputProps(fields.website, { type: "url" })} id={`${prefix}-website`} autoComplete="url" />
        <FieldError id={fields.website.errorId} errors={fields.website.errors} />
      </div>
    </>
  );
}

function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {errors.join(" ")}
    </p>
  );
}

/**
 * The body textarea and its live counter: "1,234 / 4,096" and "will be
 * posted in 2 parts", counted in grapheme clusters by the same splitter the
 * server uses. Without JavaScript a static hint states the limit instead.
 */
function BodyField({
  inputId,
  props,
  initial,
  rules,
  storageKey,
  refused,
}: {
  inputId: string;
  props: ReturnType<typeof getTextareaProps>;
  initial: string;
  rules: CommentRules;
  storageKey: string;
  /** The server sent this form back (its text is in `initial`). */
  refused: boolean;
}) {
  const [text, setText] = useState(initial);
  const [hydrated, setHydrated] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setHydrated(true);
    if (postedJustNow(storageKey, refused)) {
      forgetDraft(storageKey);
      return;
    }
    const saved = readDraft(storageKey);
    const element = textarea.current;
    if (saved && element && !element.value) {
      element.value = saved;
      setText(saved);
      // Let conform see the restored text as if it had been typed.
      element.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }, [storageKey, refused]);
  const counterId = `${inputId}-counter`;
  const plan = hydrated ? planSplit(text, { limit: rules.limit, maxParts: rules.maxParts }) : null;
  return (
    <>
      <textarea
        {...props}
        ref={textarea}
        id={inputId}
        rows={8}
        aria-describedby={[props["aria-describedby"], counterId].filter(Boolean).join(" ")}
        onInput={(event) => {
          setText(event.currentTarget.value);
          keepDraft(storageKey, event.currentTarget.value);
        }}
      />
      <p className="hint" id={counterId} aria-live="polite">
        {plan ? (
          <span className={`counter${plan.tooLong ? " too-long" : plan.parts > 1 ? " over" : ""}`}>
            {formatCount(plan.characters)} / {formatCount(rules.limit)}
            {plan.tooLong
              ? ` — too long for ${formatCount(rules.maxParts)} parts: cut at least ${formatCount(plan.charactersToCut)} characters`
              : plan.parts > 1
                ? ` — will be posted in ${plan.parts} parts`
                : ""}
          </span>
        ) : (
          <>
            Up to {formatCount(rules.limit)} characters per comment; longer comments are posted in consecutive parts (at
            most {formatCount(rules.maxParts)}).
          </>
        )}
      </p>
    </>
  );
}

// Local drafts (localStorage), best effort: private browsing or a full
// storage must never stop anyone posting.
const SUBMITTED = "staffroom:draft:submitted";

function keepDraft(key: string, text: string): void {
  try {
    if (text.trim()) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  } catch {
    /* storage unavailable */
  }
}

function readDraft(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function forgetDraft(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* storage unavailable */
  }
}

function markSubmitted(key: string): void {
  try {
    sessionStorage.setItem(SUBMITTED, JSON.stringify({ key, at: Date.now() }));
  } catch {
    /* storage unavailable */
  }
}

/**
 * Whether this form's comment was just posted: it was submitted in the last
 * minute, the server did not send it back, and we landed where a posted
 * comment lands (its anchor, or the held / sent-privately notice).
 */
function postedJustNow(key: string, refused: boolean): boolean {
  try {
    const mark = JSON.parse(sessionStorage.getItem(SUBMITTED) ?? "null") as { key: string; at: number } | null;
    if (!mark || mark.key !== key || Date.now() - mark.at > 60_000 || refused) return false;
    const { hash, search } = window.location;
    const landed = hash.startsWith("#comment-") || /[?&](held|sentPrivately)=1/.test(search);
    if (landed) sessionStorage.removeItem(SUBMITTED);
    return landed;
  } catch {
    return false;
  }
}
