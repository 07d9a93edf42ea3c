import { Fragment } from "react";
import type { Segment } from "~/search/highlight";

/**
 * Text with its matched words in `<mark>`. Every segment is a React text
 * node, so whatever the text holds (a post's `<script>`, a query's `&`) is
 * escaped by React: no HTML string is ever injected.
 */
export function Highlighted({ segments }: { segments: readonly Segment[] }) {
  return (
    <>
      {segments.map((segment, i) =>
        segment.mark ? <mark key={i}>{segment.text}</mark> : <Fragment key={i}>{segment.text}</Fragment>,
      )}
    </>
  );
}
