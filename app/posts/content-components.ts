import { fields } from "@keystatic/core";
import { block } from "@keystatic/core/content-components";

/**
 * Content components a coach can insert in a post body in the Keystatic
 * editor (stored as Markdoc tags in the post's `.md` file). Shared by the
 * editor's schema (keystatic.config.ts) and the renderer (body.server.ts), so
 * what the editor writes is exactly what the site reads.
 *
 * `creditedImage` is an image with its credit (docs/architecture.md §5: images carry
 * creator, source name, source URL and licence), stored as
 * `{% creditedImage src="/images/posts/<slug>/…" alt="…" creator="…" sourceName="…" sourceUrl="…" licenseUrl="…" /%}`.
 */
/**
 * The credit every image carries (docs/architecture.md §5): alt text, creator, source name,
 * source URL and licence URL. One definition for the cover (keystatic.config.ts)
 * and the body's credited images.
 */
export function imageCreditFields() {
  return {
    alt: fields.text({ label: "Alt text", description: "What the image shows, for readers who cannot see it." }),
    creator: fields.text({ label: "Creator" }),
    sourceName: fields.text({ label: "Source name" }),
    sourceUrl: fields.url({ label: "Source URL" }),
    licenseUrl: fields.url({
      label: "Licence URL",
      description: "The image's licence deed, e.g. https://creativecommons.org/licenses/by/2.0/",
    }),
  };
}

export const postBodyComponents = {
  creditedImage: block({
    label: "Image with credit",
    description: "An image shown with its credit and licence, and offered for reuse with a ready attribution.",
    schema: {
      src: fields.image({
        label: "Image",
        directory: "public/images/posts",
        publicPath: "/images/posts/",
        validation: { isRequired: true },
      }),
      caption: fields.text({ label: "Caption" }),
      ...imageCreditFields(),
    },
  }),
};
