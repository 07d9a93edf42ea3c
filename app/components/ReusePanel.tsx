import { useEffect, useState } from "react";

/**
 * "Reuse this post": what the licence allows in plain words, and a ready
 * attribution to copy in plain text, HTML and Markdown. Without JavaScript
 * the attributions are plain text to select; with it, each has a Copy button.
 */
export function ReusePanel({
  licenseName,
  permissions,
  attribution,
  askUrl,
}: {
  licenseName: string;
  permissions: string[];
  attribution: { text: string; html: string; markdown: string } | null;
  /** Where to ask the author, for all rights reserved. */
  askUrl: string | null;
}) {
  return (
    <section className="reuse" id="reuse" aria-labelledby="reuse-heading">
      <h2 id="reuse-heading">Reuse this post</h2>
      <p>
        Licence: <strong>{licenseName}</strong>
      </p>
      <ul>
        {permissions.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      {attribution ? (
        <>
          <h3>Credit it like this</h3>
          <Attribution label="Plain text" value={attribution.text} />
          <Attribution label="HTML" value={attribution.html} />
          <Attribution label="Markdown" value={attribution.markdown} />
        </>
      ) : askUrl ? (
        <p>
          <a href={askUrl}>Ask the author for permission</a>
        </p>
      ) : null}
    </section>
  );
}

function Attribution({ label, value }: { label: string; value: string }) {
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  const id = `attribution-${label.toLowerCase().replace(/\s+/g, "-")}`;
  return (
    <div className="attribution">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} readOnly rows={label === "HTML" ? 4 : 2} value={value} onFocus={(e) => e.currentTarget.select()} />
      {canCopy ? (
        <button
          type="button"
          className="button small"
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : `Copy ${label}`}
        </button>
      ) : null}
    </div>
  );
}
