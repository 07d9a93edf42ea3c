import { Link } from "@remix-run/react";

/** Why a link from an email does not work (app/auth/email-links.server.ts). */
export type EmailLinkProblemKind = "invalid" | "expired" | "used";

/** The HTTP status of a page for a link that does not work: 404 when it never worked here, 410 when it did. */
export function emailLinkProblemStatus(kind: EmailLinkProblemKind): number {
  return kind === "invalid" ? 404 : 410;
}

const TEXT: Record<EmailLinkProblemKind, { title: string; why: string }> = {
  invalid: {
    title: "This link does not work",
    why: "It may have been cut short when it was copied, or it was sent to an address the account no longer uses.",
  },
  expired: {
    title: "This link has expired",
    why: "Links sent by email work for a short time only, so that an old email cannot be used by someone else.",
  },
  used: {
    title: "This link has already been used",
    why: "Each link sent by email works once.",
  },
};

/** The page for a link from an email that does not work: what happened, and where to get a new one. */
export function EmailLinkProblem({
  kind,
  again,
}: {
  kind: EmailLinkProblemKind;
  again: { to: string; label: string };
}) {
  const text = TEXT[kind];
  return (
    <section className="narrow">
      <h1>{text.title}</h1>
      <p>{text.why}</p>
      <p>
        <Link to={again.to}>{again.label}</Link>
      </p>
    </section>
  );
}
