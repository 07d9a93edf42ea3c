import Markdoc, { type Config, type Node, type Tag as MarkdocTag } from "@markdoc/markdoc";
import { fields } from "@keystatic/core";
import sanitizeHtml from "sanitize-html";
import { postImagePath } from "../discovery/paths";
import { labelLicenseUrl } from "../licences/metadata";
import { imageCreditText } from "../licences/reuse";
import { postBodyComponents } from "./content-components";

/** An image in a post body inserted with its credit (the `creditedImage` component). */
export interface BodyImage {
  /** 1-based, in body order: the figure's anchor is `image-<n>`, its reuse panel's `reuse-image-<n>`. */
  n: number;
  /** Site path ("/images/posts/…") or an absolute http(s) URL. */
  src: string;
  alt: string;
  caption: string;
  creator: string;
  sourceName: string;
  sourceUrl: string | null;
  licenseUrl: string | null;
}

/**
 * A stored `src` as the page links it: site paths and http(s) URLs as they
 * are; a bare file name lives under /images/posts/. Returns "" for anything
 * else (`//host`, `/\\host`, `javascript:`, `data:`), which draws no image.
 */
export function imagePath(src: string): string {
  if (/^https?:\/\//i.test(src)) return src;
  if (/^\/(?![/\\])/.test(src)) return src;
  if (/^[\w][\w./-]*$/.test(src) && !src.includes("..") && !src.includes(":")) return postImagePath(src);
  return "";
}

function httpUrl(value: unknown): string | null {
  return typeof value === "string" && /^https?:\/\//i.test(value.trim()) ? value.trim() : null;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** A credited image's attributes (from its own Markdoc node) as a BodyImage numbered `n`, or null without a src. */
function imageFrom(attributes: Record<string, unknown>, n: number): BodyImage | null {
  const src = imagePath(text(attributes.src).trim());
  if (!src) return null;
  return {
    n,
    src,
    alt: text(attributes.alt),
    caption: text(attributes.caption),
    creator: text(attributes.creator),
    sourceName: text(attributes.sourceName),
    sourceUrl: httpUrl(attributes.sourceUrl),
    licenseUrl: httpUrl(attributes.licenseUrl),
  };
}

/**
 * A credited image as HTML: `<figure id="image-<n>" about="<src>">` with the
 * image, its caption and the credit line "Photo: <creator> via <source>,
 * <licence>" in ccREL (`cc:attributionName`, `cc:attributionURL`,
 * `rel="license"` about the image itself, as the CC chooser marks a work up),
 * and a link to the image's reuse panel.
 */
// @markdoc/markdoc is CommonJS: its Tag class is reached through the default export.
const { Tag } = Markdoc;

/** A figure to draw with its credit: an image of the body, or a post's cover. */
export interface FigureToDraw extends Omit<BodyImage, "n"> {
  /** The figure's anchor: "image-<n>" or "cover". */
  id: string;
  className: string;
  /** The image's URL as the ccREL subject (`about`). */
  about: string;
  /** The anchor of its reuse panel, without "#". */
  reuseAnchor: string;
}

function creditedFigure(image: FigureToDraw): MarkdocTag {
  const license = labelLicenseUrl(image.licenseUrl);
  const creator = image.creator.trim() || "unknown creator";
  const credit: (MarkdocTag | string)[] = ["Photo: "];
  credit.push(
    image.sourceUrl
      ? new Tag("a", { href: image.sourceUrl, rel: "cc:attributionURL", property: "cc:attributionName" }, [creator])
      : new Tag("span", { property: "cc:attributionName" }, [creator]),
  );
  if (image.sourceName.trim()) credit.push(` via ${image.sourceName.trim()}`);
  if (license) {
    credit.push(", ");
    credit.push(license.url ? new Tag("a", { href: license.url, rel: "license" }, [license.name]) : license.name);
  }
  credit.push(" · ", new Tag("a", { href: `#${image.reuseAnchor}`, class: "reuse-link" }, ["Reuse this image"]));
  return new Tag("figure", { id: image.id, class: image.className, about: image.about }, [
    new Tag("img", { src: image.src, alt: image.alt }, []),
    new Tag("figcaption", {}, [
      ...(image.caption.trim() ? [new Tag("span", { class: "caption" }, [image.caption.trim()]), " "] : []),
      new Tag(
        "span",
        {
          class: "credit",
          title: imageCreditText({
            creator: image.creator,
            sourceName: image.sourceName,
            licenseName: license?.name ?? null,
          }),
        },
        credit,
      ),
    ]),
  ]);
}

/**
 * Markdoc config whose `creditedImage` transform draws each figure from its
 * own node and records it in `images`, in the order they are drawn: a tag
 * Markdoc leaves out (inside a false `{% if %}`) is neither drawn nor listed,
 * so figures, panels and JSON-LD always agree.
 */
function markdocConfig(images: BodyImage[]): Config {
  const base = fields.markdoc.createMarkdocConfig({ components: postBodyComponents });
  return {
    ...base,
    tags: {
      ...base.tags,
      creditedImage: {
        ...base.tags!.creditedImage,
        transform(node) {
          const image = imageFrom(node.attributes, images.length + 1);
          if (!image) return null;
          images.push(image);
          return creditedFigure({
            ...image,
            id: `image-${image.n}`,
            className: "credited-image",
            about: image.src,
            reuseAnchor: `reuse-image-${image.n}`,
          });
        },
      },
    },
  };
}

/**
 * Renders a post body (a Markdoc node from the Keystatic reader) to HTML and
 * lists its credited images (as drawn, numbered from 1), then sanitizes it: coaches are trusted to publish, not to run script, so the
 * same rule as comments applies (docs/architecture.md §6) with a wider allow-list (images,
 * credited figures with their ccREL attributes, headings, tables). Only
 * http(s), mailto and relative URLs survive.
 */
export function renderPostBody(node: Node): { html: string; images: BodyImage[] } {
  const images: BodyImage[] = [];
  const tree = Markdoc.transform(node, markdocConfig(images));
  return { html: sanitizePostHtml(Markdoc.renderers.html(tree)), images };
}

/**
 * One credited figure as sanitized HTML, drawn exactly as a body image is:
 * the post page draws its cover with it.
 */
export function creditedFigureHtml(figure: FigureToDraw): string {
  return sanitizePostHtml(Markdoc.renderers.html(creditedFigure(figure)));
}

function sanitizePostHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      "h2",
      "h3",
      "h4",
      "h5",
      "h6",
      "p",
      "br",
      "hr",
      "strong",
      "em",
      "s",
      "del",
      "code",
      "pre",
      "blockquote",
      "ul",
      "ol",
      "li",
      "a",
      "img",
      "figure",
      "figcaption",
      "span",
      "table",
      "thead",
      "tbody",
      "tr",
      "th",
      "td",
    ],
    allowedAttributes: {
      a: ["href", "title", "rel", "property", "class"],
      img: ["src", "alt", "title", "width", "height"],
      figure: ["id", "class", "about"],
      span: ["class", "property", "title"],
      code: ["class"],
      ol: ["start"],
      th: ["align"],
      td: ["align"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowProtocolRelative: false,
    transformTags: { h1: "h2" },
  });
}
