import { parseCreditText } from "./convert/credits";
import type { ImportedCover, ImportedImageCredit } from "./model";
import { creditedImageBlock } from "./site-converters";

/**
 * A post's cover as an import writes it (docs/decisions/0046): the cover
 * field of the post file when the image was copied home (`--images`), with
 * its credit field by field as the editor writes it; otherwise the image at
 * its old address as the body's first "Image with credit" block, since the
 * editor's cover field holds only a file of the site. Pure.
 */

/** The cover's credit: the one the export recorded field by field, else one read from its caption, else null. */
export function coverCredit(cover: ImportedCover): ImportedImageCredit | null {
  if (cover.credit?.creator) return cover.credit;
  return cover.caption ? (parseCreditText(cover.caption)?.credit ?? null) : null;
}

/**
 * The post file's `cover` field as Keystatic's editor writes it
 * (keystatic.config.ts: `image`, then `imageCreditFields` in order; empty
 * text and URL fields left out). `src` is the site path of the copied image,
 * `/images/posts/<slug>/cover/image.<ext>`.
 */
export function coverField(src: string, alt: string, credit: ImportedImageCredit | null): Record<string, string> {
  const field: Record<string, string> = { image: src };
  if (alt) field.alt = alt;
  if (credit?.creator) field.creator = credit.creator;
  if (credit?.sourceName) field.sourceName = credit.sourceName;
  if (credit?.sourceUrl) field.sourceUrl = credit.sourceUrl;
  if (credit?.licenseUrl) field.licenseUrl = credit.licenseUrl;
  return field;
}

/**
 * A body with a cover that stays at its old address put first, as an
 * "Image with credit" block; the body unchanged when it already shows that
 * address (a theme's featured image is often also the first image).
 */
export function bodyWithCoverImage(markdown: string, cover: ImportedCover, credit: ImportedImageCredit | null): string {
  if (markdown.includes(cover.url)) return markdown;
  const block = creditedImageBlock(cover.url, cover.alt, credit);
  return markdown ? `${block}\n\n${markdown}` : `${block}\n`;
}
