import type { ReactElement } from "react";

/**
 * The editor's brand mark (Keystatic `ui.brand.mark`, drawn beside the brand
 * name at the top of the editor's sidebar): a link back to the site's home
 * page, so a coach who came to the editor from a post ("Edit this post")
 * has a way back. A plain link: it leaves the editor's client-side router.
 * Its name, "Back to the site", is the SVG's title.
 */
export function SiteLinkMark({ colorScheme }: { colorScheme: "light" | "dark" }): ReactElement {
  const stroke = colorScheme === "dark" ? "#e6e8eb" : "#1f2328";
  return (
    <a href="/" title="Back to the site" style={{ display: "inline-flex", color: stroke }}>
      <svg width="24" height="24" viewBox="0 0 24 24" role="img" aria-labelledby="staffroom-site-link-title">
        <title id="staffroom-site-link-title">Back to the site</title>
        <path
          d="M3 11.5 12 4l9 7.5M5.5 9.5V20h5v-5.5h3V20h5V9.5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
    </a>
  );
}
