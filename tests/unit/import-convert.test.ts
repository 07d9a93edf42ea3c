import Markdoc from "@markdoc/markdoc";
import fc from "fast-check";
import { fields } from "@keystatic/core";
import { describe, expect, it } from "vitest";
import { renderCommentMarkdown } from "~/comments/markdown.server";
import { commentHtmlToMarkdown } from "~/import/convert/comment-text";
import { extractCredit, parseCreditText } from "~/import/convert/credits";
import { findHandSplitReplies, type SplitCandidate } from "~/import/convert/hand-split";
import { htmlToMarkdown } from "~/import/convert/html-to-markdown";
import { licenseFromNotice } from "~/import/convert/licence-notice";
import { oldFeedPaths, oldPaths, postSlug, resolveSlug, slugFromOldUrl, slugFromText } from "~/import/convert/slugs";
import { renderPostBody } from "~/posts/body.server";
import { assertMarkdocWithinLimits } from "~/posts/markdoc-limits";
import { postBodyComponents } from "~/posts/content-components";

// The converters that turn an old blog's HTML into what Staffroom keeps. The
// inputs below are written by hand in the shapes Blogger and WordPress export
// (Blogger's <div>/<br /> bodies and tr-caption-container tables, WordPress's
// newline paragraphs and [caption] shortcodes, the CC chooser's markup).

/** What the site shows for a converted body: the Keystatic reader parses the file's body with Markdoc. */
function rendered(markdown: string): string {
  // The check the site makes before it parses a post file.
  assertMarkdocWithinLimits(markdown);
  const ast = Markdoc.parse(markdown);
  const config = fields.markdoc.createMarkdocConfig({ components: postBodyComponents });
  const problems = Markdoc.validate(ast, config).filter(
    (e) => e.error.level === "error" || e.error.level === "critical",
  );
  expect(problems.map((p) => p.error.message)).toEqual([]);
  return renderPostBody(ast).html;
}

const BLOGGER_BODY = `<div dir="ltr" style="text-align: left;" trbidi="on">
<div class="separator" style="clear: both; text-align: center;"><a href="https://blogger.googleusercontent.com/img/b/R29vZ2xl/s1600/coach.jpg" style="margin-left: 1em; margin-right: 1em;"><img border="0" data-original-height="480" src="https://blogger.googleusercontent.com/img/b/R29vZ2xl/s320/coach.jpg" width="320" /></a></div>
<div>Last weekend I had lunch with teachers from my old school.<br />
There were hugs, a few tears.<br />
<br />
That conversation sent me home thinking.</div>
<div><br /></div>
<div><b>Collaborator.</b> Planning together sits at the <i>centre</i> of the PYP.</div>
</div>`;

describe("htmlToMarkdown: Blogger's markup", () => {
  it("turns <div> paragraphs and <br /> runs into paragraphs and hard breaks", () => {
    const { markdown, notes } = htmlToMarkdown(BLOGGER_BODY);
    expect(markdown).toBe(
      "[![](https://blogger.googleusercontent.com/img/b/R29vZ2xl/s320/coach.jpg)](https://blogger.googleusercontent.com/img/b/R29vZ2xl/s1600/coach.jpg)\n\n" +
        "Last weekend I had lunch with teachers from my old school.\\\n" +
        "There were hugs, a few tears.\n\n" +
        "That conversation sent me home thinking.\n\n" +
        "**Collaborator.** Planning together sits at the *centre* of the PYP.\n",
    );
    expect(notes).toEqual([]);
    const html = rendered(markdown);
    expect(html).toContain("There were hugs, a few tears.</p>");
    expect(html).toContain("old school.<br");
  });

  it("keeps an image an older post links protocol-relative (//host/…), as https", () => {
    const { markdown } = htmlToMarkdown('<p><img src="//1.bp.blogspot.com/-abc/s1600/door.jpg" alt="The door"></p>');
    expect(markdown).toBe("![The door](https://1.bp.blogspot.com/-abc/s1600/door.jpg)\n");
  });

  it("turns a tr-caption-container table into a credited image, its credit read from the caption", () => {
    const html = `<table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" style="margin-left: auto;"><tbody>
<tr><td style="text-align: center;"><a href="https://blogger.googleusercontent.com/img/s1600/lab.jpg"><img alt="Students in the lab" border="0" src="https://blogger.googleusercontent.com/img/s400/lab.jpg" /></a></td></tr>
<tr><td class="tr-caption" style="text-align: center;">Photo: Jane Doe / Flickr / CC BY-SA 2.0</td></tr>
</tbody></table>`;
    const { markdown } = htmlToMarkdown(html);
    expect(markdown).toBe(
      '{% creditedImage src="https://blogger.googleusercontent.com/img/s400/lab.jpg" alt="Students in the lab" caption="" creator="Jane Doe" sourceName="Flickr" licenseUrl="https://creativecommons.org/licenses/by-sa/2.0/" /%}\n',
    );
    const page = rendered(markdown);
    expect(page).toContain('src="https://blogger.googleusercontent.com/img/s400/lab.jpg"');
    expect(page).toContain("Jane Doe");
    expect(page).toContain('href="https://creativecommons.org/licenses/by-sa/2.0/"');
  });
});

describe("htmlToMarkdown: WordPress's markup", () => {
  it("reads newline paragraphs and a [caption] shortcode", () => {
    const content = `I asked my colleagues what they needed.
Most said time.

[caption id="attachment_12" align="aligncenter" width="300"]<a href="https://coach.example.org/wp-content/uploads/2013/06/team.jpg"><img class="size-medium wp-image-12" src="https://coach.example.org/wp-content/uploads/2013/06/team-300x200.jpg" alt="The team" width="300" height="200" /></a> Our team in June[/caption]

Next year will be different.`;
    const { markdown } = htmlToMarkdown(content, { newlineParagraphs: true });
    expect(markdown).toBe(
      "I asked my colleagues what they needed.\\\nMost said time.\n\n" +
        '{% creditedImage src="https://coach.example.org/wp-content/uploads/2013/06/team-300x200.jpg" alt="The team" caption="Our team in June" /%}\n\n' +
        "Next year will be different.\n",
    );
    expect(rendered(markdown)).toContain("Our team in June");
  });

  it("turns a block-editor figure with a caption into a credited image", () => {
    const html = `<figure class="wp-block-image size-large"><img src="https://coach.example.org/wp-content/uploads/2020/01/desk.jpg" alt="A desk" class="wp-image-40"/><figcaption>Photo by Anna Kowalska on Unsplash</figcaption></figure>`;
    expect(htmlToMarkdown(html).markdown).toBe(
      '{% creditedImage src="https://coach.example.org/wp-content/uploads/2020/01/desk.jpg" alt="A desk" caption="" creator="Anna Kowalska" sourceName="Unsplash" /%}\n',
    );
  });

  it("keeps a code block's language as the fence's info string", () => {
    const html = `<p>Try this:</p><pre class="wp-block-code"><code class="language-python">for student in roster:
    print(student)</code></pre>`;
    const { markdown } = htmlToMarkdown(html);
    expect(markdown).toBe("Try this:\n\n```python\nfor student in roster:\n    print(student)\n```\n");
    expect(rendered(markdown)).toContain("for student in roster:");
  });

  it("marks a fence holding {% as unprocessed, so Markdoc shows the text instead of reading a tag", () => {
    const html = `<pre><code class="language-liquid">{% if user %}Hi{% endif %}</code></pre>`;
    const { markdown } = htmlToMarkdown(html);
    expect(markdown).toBe("```liquid {% process=false %}\n{% if user %}Hi{% endif %}\n```\n");
    expect(rendered(markdown)).toContain("{% if user %}Hi{% endif %}");
  });
});

describe("htmlToMarkdown: tables, embeds and what cannot be converted", () => {
  it("writes a table as Keystatic's {% table %}, the <th> row as its header", () => {
    const html = `<table><thead><tr><th>Role</th><th>What it means</th></tr></thead>
<tbody><tr><td>Collaborator</td><td>Plans <b>with</b> teachers</td></tr><tr><td>Learner</td><td>Keeps up</td></tr></tbody></table>`;
    const { markdown, notes } = htmlToMarkdown(html);
    expect(markdown).toBe(
      "{% table %}\n- Role\n- What it means\n---\n- Collaborator\n- Plans **with** teachers\n---\n- Learner\n- Keeps up\n{% /table %}\n",
    );
    expect(notes).toEqual([]);
    // Markdoc's own formatter (the editor's serializer) writes it back the same way.
    expect(Markdoc.format(Markdoc.parse(markdown))).toBe(markdown);
    const page = rendered(markdown);
    expect(page).toContain("<th>Role</th>");
    expect(page).toContain("<td>Plans <strong>with</strong> teachers</td>");
  });

  it("writes a table without header cells with an empty header, as Keystatic does", () => {
    const { markdown } = htmlToMarkdown("<table><tr><td>a</td><td>b</td></tr></table>");
    expect(markdown).toBe("{% table %}\n---\n- a\n- b\n{% /table %}\n");
    expect(rendered(markdown)).toContain("<td>a</td>");
  });

  it("keeps a table with merged cells as a fenced HTML note and says so", () => {
    const html = `<table><tr><td colspan="2">Term 1</td></tr><tr><td>a</td><td>b</td></tr></table>`;
    const { markdown, notes } = htmlToMarkdown(html);
    expect(markdown).toBe(
      '```html\n<table><tbody><tr><td colspan="2">Term 1</td></tr><tr><td>a</td><td>b</td></tr></tbody></table>\n```\n',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/table/);
    expect(rendered(markdown)).toContain("Term 1");
  });

  it("turns a YouTube or Vimeo frame into a line linking the video, and keeps any other frame as a note", () => {
    const html = `<div><iframe allowfullscreen="" frameborder="0" height="266" src="https://www.youtube.com/embed/aBc_123-xyZ?feature=player_embedded" width="320"></iframe></div>
<p><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640"></iframe></p>
<p><iframe src="https://docs.example.com/presentation/embed?id=9"></iframe></p>`;
    const { markdown, notes } = htmlToMarkdown(html);
    expect(markdown).toBe(
      "[https://www.youtube.com/watch?v=aBc_123-xyZ](https://www.youtube.com/watch?v=aBc_123-xyZ)\n\n" +
        "[https://vimeo.com/76979871](https://vimeo.com/76979871)\n\n" +
        '```html\n<iframe src="https://docs.example.com/presentation/embed?id=9"></iframe>\n```\n',
    );
    expect(notes).toEqual([
      "kept an embedded frame from https://docs.example.com/presentation/embed?id=9 as an HTML note",
    ]);
    expect(rendered(markdown)).toContain('href="https://vimeo.com/76979871"');
  });

  it("escapes {% in text so the body parses and shows it", () => {
    const { markdown } = htmlToMarkdown("<p>Templates use {% raw %} tags</p>");
    expect(markdown).toBe("Templates use \\{% raw %} tags\n");
    expect(rendered(markdown)).toBe("<p>Templates use {% raw %} tags</p>");
  });

  it("keeps non-Latin text and entities exactly", () => {
    const html = "<p>Ελληνικά, русский, 日本語の先生, العربية &amp; naïve café — “quoted”</p>";
    const { markdown } = htmlToMarkdown(html);
    expect(markdown).toBe("Ελληνικά, русский, 日本語の先生, العربية & naïve café — “quoted”\n");
    expect(rendered(markdown)).toContain("日本語の先生, العربية &amp; naïve café");
  });

  it("never lets scripts, styles, event handlers or javascript: links through, and reports what it removed", () => {
    const html = `<p onclick="steal()">Hello <a href="javascript:alert(1)">click</a> <a href="JaVaScRiPt:alert(2)">two</a></p>
<script>alert("x")</script><style>body{display:none}</style>
<img src="x" onerror="alert(3)" alt="broken"><img src="javascript:alert(4)" alt="js">
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a><iframe src="javascript:alert(5)"></iframe>
<svg onload="alert(6)"><text>svg</text></svg>`;
    const { markdown, notes } = htmlToMarkdown(html);
    const page = rendered(markdown);
    for (const output of [markdown, page]) {
      expect(output).not.toMatch(/script|onerror|onclick|onload|alert|data:/i);
    }
    expect(markdown).toContain("Hello click two");
    expect(notes).toEqual(
      expect.arrayContaining([
        "removed a <script> element",
        "removed a <style> element",
        "removed a <svg> element",
        "removed event-handler attributes (on…)",
      ]),
    );
  });

  it("ends a paragraph without a stray backslash when a <br /> comes before a block", () => {
    const { markdown } = htmlToMarkdown(
      "<div>Intro<br /><div>Next block</div></div><div>Last line<br /><span> </span></div>",
    );
    expect(markdown).toBe("Intro\n\nNext block\n\nLast line\n");
    expect(rendered(markdown)).not.toContain("\\");
  });

  it("writes lists as the editor does and keeps an image's alt text as written", () => {
    const html = `<ul><li>Plan</li><li><p>Co-teach</p><p>Reflect</p></li></ul><ol start="3"><li>Three</li><li>Four</li></ol>
<p><img src="https://x.example/a (1).png" alt="Chart {% of %} [grades]" title="Grades"></p>`;
    const { markdown } = htmlToMarkdown(html);
    expect(markdown).toBe(
      "- Plan\n- Co-teach\n\n  Reflect\n\n3. Three\n4. Four\n\n" +
        '![Chart {% of %} [grades]](https://x.example/a%20%281%29.png "Grades")\n',
    );
    const page = rendered(markdown);
    expect(page).toContain('<ol start="3">');
    expect(page).toContain('alt="Chart {% of %} [grades]"');
    expect(htmlToMarkdown('<img src="https://x.example/b.png" alt="one ] two">').markdown).toBe(
      "![one ) two](https://x.example/b.png)\n",
    );
  });

  it("renders every fixture above through the site's renderer", () => {
    for (const html of [
      BLOGGER_BODY,
      "",
      "<p></p>",
      "<div><br /><br /><br /></div>",
      "<ul><li>one</li><li>two <em>2</em></li></ul>",
    ]) {
      expect(() => rendered(htmlToMarkdown(html).markdown)).not.toThrow();
    }
  });
});

describe("hostile HTML, any arrangement", () => {
  const fragments = [
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" jav&#x09;ascript:alert(1)">y</a>',
    '<img src="x" onerror="alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>*{}</style>",
    '<div onmouseover="alert(1)">z</div>',
    "<svg><script>alert(1)</script></svg>",
    "<p>{% if true %}</p>",
    "<br />",
    "text ünïcödé 中文",
    '<table><tr><td onclick="alert(1)">c</td></tr></table>',
    "<pre><code>{% x %}</code></pre>",
  ];

  it("never keeps script, handlers or javascript: URLs, and always renders", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 8 }), (parts) => {
        const html = parts.join("");
        const { markdown } = htmlToMarkdown(html);
        const comment = commentHtmlToMarkdown(html);
        for (const output of [markdown, rendered(markdown), comment, renderCommentMarkdown(comment)]) {
          expect(output).not.toMatch(/<script|javascript:|onerror|onclick|onmouseover|alert\(/i);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("commentHtmlToMarkdown", () => {
  it("keeps the words exactly, <br> as line breaks and links as links", () => {
    const html = `Great post!<br />I *really* agree with #3 &amp; <a href="http://teacher.example.com/" rel="nofollow">my blog</a> says so too.<br /><br />Thanks, Ana`;
    const markdown = commentHtmlToMarkdown(html);
    expect(markdown).toBe(
      "Great post!\\\nI \\*really\\* agree with #3 & [my blog](http://teacher.example.com/) says so too.\n\nThanks, Ana",
    );
    expect(renderCommentMarkdown(markdown)).toBe(
      '<p>Great post!<br />I *really* agree with #3 &amp; <a href="http://teacher.example.com/" rel="ugc nofollow noopener">my blog</a> says so too.</p>\n<p>Thanks, Ana</p>\n',
    );
  });

  it("drops images and headings (comments have neither) but keeps their words", () => {
    const markdown = commentHtmlToMarkdown(
      '<h2>My view</h2><p>See <img src="https://x.example/p.png" alt="my chart"> here</p>',
    );
    expect(markdown).toBe("**My view**\n\nSee my chart here");
  });

  it("reads WXR comment_content newlines as paragraphs and breaks", () => {
    expect(commentHtmlToMarkdown("First line\nsecond line\n\nNew paragraph", { newlineParagraphs: true })).toBe(
      "First line\\\nsecond line\n\nNew paragraph",
    );
  });

  it("keeps non-Latin text and removes hostile markup", () => {
    const markdown = commentHtmlToMarkdown(
      '<p>Спасибо! 谢谢 <a href="javascript:alert(1)">click</a><script>alert(2)</script><img src=x onerror=alert(3)></p>',
    );
    expect(markdown).toBe("Спасибо! 谢谢 click");
  });
});

describe("credits", () => {
  it("reads Compfight's linked credit line and takes it out of the body", () => {
    const { markdown } = htmlToMarkdown(`<p>Coaching is a partnership.</p>
<p><small>Photo Credit: <a href="https://www.flickr.com/photos/12345678@N00/987654321/">Jane Doe</a> via <a href="http://compfight.com">Compfight</a> <a href="https://creativecommons.org/licenses/by-nc/2.0/">cc</a></small></p>`);
    expect(extractCredit(markdown)).toEqual({
      credit: {
        creator: "Jane Doe",
        sourceName: "Compfight",
        sourceUrl: "https://www.flickr.com/photos/12345678@N00/987654321/",
        licenseUrl: "https://creativecommons.org/licenses/by-nc/2.0/",
      },
      markdown: "Coaching is a partnership.\n",
    });
  });

  it("reads a credit that ends a paragraph after a hard break", () => {
    const { markdown } = htmlToMarkdown(
      "<div>Our staffroom.<br /><i>Image: Jane Doe / Flickr / CC BY-SA 2.0</i></div><div>More text.</div>",
    );
    expect(extractCredit(markdown)).toEqual({
      credit: {
        creator: "Jane Doe",
        sourceName: "Flickr",
        sourceUrl: null,
        licenseUrl: "https://creativecommons.org/licenses/by-sa/2.0/",
      },
      markdown: "Our staffroom.\n\nMore text.\n",
    });
  });

  it("reads Unsplash's credit with links", () => {
    const body =
      "Intro.\n\nPhoto by [Anna Kowalska](https://unsplash.com/@annak?utm_source=x) on [Unsplash](https://unsplash.com/?utm_source=x)\n";
    expect(extractCredit(body)).toEqual({
      credit: {
        creator: "Anna Kowalska",
        sourceName: "Unsplash",
        sourceUrl: "https://unsplash.com/@annak?utm_source=x",
        licenseUrl: null,
      },
      markdown: "Intro.\n",
    });
  });

  it("reads credits typed without links", () => {
    expect(parseCreditText("Photo Credit: Jane Doe via Compfight cc")?.credit).toEqual({
      creator: "Jane Doe",
      sourceName: "Compfight",
      sourceUrl: null,
      // "cc" without its deed names no version, so no licence.
      licenseUrl: null,
    });
    expect(parseCreditText("Photo credit: Łukasz Wiśniewski")?.credit).toEqual({
      creator: "Łukasz Wiśniewski",
      sourceName: "",
      sourceUrl: null,
      licenseUrl: null,
    });
    expect(parseCreditText("Image: Jane Doe / Wikimedia Commons / CC0")?.credit.licenseUrl).toBe(
      "https://creativecommons.org/publicdomain/zero/1.0/",
    );
  });

  it("does not take ordinary sentences for credits", () => {
    for (const text of [
      "Image: a teacher working with her class",
      "Photo by the river on a sunny afternoon we walked for hours",
      "Credit: where credit is due, the teachers did the work.",
      "Photography by students is on display in the library this week.",
      "The photo credit goes to my students, who took every picture.",
    ]) {
      expect(parseCreditText(text)).toBeNull();
    }
    expect(extractCredit("Image: what coaching looks like\n\nPhotos by my class are in the hall.\n")).toBeNull();
    expect(extractCredit("Image: a visit from the inspector at school\n")).toBeNull();
    expect(extractCredit("Image: see [this chart](https://x.example/c) for the data\n")).toBeNull();
    expect(extractCredit("Image: [Jane Doe](https://x.example/jane)\n")?.credit.sourceUrl).toBe(
      "https://x.example/jane",
    );
  });

  it("never reads a credit inside a code block", () => {
    expect(extractCredit("```\nPhoto Credit: Jane via Flickr cc\n```\n")).toBeNull();
  });
});

describe("licenseFromNotice", () => {
  it("reads the Creative Commons chooser's markup by its rel=license link", () => {
    const notice = `<a rel="license" href="http://creativecommons.org/licenses/by-nc-sa/3.0/deed.en_US"><img alt="Creative Commons License" style="border-width:0" src="http://i.creativecommons.org/l/by-nc-sa/3.0/88x31.png" /></a><br />This work is licensed under a <a rel="license" href="http://creativecommons.org/licenses/by-nc-sa/3.0/deed.en_US">Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported License</a>.`;
    expect(licenseFromNotice(notice)).toBe("cc-by-nc-sa-3.0");
  });

  it("reads the licence's name in words", () => {
    expect(
      licenseFromNotice(
        "This work is licensed under a Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported License",
      ),
    ).toBe("cc-by-nc-sa-3.0");
    expect(licenseFromNotice("Licensed under a Creative Commons Attribution-NoDerivs 3.0 Unported License.")).toBe(
      "cc-by-nd-3.0",
    );
    expect(licenseFromNotice("Text is available under CC BY-SA 4.0")).toBe("cc-by-sa-4.0");
    expect(licenseFromNotice("Creative Commons Attribution 4.0 International License")).toBe("cc-by-4.0");
    expect(licenseFromNotice("© 2013 Morgan Ellery. All rights reserved.")).toBe("all-rights-reserved");
  });

  it("names nothing for licences the catalogue lacks or notices that name none", () => {
    expect(
      licenseFromNotice('<a rel="license" href="https://creativecommons.org/licenses/by/3.0/us/">CC BY 3.0 US</a>'),
    ).toBeNull();
    expect(licenseFromNotice("Creative Commons Attribution 3.0 United States License")).toBeNull();
    expect(
      licenseFromNotice('<a href="http://creativecommons.org/licenses/by/2.0/">Creative Commons Attribution 2.0</a>'),
    ).toBeNull();
    expect(licenseFromNotice("Thanks for reading my blog!")).toBeNull();
    expect(licenseFromNotice("")).toBeNull();
  });
});

describe("slugs", () => {
  it("takes the slug from a Blogger or WordPress permalink", () => {
    expect(slugFromOldUrl("https://coach.blogspot.com/2013/06/what-a-coach-does.html")).toBe("what-a-coach-does");
    expect(slugFromOldUrl("https://coach.example.org/2013/06/14/what-a-coach-does/")).toBe("what-a-coach-does");
    expect(slugFromOldUrl("https://coach.example.org/2013/06/14/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82/")).toBe("privet");
    expect(slugFromOldUrl("https://coach.example.org/?p=123")).toBeNull();
  });

  it("falls back to the title when the permalink has no slug", () => {
    const post = {
      slugHint: null,
      oldUrls: ["https://coach.example.org/?p=123"],
      published: "2013-06-14T05:33:00.000Z",
    };
    expect(postSlug({ ...post, title: "What a Coach Does: Part 1" })).toBe("what-a-coach-does-part-1");
    expect(postSlug({ ...post, title: "日本語" })).toBe("post-2013-06-14");
    expect(postSlug({ ...post, slugHint: "coach_notes", title: "x" })).toBe("coach-notes");
  });

  it("folds accents and transliterates other scripts into what the site's addresses accept", () => {
    expect(slugFromText("Ça coûte cher — l’équipe")).toBe("ca-coute-cher-lequipe");
    expect(slugFromText("What’s a coach's job?")).toBe("whats-a-coachs-job");
    expect(slugFromText("Привет, мир")).toBe("privet-mir");
    expect(slugFromText("Ελληνικά")).toBe("ellinika");
    expect(slugFromText("  ")).toBe("");
    const long = slugFromText("word ".repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it("resolves collisions with -2, -3 and reports each", () => {
    const taken = new Set(["what-a-coach-does", "what-a-coach-does-2"]);
    expect(resolveSlug("fresh", taken)).toEqual({ slug: "fresh", collision: null });
    expect(resolveSlug("what-a-coach-does", taken)).toEqual({
      slug: "what-a-coach-does-3",
      collision: "what-a-coach-does was taken: what-a-coach-does-3",
    });
  });

  it("lists the old paths that should redirect", () => {
    expect(
      oldPaths(
        {
          sourceId: "tag:blogger.com,1999:blog-1234567890.post-9876543210",
          oldUrls: ["https://coach.blogspot.com/2013/06/what-a-coach-does.html"],
        },
        "blogger-atom",
      ),
    ).toEqual(["/2013/06/what-a-coach-does.html", "/feeds/9876543210/comments/default"]);
    expect(
      oldPaths({ sourceId: "123", oldUrls: ["https://coach.example.org/2013/06/14/what-a-coach-does/"] }, "wxr"),
    ).toEqual(["/2013/06/14/what-a-coach-does/", "/?p=123", "/2013/06/14/what-a-coach-does/feed/"]);
    expect(oldFeedPaths("blogger-atom")).toContain("/feeds/posts/default");
    expect(oldFeedPaths("wxr")).toContain("/feed/");
  });
});

describe("findHandSplitReplies", () => {
  const at = (minutes: number) => new Date(Date.UTC(2013, 5, 14, 9, minutes)).toISOString();
  const comment = (
    sourceId: string,
    authorName: string | null,
    markdown: string,
    minutes: number,
    parent: string | null = null,
  ): SplitCandidate => ({
    sourceId,
    parentSourceId: parent,
    authorName,
    authorEmail: null,
    published: at(minutes),
    type: "comment",
    markdown,
  });

  it("joins a writer's consecutive parts under the same parent", () => {
    const groups = findHandSplitReplies([
      comment("c1", "Morgan", "First question.", 0),
      comment("c2", "Jane", "A long answer, the first half.", 5, "c1"),
      comment("c3", "Jane", "**Part 2** and the rest.", 6, "c1"),
      comment("c4", "Jane", "(continued) the very end.", 7, "c1"),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0].sourceIds).toEqual(["c2", "c3", "c4"]);
    expect(groups[0].reason).toContain('"Jane"');
    expect(groups[0].reason).toContain('"Part 2"');
  });

  it("recognises the usual markers, whatever their case", () => {
    for (const opening of [
      "Part II: the rest",
      "part 2 - as promised",
      "cont. from above",
      "Cont'd",
      "continued from above",
      "…continued",
      "...continued",
      "2/3 So where was I",
      "[2 of 3] So",
      "  > (Continued)",
    ]) {
      const groups = findHandSplitReplies([comment("a", "Jane", "Start.", 0), comment("b", "Jane", opening, 1)]);
      expect(
        groups.map((g) => g.sourceIds),
        opening,
      ).toEqual([["a", "b"]]);
    }
  });

  it("never joins different writers, different parents, anonymous writers, far-apart times or a marker mid-text", () => {
    const cases: SplitCandidate[][] = [
      [comment("a", "Jane", "Start.", 0), comment("b", "Sam", "Part 2 of my view.", 1)],
      [comment("a", "Jane", "Start.", 0, "p1"), comment("b", "Jane", "Part 2 of it.", 1, "p2")],
      [comment("a", "Anonymous", "Start.", 0), comment("b", "Anonymous", "Part 2.", 1)],
      [comment("a", null, "Start.", 0), comment("b", null, "Part 2.", 1)],
      [comment("a", "Jane", "Start.", 0), comment("b", "Jane", "Part 2.", 60 * 25)],
      [comment("a", "Jane", "Start.", 0), comment("b", "Jane", "I loved Part 2 of the series.", 1)],
      [comment("a", "Jane", "Start.", 0), comment("b", "Jane", "Partly agree.", 1)],
      [comment("a", "Jane", "Start.", 0), comment("x", "Sam", "Me too.", 1), comment("b", "Jane", "Part 2.", 2)],
    ];
    for (const comments of cases) {
      expect(findHandSplitReplies(comments), JSON.stringify(comments.map((c) => c.markdown))).toEqual([]);
    }
  });

  it("joins parts when other threads' replies come between them", () => {
    const groups = findHandSplitReplies([
      comment("a", "Jane", "Start.", 0),
      comment("r", "Sam", "Reply to Jane.", 1, "a"),
      comment("b", "Jane", "Part 2.", 2),
    ]);
    expect(groups.map((g) => g.sourceIds)).toEqual([["a", "b"]]);
  });
});
