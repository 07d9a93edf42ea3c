import { collection, config, fields, singleton } from "@keystatic/core";
import { getCountries } from "libphonenumber-js/min";
import { SiteLinkMark } from "./app/editor/site-link-mark";
import { LICENSES } from "./app/licences/catalogue";
import { imageCreditFields, postBodyComponents } from "./app/posts/content-components";

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
/** Every country libphonenumber-js knows a numbering plan for, by English name (ISO 3166-1 alpha-2 values). */
const phoneRegionOptions = getCountries()
  .map((code) => ({ value: code, label: `${regionNames.of(code) ?? code} (${code})` }))
  .sort((a, b) => a.label.localeCompare(b.label, "en"));

/**
 * Keystatic schema for Staffroom's content (DESIGN §2): posts and authors are
 * files under `content/`, edited in the Keystatic editor at `/keystatic` with
 * local storage. Post bodies are Markdoc stored as `.md` with YAML frontmatter,
 * readable without Staffroom.
 */

const licenseSelectOptions = LICENSES.map((license) => ({
  label: license.shortName,
  value: license.id,
}));

export default config({
  storage: { kind: "local" },
  ui: {
    // The mark is a link back to the site (Keystatic draws it beside the name, top of the sidebar).
    brand: { name: "Staffroom", mark: SiteLinkMark },
    navigation: { Content: ["posts", "authors"], Pages: ["about"], Settings: ["site"] },
  },
  collections: {
    posts: collection({
      label: "Posts",
      slugField: "title",
      path: "content/posts/*",
      format: { contentField: "body" },
      entryLayout: "content",
      columns: ["title", "published", "status"],
      schema: {
        title: fields.slug({
          name: { label: "Title", validation: { isRequired: true } },
          slug: { label: "Slug", description: "The post's address: /posts/<slug>" },
        }),
        published: fields.date({
          label: "Published",
          description:
            "The calendar date shown on the post, as written (never shifted by time zones). A published post dated later than today stays hidden from readers until 00:00 UTC on that date.",
          validation: { isRequired: true },
        }),
        status: fields.select({
          label: "Status",
          description:
            "A draft is seen only by coaches and admins (at its usual address, marked as a preview); readers, feeds, search and the sitemap never see it.",
          options: [
            { label: "Published", value: "published" },
            { label: "Draft", value: "draft" },
          ],
          // Also what a post file without `status:` reads as: posts written before drafts existed stay published.
          defaultValue: "published",
        }),
        author: fields.relationship({
          label: "Author",
          collection: "authors",
          validation: { isRequired: true },
        }),
        tags: fields.array(fields.text({ label: "Tag" }), {
          label: "Tags",
          itemLabel: (props) => props.value,
        }),
        summary: fields.text({ label: "Summary", multiline: true }),
        cover: fields.object(
          {
            image: fields.image({
              label: "Cover image",
              directory: "public/images/posts",
              publicPath: "/images/posts/",
            }),
            ...imageCreditFields(),
          },
          { label: "Cover image and credit" },
        ),
        license: fields.select({
          label: "Licence",
          description: "Leave on the site default unless this post is published under another licence.",
          options: [{ label: "Site default", value: "site-default" }, ...licenseSelectOptions],
          defaultValue: "site-default",
        }),
        commentsOpen: fields.checkbox({ label: "Comments open", defaultValue: true }),
        body: fields.markdoc({
          label: "Body",
          extension: "md",
          options: { image: { directory: "public/images/posts", publicPath: "/images/posts/" } },
          components: postBodyComponents,
        }),
      },
    }),
    authors: collection({
      label: "Authors",
      slugField: "name",
      path: "content/authors/*",
      format: { data: "yaml" },
      schema: {
        name: fields.slug({ name: { label: "Name", validation: { isRequired: true } } }),
        role: fields.text({ label: "Role" }),
        accountEmail: fields.text({
          label: "Account email",
          description:
            "The email of the coach account that writes as this author: it may edit this author's posts and replies to them with the Author badge. Never shown.",
        }),
        contact: fields.text({
          label: "Contact for permissions",
          description:
            "An email address or a web address where readers can ask to reuse posts published with all rights reserved. Shown publicly on those posts.",
        }),
        bio: fields.text({ label: "Short bio", multiline: true }),
        avatar: fields.image({
          label: "Avatar",
          directory: "public/images/authors",
          publicPath: "/images/authors/",
        }),
        links: fields.array(
          fields.object({
            label: fields.text({ label: "Label" }),
            url: fields.url({ label: "URL" }),
          }),
          { label: "Links", itemLabel: (props) => props.fields.label.value },
        ),
      },
    }),
  },
  singletons: {
    // The About page (/about): a title and a Markdoc body like a post's, stored as content/about.md.
    about: singleton({
      label: "About page",
      path: "content/about",
      format: { contentField: "body" },
      entryLayout: "content",
      schema: {
        title: fields.text({ label: "Title", validation: { length: { min: 1 } } }),
        body: fields.markdoc({
          label: "Body",
          extension: "md",
          options: { image: { directory: "public/images/pages", publicPath: "/images/pages/" } },
          components: postBodyComponents,
        }),
      },
    }),
    site: singleton({
      label: "Site settings",
      path: "content/site",
      format: { data: "yaml" },
      schema: {
        title: fields.text({ label: "Site title", validation: { length: { min: 1 } } }),
        tagline: fields.text({ label: "Tagline" }),
        defaultLicense: fields.select({
          label: "Default licence",
          options: licenseSelectOptions,
          defaultValue: "cc-by-4.0",
        }),
        attributionName: fields.text({ label: "Attribution name" }),
        attributionUrl: fields.url({ label: "Attribution URL" }),
        commentMaxChars: fields.integer({
          label: "Comment limit (characters)",
          description: "Longer comments are posted as consecutive parts.",
          defaultValue: 4096,
          validation: { min: 100, max: 100000, isRequired: true },
        }),
        commentMaxParts: fields.integer({
          label: "Maximum parts per comment",
          defaultValue: 10,
          validation: { min: 1, max: 100, isRequired: true },
        }),
        maxDisplayDepth: fields.integer({
          label: "Maximum display depth",
          defaultValue: 4,
          validation: { min: 1, max: 10, isRequired: true },
        }),
        allowAnonymous: fields.checkbox({ label: "Anonymous comments allowed", defaultValue: true }),
        holdFirstTimeGuests: fields.checkbox({
          label: "Hold first-time guests for approval",
          description:
            "A guest's first comment waits for a moderator; once approved, their later comments go straight through.",
          defaultValue: true,
        }),
        maxLinks: fields.integer({
          label: "Hold comments with more links than",
          defaultValue: 2,
          validation: { min: 0, max: 100, isRequired: true },
        }),
        commentLicense: fields.select({
          label: "Comment licence",
          description: "The licence comments are published under, stated on the comment form and in each page's data.",
          options: [{ label: "Same as the default licence", value: "site-default" }, ...licenseSelectOptions],
          defaultValue: "site-default",
        }),
        phoneRegion: fields.select({
          label: "Phone numbers without a country code",
          description:
            "The country whose national format a phone number in a comment is read in when written without +country code (numbers with it are recognised anyway). The comment form asks before publishing a phone number.",
          options: phoneRegionOptions,
          defaultValue: "US",
        }),
        commentLicenseText: fields.text({
          label: "Comment licence note",
          description:
            "Optional words shown on the comment form after the licence, e.g. why comments are shared this way.",
          multiline: true,
        }),
      },
    }),
  },
});
