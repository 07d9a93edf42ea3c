/**
 * Facts about the demo post page (db/demo/coach-post-thread.json and
 * content/) and small helpers for reading the server's HTML in e2e and http
 * tests.
 */

export const DEMO_TITLE = "What is the role of a technology integration specialist?";
export const DEMO_AUTHOR = "Morgan Ellery";
export const DEMO_DATE_TEXT = "9 June 2013";
export const DEMO_DATE_ISO = "2013-06-09";
export const DEMO_TAGS = ["coaching", "professional-development", "pyp", "edtech"];
export const DEMO_SUMMARY =
  "Everything a technology coach did that never appeared in the job description, and why teachers missed it when the role was cut.";
export const POST_LICENSE_URL = "https://creativecommons.org/licenses/by-nc-sa/3.0/";
export const COVER_LICENSE_URL = "https://creativecommons.org/licenses/by/2.0/";
export const COVER_CREDIT = "Photo: A. Photographer via a photo-sharing site, CC BY 2.0";

/** Every number shown in the demo thread: 21 submissions, 22 comments. */
export const DEMO_NUMBERS = [
  ...Array.from({ length: 16 }, (_, i) => String(i + 1)),
  "9.1",
  "9.2",
  "9.3",
  "9.4",
  "10.1",
  "16.1",
];
/** Comments by the post's author (the long reply 9.1 + 9.2 counts twice). */
export const DEMO_AUTHOR_NUMBERS = ["4", "6", "8", "9.1", "9.2", "9.4", "10.1", "14", "16.1"];

/** Anything shaped like an email address. */
export const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Decodes the entities React and sanitize-html write into text and attributes. */
export function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x2F;/g, "/")
    .replace(/&amp;/g, "&");
}

/** Number of comments (parts included) drawn in a post page's HTML. */
export function countCommentsInHtml(html: string): number {
  return (html.match(/<li class="comment" id="comment-/g) ?? []).length;
}

/** Top-level comment numbers drawn in a post page's HTML. */
export function topLevelNumbers(html: string): number[] {
  return [...html.matchAll(/<li class="comment" id="comment-(\d+)" data-number="\d+"/g)].map((m) => Number(m[1]));
}

/** The database id of the comment drawn as `number` (from its "Reply to" link or open reply form). */
export function commentIdOf(html: string, number: string): number {
  const anchor = `id="comment-${number.replaceAll(".", "-")}" data-number="${number}"`;
  const at = html.indexOf(anchor);
  if (at < 0) throw new Error(`comment ${number} is not on the page`);
  const match = /replyTo=(\d+)|name="parentId" value="(\d+)"/.exec(html.slice(at));
  if (!match) throw new Error(`comment ${number} has no reply form`);
  return Number(match[1] ?? match[2]);
}

/** The HTML of one comment's own article (not its replies). */
export function commentArticleHtml(html: string, number: string): string {
  const anchor = `id="comment-${number.replaceAll(".", "-")}" data-number="${number}"`;
  const at = html.indexOf(anchor);
  if (at < 0) throw new Error(`comment ${number} is not on the page`);
  const end = html.indexOf("</article>", at);
  return html.slice(at, end);
}

/** The sanitized body HTML of one comment (between its body div and its reply form). */
export function commentBodyHtml(html: string, number: string): string {
  const article = commentArticleHtml(html, number);
  const start = article.search(/<div class="comment-body"[^>]*>/);
  if (start < 0) throw new Error(`comment ${number} has no body`);
  const end = article.indexOf('<details class="reply-toggle"', start);
  return article.slice(start, end < 0 ? undefined : end);
}

const PARAGRAPHS = [
  "When I started coaching I thought my job was to know every tool. It took me a year to see that teachers rarely needed another tool; they needed someone to sit beside them while they tried the one they already had, and to help them notice what their students were doing with it. The most useful thing I carried into a classroom was not a laptop but a set of questions about the learning the teacher wanted to see.",
  "Planning meetings are where most of the real work happens. I listen for the moment when a team describes something students find hard, such as organising their research, explaining their thinking aloud or giving each other feedback, and I ask whether technology could make that thinking visible. Often the answer is no, and that is fine. When the answer is yes, we design the activity together so the teacher owns it from the start.",
  "Co-teaching is the part of the role that teachers remember. In the first lesson I usually lead while the teacher watches the students rather than me. In the second lesson we swap. By the third the teacher is running the activity and I am the one circulating, asking students what they are making and why. That gradual handover matters more than any workshop, because it happens in the teacher's own room with the teacher's own class.",
  "Professional learning does not have to be a meeting after school. Some of the best conversations I have had with colleagues happened in a corridor, or over a cup of tea when someone said they had tried something and it had not worked. Those moments are invitations. If the coach is too busy running training sessions to accept them, the school loses the most honest feedback it will ever get about how technology is really being used.",
  "Digital citizenship deserves more than an assembly once a year. Students learn how to behave online in the same way they learn how to behave anywhere else: by practising with adults who care about them and by talking through what went wrong. I try to build short conversations about privacy, credit and kindness into ordinary units, so that they are part of the work rather than a warning delivered from a stage.",
  "Coaches also need to be learners in public. When I try a new approach with a class and it falls flat, I say so at the next staff meeting and explain what I will change. Teachers are far more willing to experiment when they see that the person who is supposed to be the expert is still experimenting too, and still getting things wrong now and then without any drama.",
  "Finally, the role depends on time that nobody can see on a timetable. A coach who is booked into lessons from the first bell to the last cannot follow up, cannot reflect and cannot plan with anyone. If a school wants teachers to change their practice, it has to protect the unglamorous hours in which a coach reads student work with a teacher and decides, together, what to try next week.",
  "None of this is new, and much of it is simply good teaching. What the coach adds is a second pair of eyes, a willingness to share the risk, and a steady reminder that technology is only worth the trouble when it lets students do something they could not do before, or do it better, or share it with someone who matters to them.",
  "If you are new to this kind of role, my advice is to start small and stay close to classrooms. Offer to help with one unit, with one teacher who is curious, and make that collaboration visible to others. Success spreads through a staffroom far faster than any policy document ever could, and it spreads because colleagues trust what they have seen with their own eyes.",
];

/** Real prose: at least `minChars` characters of paragraphs separated by blank lines. */
export function prose(minChars: number, startAt = 0): { text: string; paragraphs: string[] } {
  const paragraphs: string[] = [];
  let length = 0;
  for (let i = startAt; length < minChars; i++) {
    const paragraph = PARAGRAPHS[i % PARAGRAPHS.length];
    paragraphs.push(paragraph);
    length += paragraph.length + (paragraphs.length > 1 ? 2 : 0);
  }
  return { text: paragraphs.join("\n\n"), paragraphs };
}

/** en-GB digit grouping, as the page shows counts: 6123 → "6,123". */
export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-GB").format(n);
}
