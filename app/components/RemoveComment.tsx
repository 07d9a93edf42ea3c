import { useEffect, useRef, useState } from "react";
import { commentRemovePath } from "~/discovery/paths";

/**
 * The question asked before a comment is removed ("Remove comment 9.2?"), in
 * the page that asks it without JavaScript (app/routes/comments.$id_.remove.tsx)
 * and in the thread with it.
 * @param number the comment's public number, or null while it has none (held).
 */
export function removalQuestion(number: string | null): string {
  return number ? `Remove comment ${number}?` : "Remove your comment awaiting moderation?";
}

/**
 * "Remove" under a comment, asked before it happens. Without JavaScript it is
 * a link to the page that asks (`/comments/<id>/remove`: Remove or Cancel);
 * with it, the same question opens in place, under the comment, and only its
 * own Remove button posts the removal. Cancel closes it again.
 */
export function RemoveComment({ commentId, number }: { commentId: number; number: string | null }) {
  const [asking, setAsking] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    // Read out, and the next Tab reaches its buttons.
    if (asking) question.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <a
        href={commentRemovePath(commentId)}
        rel="nofollow"
        onClick={(event) => {
          event.preventDefault();
          setAsking(true);
        }}
      >
        Remove
      </a>
    );
  }
  return (
    <div className="remove-confirm">
      <p ref={question} tabIndex={-1}>
        {removalQuestion(number)} This cannot be undone.
      </p>
      <form method="post" action={commentRemovePath(commentId)} className="inline-form">
        <button type="submit" className="button small">
          Remove
        </button>
      </form>{" "}
      <button type="button" className="link-button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}
