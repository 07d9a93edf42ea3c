import { describe, expect, it } from "vitest";
import { getLicense, LICENSES, type LicenseId } from "~/licences/catalogue";
import { attribution, describePermissions } from "~/licences/reuse";

// What each licence allows, written out by hand from the CC deeds:
// [may share adaptations, commercial use, credit required, share-alike with which later licence].
const EXPECTED: Record<
  LicenseId,
  { adapt: boolean; commercial: boolean; credit: boolean; shareAlikeUnder: string | null }
> = {
  "cc0-1.0": { adapt: true, commercial: true, credit: false, shareAlikeUnder: null },
  "cc-by-4.0": { adapt: true, commercial: true, credit: true, shareAlikeUnder: null },
  "cc-by-sa-4.0": { adapt: true, commercial: true, credit: true, shareAlikeUnder: "CC BY-SA 4.0 or a later version" },
  "cc-by-nc-4.0": { adapt: true, commercial: false, credit: true, shareAlikeUnder: null },
  "cc-by-nc-sa-4.0": {
    adapt: true,
    commercial: false,
    credit: true,
    shareAlikeUnder: "CC BY-NC-SA 4.0 or a later version",
  },
  "cc-by-nd-4.0": { adapt: false, commercial: true, credit: true, shareAlikeUnder: null },
  "cc-by-nc-nd-4.0": { adapt: false, commercial: false, credit: true, shareAlikeUnder: null },
  "cc-by-3.0": { adapt: true, commercial: true, credit: true, shareAlikeUnder: null },
  "cc-by-sa-3.0": {
    adapt: true,
    commercial: true,
    credit: true,
    shareAlikeUnder: "CC BY-SA 3.0 Unported, a later version of it (such as CC BY-SA 4.0)",
  },
  "cc-by-nc-3.0": { adapt: true, commercial: false, credit: true, shareAlikeUnder: null },
  "cc-by-nc-sa-3.0": {
    adapt: true,
    commercial: false,
    credit: true,
    shareAlikeUnder: "CC BY-NC-SA 3.0 Unported, a later version of it (such as CC BY-NC-SA 4.0)",
  },
  "cc-by-nd-3.0": { adapt: false, commercial: true, credit: true, shareAlikeUnder: null },
  "cc-by-nc-nd-3.0": { adapt: false, commercial: false, credit: true, shareAlikeUnder: null },
  "all-rights-reserved": { adapt: false, commercial: false, credit: false, shareAlikeUnder: null },
};

describe("what each licence allows, in plain words", () => {
  it("covers every licence in the catalogue", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(LICENSES.map((l) => l.id).sort());
  });

  it.each(Object.entries(EXPECTED))("%s", (id, expected) => {
    const words = describePermissions(getLicense(id as LicenseId)).join(" ");
    if (id === "all-rights-reserved") {
      expect(words).toMatch(/All rights are reserved/);
      expect(words).toMatch(/Ask the author/);
      return;
    }
    expect(words).toMatch(/You may copy(,| and) share/);
    expect(/You may not share adaptations/.test(words)).toBe(!expected.adapt);
    expect(/You may not use it for commercial purposes/.test(words)).toBe(!expected.commercial);
    expect(/You must give credit/.test(words)).toBe(expected.credit);
    if (expected.shareAlikeUnder) expect(words).toContain(expected.shareAlikeUnder);
    else expect(words).not.toMatch(/release it under/);
  });
});

describe("a ready attribution (Title, Author, Source, Licence)", () => {
  const facts = {
    title: "What is the role of a technology integration specialist?",
    authorName: "Morgan Ellery",
    authorUrl: "https://practice-notes.example.org/",
    sourceUrl: "https://practice-notes.example.org/posts/what-does-a-technology-coach-do",
    license: getLicense("cc-by-nc-sa-3.0"),
  };

  it("names all four in plain text, HTML with ccREL, and Markdown", () => {
    const made = attribution(facts)!;
    expect(made.text).toBe(
      "“What is the role of a technology integration specialist?” by Morgan Ellery (https://practice-notes.example.org/posts/what-does-a-technology-coach-do) is licensed under CC BY-NC-SA 3.0 Unported (https://creativecommons.org/licenses/by-nc-sa/3.0/).",
    );
    expect(made.html).toContain('property="dct:title"');
    expect(made.html).toContain('property="cc:attributionName"');
    expect(made.html).toContain(
      'href="https://creativecommons.org/licenses/by-nc-sa/3.0/" rel="license noopener noreferrer"',
    );
    expect(made.markdown).toBe(
      "[What is the role of a technology integration specialist?](https://practice-notes.example.org/posts/what-does-a-technology-coach-do) by [Morgan Ellery](https://practice-notes.example.org/) is licensed under [CC BY-NC-SA 3.0 Unported](https://creativecommons.org/licenses/by-nc-sa/3.0/).",
    );
  });

  it("escapes a hostile title in HTML and Markdown", () => {
    const made = attribution({ ...facts, title: 'A <script>alert(1)</script> & "quotes" [link](x)' })!;
    expect(made.html).not.toContain("<script>");
    expect(made.html).toContain("&lt;script&gt;");
    expect(made.markdown).toContain("\\[link\\]\\(x\\)");
  });

  it("offers none for all rights reserved", () => {
    expect(attribution({ ...facts, license: getLicense("all-rights-reserved") })).toBeNull();
  });
});
