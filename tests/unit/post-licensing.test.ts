import { describe, expect, it } from "vitest";
import { imageAttribution, imageCreditText } from "~/licences/reuse";
import { licenseTermsForUrl } from "~/licences/metadata";
import { permissionRequestUrl, postLicensing, type PostLicensingInput } from "~/licences/post-licensing";

// docs/architecture.md §5 and issue 5: every post and image carries its licence; reuse is a
// one-click job; "All rights reserved" posts say how to ask instead.

const base: PostLicensingInput = {
  post: { title: "Coaching cycles that stick", license: "site-default" },
  postUrl: "https://staffroom.example/posts/coaching-cycles",
  author: { name: "Dana Whitfield", url: "https://dana.example/", contact: null },
  site: { defaultLicense: "cc-by-4.0", commentLicense: "site-default", commentLicenseText: "", attributionUrl: null },
  images: [],
};

const cover = {
  anchor: "cover",
  src: "/images/posts/coaching-cycles/cover.jpg",
  url: "https://staffroom.example/images/posts/coaching-cycles/cover.jpg",
  alt: "Two teachers at a whiteboard",
  creator: "Lee Park",
  sourceName: "Flickr",
  sourceUrl: "https://flickr.example/lee/1",
  licenseUrl: "https://creativecommons.org/licenses/by-sa/2.0/",
};

describe("postLicensing", () => {
  it("offers reuse under the post's licence, with an attribution naming post, author, source and licence", () => {
    const result = postLicensing(base);
    expect(result.license.id).toBe("cc-by-4.0");
    expect(result.askUrl).toBeNull();
    expect(result.reuse.attribution?.text).toBe(
      "“Coaching cycles that stick” by Dana Whitfield (https://staffroom.example/posts/coaching-cycles) is licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).",
    );
  });

  it("all rights reserved: no attribution to copy, a link to ask the author instead", () => {
    const result = postLicensing({
      ...base,
      post: { ...base.post, license: "all-rights-reserved" },
      author: { ...base.author, contact: "dana@school.example" },
    });
    expect(result.reuse.attribution).toBeNull();
    expect(result.askUrl).toBe(
      `mailto:dana@school.example?subject=${encodeURIComponent("Permission to reuse “Coaching cycles that stick”")}`,
    );
    expect(result.reuse.askUrl).toBe(result.askUrl);
    expect(result.reuse.permissions.join(" ")).toMatch(/needs the author's permission/);
  });

  it("comments are under the comment licence setting, else the site's default, never the post's own", () => {
    const own = postLicensing({ ...base, post: { ...base.post, license: "cc-by-nd-4.0" } });
    expect(own.commentLicense.id).toBe("cc-by-4.0");
    expect(own.commentNotice).toEqual({
      licenseName: "CC BY 4.0",
      licenseUrl: "https://creativecommons.org/licenses/by/4.0/",
      note: "",
    });
    const set = postLicensing({
      ...base,
      site: { ...base.site, commentLicense: "cc0-1.0", commentLicenseText: "  Thanks for sharing.  " },
    });
    expect(set.commentNotice).toEqual({
      licenseName: "CC0 1.0",
      licenseUrl: "https://creativecommons.org/publicdomain/zero/1.0/",
      note: "Thanks for sharing.",
    });
  });

  it("gives each image its credit line and its own reuse panel under the image's licence", () => {
    const [image] = postLicensing({ ...base, images: [cover] }).images;
    expect(image.creditText).toBe("Photo: Lee Park via Flickr, CC BY-SA 2.0");
    expect(image.reuse.id).toBe("reuse-cover");
    expect(image.reuse.licenseName).toBe("CC BY-SA 2.0");
    const words = image.reuse.permissions.join(" ");
    expect(words).toContain("You may adapt it");
    expect(words).toContain("CC BY-SA 2.0, a later version of it (such as CC BY-SA 4.0)");
    expect(image.reuse.attribution?.text).toBe(
      "“Two teachers at a whiteboard” by Lee Park via Flickr (https://flickr.example/lee/1) is licensed under CC BY-SA 2.0 (https://creativecommons.org/licenses/by-sa/2.0/).",
    );
  });

  it("titles an image by its caption when it has one, else by its alt text", () => {
    const [captioned] = postLicensing({
      ...base,
      images: [{ ...cover, caption: "Week three of the robotics club" }],
    }).images;
    expect(captioned.reuse.attribution?.text).toMatch(/^“Week three of the robotics club” by Lee Park/);
    expect(captioned.reuse.heading).toBe("Reuse the image “Week three of the robotics club”");
  });

  it("an image without a licence is not offered for reuse: ask its creator at the source", () => {
    const [image] = postLicensing({ ...base, images: [{ ...cover, licenseUrl: null }] }).images;
    expect(image.creditText).toBe("Photo: Lee Park via Flickr");
    expect(image.reuse.attribution).toBeNull();
    expect(image.reuse.askUrl).toBe("https://flickr.example/lee/1");
    expect(image.reuse.permissions).toEqual([
      "No licence is stated for this image: ask its creator before reusing it.",
    ]);
  });

  it("an image under some other licence points to that licence's terms", () => {
    const [image] = postLicensing({
      ...base,
      images: [{ ...cover, sourceUrl: null, licenseUrl: "https://photos.example/terms" }],
    }).images;
    expect(image.reuse.attribution).toBeNull();
    expect(image.reuse.askUrl).toBe("https://photos.example/terms");
    expect(image.reuse.askLabel).toBe("Read the image's licence");
  });
});

describe("permissionRequestUrl", () => {
  it.each([
    ["dana@school.example", [], /^mailto:dana@school\.example\?subject=/],
    ["https://dana.example/contact", [], /^https:\/\/dana\.example\/contact$/],
    [null, [null, "https://site.example/"], /^https:\/\/site\.example\/$/],
    ["javascript:alert(1)", ["https://dana.example/"], /^https:\/\/dana\.example\/$/],
  ] as const)("%j → a safe link", (contact, fallbacks, expected) => {
    expect(permissionRequestUrl(contact, [...fallbacks], "T")).toMatch(expected);
  });

  it("is null when there is nowhere to ask", () => {
    expect(permissionRequestUrl(null, [null, "javascript:x"], "T")).toBeNull();
  });
});

describe("imageAttribution and imageCreditText", () => {
  it("escapes hostile names in the HTML and keeps the ccREL markup", () => {
    const html = imageAttribution({
      title: `<img src=x onerror=alert(1)>`,
      creator: `"Jo" & <b>`,
      sourceName: "",
      sourceUrl: null,
      license: licenseTermsForUrl("https://creativecommons.org/licenses/by/2.0/"),
    })!.html;
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain('property="cc:attributionName"');
    expect(html).toContain('rel="license noopener noreferrer"');
  });

  it("leaves out what is not known", () => {
    expect(imageCreditText({ creator: "", sourceName: "", licenseName: null })).toBe("Photo: unknown creator");
  });
});
