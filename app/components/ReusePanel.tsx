import { useEffect, useState } from "react";
import type { CreditedImage, ReuseFacts } from "~/licences/post-licensing";

/**
 * "Reuse this post": what the licence allows in plain words, and a ready
 * attribution to copy in plain text, HTML and Markdown; then the same for
 * each credited image (cover and body images), each in a `<details>` that the
 * image's "Reuse this image" link opens. Without JavaScript the attributions
 * are text to select; with it, each has a Copy button.
 */
export function ReusePanel({ post, images }: { post: ReuseFacts; images: CreditedImage[] }) {
  return (
    <section className="reuse" id={post.id} aria-labelledby={`${post.id}-heading`}>
      <h2 id={`${post.id}-heading`}>{post.heading}</h2>
      <ReuseBody facts={post} />
      {images.length > 0 ? (
        <>
          <h3>Images in this post</h3>
          {images.map((image) => (
            <ImageReuse key={image.reuse.id} image={image} />
          ))}
        </>
      ) : null}
    </section>
  );
}

/** One image's reuse panel; opens itself when its anchor is the page's target. */
function ImageReuse({ image }: { image: CreditedImage }) {
  // Drawn open, so without JavaScript the "Reuse this image" link lands on
  // a panel that shows its text; once scripts run, panels close unless the
  // address points at them.
  const [open, setOpen] = useState(true);
  useEffect(() => {
    setOpen(window.location.hash === `#${image.reuse.id}`);
    const sync = () => {
      if (window.location.hash === `#${image.reuse.id}`) setOpen(true);
    };
    sync();
    window.addEventListener("hashchange", sync);
    return () => window.removeEventListener("hashchange", sync);
  }, [image.reuse.id]);
  return (
    <details
      className="image-reuse"
      id={image.reuse.id}
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>
        {image.reuse.heading} <span className="meta">({image.creditText})</span>
      </summary>
      <ReuseBody facts={image.reuse} />
    </details>
  );
}

function ReuseBody({ facts }: { facts: ReuseFacts }) {
  return (
    <>
      <p>
        Licence:{" "}
        <strong>{facts.licenseUrl ? <a href={facts.licenseUrl}>{facts.licenseName}</a> : facts.licenseName}</strong>
      </p>
      <ul>
        {facts.permissions.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      {facts.attribution ? (
        <>
          <p className="attribution-heading">Credit it like this:</p>
          <Attribution panel={facts.id} label="Plain text" value={facts.attribution.text} />
          <Attribution panel={facts.id} label="HTML" value={facts.attribution.html} />
          <Attribution panel={facts.id} label="Markdown" value={facts.attribution.markdown} />
        </>
      ) : facts.askUrl ? (
        <p>
          <a href={facts.askUrl}>{facts.askLabel}</a>
        </p>
      ) : null}
    </>
  );
}

function Attribution({ panel, label, value }: { panel: string; label: string; value: string }) {
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  // "Copied" is a moment's confirmation, not a state the button stays in.
  useEffect(() => {
    if (copied !== "yes") return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  const id = `${panel}-attribution-${label.toLowerCase().replace(/\s+/g, "-")}`;
  return (
    <div className="attribution">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        readOnly
        rows={label === "HTML" ? 5 : 3}
        value={value}
        onFocus={(e) => e.currentTarget.select()}
      />
      {canCopy ? (
        <button
          type="button"
          className="button small"
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => setCopied("yes"),
              () => setCopied("failed"),
            )
          }
        >
          {copied === "yes" ? "Copied" : `Copy ${label}`}
        </button>
      ) : null}
      <span role="status" className="meta">
        {copied === "failed" ? "Could not copy: select the text and copy it instead." : ""}
      </span>
    </div>
  );
}
