import { describe, expect, it } from "vitest";
import { getLicense } from "~/licences/catalogue";
import {
  blogPostingJsonLd,
  labelLicenseUrl,
  licenseTermsForUrl,
  resolveCommentLicense,
  resolvePostLicense,
  storedCommentLicense,
  type BlogPostingFacts,
} from "~/licences/metadata";

// docs/architecture.md §5: a post is under its own licence when it names one, otherwise the
// site's; image credits name their licence; machines read it from JSON-LD.
// Names and URLs below are the Creative Commons deeds' own.

describe("resolvePostLicense", () => {
  it('"site-default" uses the site\'s licence', () => {
    expect(resolvePostLicense("site-default", "cc-by-nc-sa-3.0").id).toBe("cc-by-nc-sa-3.0");
    expect(resolvePostLicense("site-default", "cc-by-sa-4.0").id).toBe("cc-by-sa-4.0");
    expect(resolvePostLicense("site-default", "all-rights-reserved").id).toBe("all-rights-reserved");
  });

  it("a post's own licence wins over the site's", () => {
    expect(resolvePostLicense("cc-by-4.0", "cc-by-nc-sa-3.0").id).toBe("cc-by-4.0");
    expect(resolvePostLicense("cc0-1.0", "cc-by-nc-sa-3.0").id).toBe("cc0-1.0");
    expect(resolvePostLicense("all-rights-reserved", "cc-by-4.0").id).toBe("all-rights-reserved");
  });

  it("returns the full catalogue entry (name and deed URL)", () => {
    const license = resolvePostLicense("cc-by-nc-sa-3.0", "cc-by-4.0");
    expect(license.shortName).toBe("CC BY-NC-SA 3.0 Unported");
    expect(license.url).toBe("https://creativecommons.org/licenses/by-nc-sa/3.0/");
  });

  it.each(["cc-by-5.0", "gpl-3.0", "", "by", "cc-by-3.0-us"])(
    "an unknown post licence %j falls back to the site's",
    (override) => {
      expect(resolvePostLicense(override, "cc-by-nc-sa-3.0").id).toBe("cc-by-nc-sa-3.0");
    },
  );

  it("falls back to CC BY 4.0 when the site's default is unknown too", () => {
    expect(resolvePostLicense("site-default", "nonsense").id).toBe("cc-by-4.0");
    expect(resolvePostLicense("nonsense", "").id).toBe("cc-by-4.0");
  });

  it("a known post licence still wins when the site's default is unknown", () => {
    expect(resolvePostLicense("cc-by-nd-4.0", "nonsense").id).toBe("cc-by-nd-4.0");
  });
});

describe("labelLicenseUrl", () => {
  it("gives nothing for no URL", () => {
    expect(labelLicenseUrl(null)).toBeNull();
  });

  it.each([
    ["https://creativecommons.org/licenses/by-nc-sa/3.0/", "CC BY-NC-SA 3.0 Unported"],
    ["https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0"],
    ["https://creativecommons.org/licenses/by-nd/4.0/", "CC BY-ND 4.0"],
    ["https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"],
    // Spellings the CC site also serves for the same deeds.
    ["http://creativecommons.org/licenses/by-nc-sa/3.0/deed.en", "CC BY-NC-SA 3.0 Unported"],
    ["https://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC BY-SA 4.0"],
    ["https://www.creativecommons.org/licenses/by/3.0", "CC BY 3.0 Unported"],
  ])("names catalogue licence %s as %s", (url, name) => {
    const label = labelLicenseUrl(url);
    expect(label?.name).toBe(name);
    expect(label?.url).toMatch(/^https?:\/\/(www\.)?creativecommons\.org\//);
  });

  it.each([
    ["https://creativecommons.org/licenses/by/2.0/", "CC BY 2.0"],
    ["https://creativecommons.org/licenses/by-sa/2.5/", "CC BY-SA 2.5"],
    ["https://creativecommons.org/licenses/by-nc/2.0/", "CC BY-NC 2.0"],
  ])("names an older CC licence %s as %s and keeps its link", (url, name) => {
    expect(labelLicenseUrl(url)).toEqual({ name, url });
  });

  it("calls any other licence link just 'licence', keeping the link", () => {
    const url = "https://example.org/photo-terms";
    expect(labelLicenseUrl(url)).toEqual({ name: "licence", url });
  });

  it.each([
    // A page on another site whose address merely contains a CC-looking path
    // is not a Creative Commons licence.
    "https://evil.example/creativecommons.org/licenses/by/2.0/",
    "https://notcreativecommons.org/licenses/by/2.0/",
  ])("does not call %s a Creative Commons licence", (url) => {
    expect(labelLicenseUrl(url)).toEqual({ name: "licence", url });
  });
});

describe("blogPostingJsonLd", () => {
  const base: BlogPostingFacts = {
    url: "https://staffroom.example/posts/coaching-cycles",
    title: "Coaching cycles that stick",
    summary: "What we learned from a year of six-week cycles.",
    published: "2013-06-09",
    authorName: "Dana Whitfield",
    authorUrl: null,
    license: getLicense("cc-by-nc-sa-3.0"),
    tags: ["coaching", "feedback"],
    images: [],
    commentCount: 22,
    comments: [],
  };

  it("describes the post as a schema.org BlogPosting", () => {
    const ld = blogPostingJsonLd(base);
    expect(ld["@context"]).toBe("https://schema.org");
    expect(ld["@type"]).toBe("BlogPosting");
    expect(ld.headline).toBe("Coaching cycles that stick");
    expect(ld.datePublished).toBe("2013-06-09"); // the calendar date as written, not shifted
    expect(ld.author).toMatchObject({ name: "Dana Whitfield" });
    expect(ld.url).toBe("https://staffroom.example/posts/coaching-cycles");
  });

  it("carries the licence's deed URL", () => {
    expect(blogPostingJsonLd(base).license).toBe("https://creativecommons.org/licenses/by-nc-sa/3.0/");
    expect(blogPostingJsonLd({ ...base, license: getLicense("cc-by-4.0") }).license).toBe(
      "https://creativecommons.org/licenses/by/4.0/",
    );
  });

  it("has no license key for all rights reserved", () => {
    const ld = blogPostingJsonLd({ ...base, license: getLicense("all-rights-reserved") });
    expect(Object.hasOwn(ld, "license")).toBe(false);
    expect(JSON.parse(JSON.stringify(ld))).not.toHaveProperty("license");
    expect(ld["@type"]).toBe("BlogPosting");
  });

  it("survives JSON serialization with the facts intact", () => {
    const ld = JSON.parse(JSON.stringify(blogPostingJsonLd(base)));
    expect(ld).toMatchObject({
      "@type": "BlogPosting",
      headline: "Coaching cycles that stick",
      datePublished: "2013-06-09",
      author: { name: "Dana Whitfield" },
      license: "https://creativecommons.org/licenses/by-nc-sa/3.0/",
    });
  });

  it("gives each image its own licence, or none", () => {
    const image = {
      url: "https://staffroom.example/images/cover.jpg",
      alt: "Two teachers at a whiteboard",
      creditText: "Photo: Lee Park",
      creator: "Lee Park",
      licenseUrl: "https://creativecommons.org/licenses/by/2.0/",
      acquireLicensePage: "https://photos.example/lee/1",
    };
    const [withLicence, without] = blogPostingJsonLd({
      ...base,
      images: [image, { ...image, licenseUrl: null, acquireLicensePage: null }],
    }).image as Record<string, unknown>[];
    expect(withLicence).toMatchObject({
      "@type": "ImageObject",
      contentUrl: image.url,
      creditText: "Photo: Lee Park",
      creator: { "@type": "Person", name: "Lee Park" },
      license: "https://creativecommons.org/licenses/by/2.0/",
      acquireLicensePage: "https://photos.example/lee/1",
    });
    expect(Object.hasOwn(without, "license")).toBe(false);
    expect(Object.hasOwn(without, "acquireLicensePage")).toBe(false);
  });

  it("states each comment's own licence on the page's comments", () => {
    const comments = [
      {
        url: "https://staffroom.example/comments/1",
        authorName: "Ana",
        dateCreated: "2013-06-10T10:00:00.000Z",
        licenseUrl: "https://creativecommons.org/licenses/by-nc-sa/3.0/",
      },
      {
        url: "https://staffroom.example/comments/2",
        authorName: "Ben",
        dateCreated: "2026-11-30T11:00:00.000Z",
        licenseUrl: "https://creativecommons.org/licenses/by/4.0/",
      },
      {
        url: "https://staffroom.example/comments/3",
        authorName: "Cy",
        dateCreated: "2026-11-30T12:00:00.000Z",
        licenseUrl: null,
      },
    ];
    const ld = blogPostingJsonLd({ ...base, comments });
    const listed = ld.comment as Record<string, unknown>[];
    expect(listed.map((c) => [c["@type"], c["@id"], c.license ?? null])).toEqual([
      ["Comment", comments[0].url, comments[0].licenseUrl],
      ["Comment", comments[1].url, comments[1].licenseUrl],
      ["Comment", comments[2].url, null],
    ]);
  });
});

describe("storedCommentLicense", () => {
  it("keeps the licence recorded with the comment; falls back to the current one when none was recorded", () => {
    expect(storedCommentLicense("cc-by-nc-sa-3.0", getLicense("cc-by-4.0")).id).toBe("cc-by-nc-sa-3.0");
    expect(storedCommentLicense(null, getLicense("cc-by-4.0")).id).toBe("cc-by-4.0");
    expect(storedCommentLicense("retired-id", getLicense("cc0-1.0")).id).toBe("cc0-1.0");
  });
});

describe("resolveCommentLicense", () => {
  it("is the site's default licence unless the setting names another (never the post's)", () => {
    expect(resolveCommentLicense("site-default", "cc-by-nc-sa-3.0").id).toBe("cc-by-nc-sa-3.0");
    expect(resolveCommentLicense("cc-by-4.0", "cc-by-nc-sa-3.0").id).toBe("cc-by-4.0");
    expect(resolveCommentLicense("nonsense", "cc0-1.0").id).toBe("cc0-1.0");
  });
});

describe("licenseTermsForUrl", () => {
  it.each([
    [
      "https://creativecommons.org/licenses/by-sa/2.0/",
      { shortName: "CC BY-SA 2.0", adapt: true, commercial: true, attribution: true, shareAlike: true },
    ],
    [
      "https://creativecommons.org/licenses/by-nc-nd/2.5/",
      { shortName: "CC BY-NC-ND 2.5", adapt: false, commercial: false, attribution: true, shareAlike: false },
    ],
    [
      "https://creativecommons.org/licenses/by/2.0/",
      { shortName: "CC BY 2.0", adapt: true, commercial: true, attribution: true, shareAlike: false },
    ],
    [
      "https://creativecommons.org/publicdomain/mark/1.0/",
      { shortName: "Public Domain Mark 1.0", adapt: true, commercial: true, attribution: false, shareAlike: false },
    ],
    [
      "https://creativecommons.org/licenses/by-nc/4.0/",
      { shortName: "CC BY-NC 4.0", adapt: true, commercial: false, attribution: true, shareAlike: false },
    ],
  ])("reads the terms of %s from its deed path", (url, expected) => {
    const terms = licenseTermsForUrl(url)!;
    expect(terms.shortName).toBe(expected.shortName);
    expect(terms.permissions).toMatchObject({
      adapt: expected.adapt,
      commercial: expected.commercial,
      attribution: expected.attribution,
      shareAlike: expected.shareAlike,
    });
  });

  it.each([
    null,
    "https://example.org/photo-terms",
    "https://creativecommons.org/licenses/xyz/2.0/",
    "https://evil.example/creativecommons.org/licenses/by/2.0/",
  ])("knows no terms for %j", (url) => {
    expect(licenseTermsForUrl(url)).toBeNull();
  });
});
