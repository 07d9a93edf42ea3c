// `npx tsx scripts/generate-export.ts --posts 5000 --comments 200000 --out FILE [--seed N] [--json]`
// (or `npm run generate:export -- …`): a WordPress WXR 1.2 export of a made-up
// coaching blog, for the import bench (scripts/bench.mjs, case `import`).
//
// Deterministic (scripts/seeded-random.ts: the same options give the same
// bytes) and streamed: each post and its comments are written as they are
// made and then forgotten, so a 200 MB file costs no more memory than a small
// one. What it holds, because a real blog's export holds it: threaded replies
// up to 6 deep, some replies written before the comment they answer (WordPress
// writes comments in id order, and ids are not always in date order),
// hand-split pairs ("Part 2" a minute later, same writer, same parent),
// statuses mixed (approved, pending, spam, trash), the blog owner's replies,
// non-ASCII names and text, and post bodies with paragraphs, links, an image
// with a credit line and a table. Every comment counts towards --comments (a
// hand-split pair is two).
import { createWriteStream, type WriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { Random } from "./seeded-random";

const SITE = "https://coachnotes.example";

const NAMES = [
  "Zoë Ångström",
  "José Núñez",
  "Małgorzata Wójcik",
  "Đặng Thị Hương",
  "李明",
  "Παναγιώτης Κωνσταντίνου",
  "Şükrü Öztürk",
  "Ngozi Adébáyọ̀",
  "Siobhán Ó Briain",
  "Björn Þórsson",
  "Amélie Lefèvre",
  "Олена Коваленко",
  "Priya Raghunathan",
  "Tomás Ruiz",
  "Aiko Tanaka",
  "Mohammed Al-Farsi",
  "Grace Mensah",
  "Liam O'Connor",
  "Chloé Dubois",
  "Kwame Asante",
];

const WORDS =
  "coaching feedback classroom routines lesson planning students teachers questioning curriculum assessment reflection modelling observation goals wellbeing literacy numeracy inquiry collaboration practice trust time evidence peers colleagues term workshop cycle".split(
    " ",
  );
const PHRASES = [
  "Merci pour ce billet — très utile.",
  "Danke! Genau das habe ich gebraucht.",
  "¡Qué buena idea! La probaré el lunes.",
  "Спасибо, очень полезно.",
  "これは素晴らしいアイデアです。",
  "Dziękuję za ten wpis, świetne pomysły.",
  "Ευχαριστώ πολύ για τις ιδέες.",
  "Çok faydalı bir yazı, teşekkürler.",
  "I tried this with Year 9 — it worked “better than expected”.",
  "Our team’s cycle is 6 weeks; 4 felt too short…",
];

interface Options {
  posts: number;
  comments: number;
  out: string;
  seed: number;
}

/** CDATA text: "]]>" cannot sit inside a CDATA section, so it is split across two. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** "YYYY-MM-DD HH:MM:SS" (WordPress's date fields), UTC. */
function wpDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function sentence(r: Random): string {
  const words = Array.from({ length: r.int(6, 16) }, () => r.pick(WORDS));
  const text = words.join(" ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(r: Random, sentences: number): string {
  const parts = Array.from({ length: sentences }, () => sentence(r));
  if (r.chance(0.3)) parts.splice(r.int(0, parts.length), 0, r.pick(PHRASES));
  return parts.join(" ");
}

function postBody(r: Random, n: number): string {
  const out: string[] = [];
  out.push(`<p>${paragraph(r, 4)} See <a href="${SITE}/resources/${n}/">the resources page</a>.</p>`);
  out.push(
    `<figure class="wp-block-image"><img src="${SITE}/wp-content/uploads/2019/0${(n % 9) + 1}/photo-${n}.jpg" alt="A classroom, post ${n}"/><figcaption>Photo Credit: ${r.pick(NAMES)} via Flickr cc</figcaption></figure>`,
  );
  for (let i = r.int(2, 5); i > 0; i--) out.push(`<p>${paragraph(r, r.int(3, 7))}</p>`);
  out.push(
    "<table><thead><tr><th>Week</th><th>Focus</th><th>Évaluation</th></tr></thead><tbody>" +
      Array.from(
        { length: r.int(2, 5) },
        (_, i) => `<tr><td>${i + 1}</td><td>${r.pick(WORDS)}</td><td>${r.pick(WORDS)}</td></tr>`,
      ).join("") +
      "</tbody></table>",
  );
  out.push(`<p>${paragraph(r, 3)} <a href="https://example.org/further-reading">Further reading</a>.</p>`);
  return out.join("\n");
}

function commentText(r: Random): string {
  const paragraphs = Array.from({ length: r.int(1, 3) }, () => `<p>${paragraph(r, r.int(1, 2))}</p>`);
  if (r.chance(0.1)) paragraphs.push(`<p>More here: <a href="https://example.org/c/${r.int(1, 9999)}">a link</a></p>`);
  return paragraphs.join("\n");
}

/** A WordPress status: mostly approved, some held, some spam, some trashed. */
function approved(r: Random): string {
  const x = r.float();
  return x < 0.85 ? "1" : x < 0.92 ? "0" : x < 0.97 ? "spam" : "trash";
}

/** How many comments each post gets: uneven (a few busy posts, many quiet ones), summing to `total`. */
function commentCounts(r: Random, posts: number, total: number): number[] {
  const weights = Array.from({ length: posts }, () => (r.chance(0.05) ? r.int(10, 30) : r.int(1, 10)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w * total) / sum));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % posts, left--) counts[i]++;
  return counts;
}

interface GeneratedComment {
  id: number;
  parent: number;
  depth: number;
  name: string;
  email: string;
  userId: number;
  at: number;
  html: string;
  approved: string;
}

function commentXml(c: GeneratedComment): string {
  return `
		<wp:comment>
			<wp:comment_id>${c.id}</wp:comment_id>
			<wp:comment_author>${cdata(c.name)}</wp:comment_author>
			<wp:comment_author_email>${cdata(c.email)}</wp:comment_author_email>
			<wp:comment_author_url>${c.userId ? SITE : ""}</wp:comment_author_url>
			<wp:comment_author_IP>${cdata("192.0.2.1")}</wp:comment_author_IP>
			<wp:comment_date>${cdata(wpDate(c.at + 3_600_000))}</wp:comment_date>
			<wp:comment_date_gmt>${cdata(wpDate(c.at))}</wp:comment_date_gmt>
			<wp:comment_content>${cdata(c.html)}</wp:comment_content>
			<wp:comment_approved>${cdata(c.approved)}</wp:comment_approved>
			<wp:comment_type>${cdata("comment")}</wp:comment_type>
			<wp:comment_parent>${c.parent}</wp:comment_parent>
			<wp:comment_user_id>${c.userId}</wp:comment_user_id>
		</wp:comment>`;
}

/** One post's comments, in the order the file lists them. */
function postComments(r: Random, count: number, firstId: number, postAt: number): GeneratedComment[] {
  const list: GeneratedComment[] = [];
  let at = postAt + 3_600_000;
  while (list.length < count) {
    at += r.int(60, 6 * 3600) * 1000;
    const owner = r.chance(0.05);
    const name = owner ? "Helen Okafor" : r.pick(NAMES);
    // A reply to an earlier comment no deeper than 5 (so a thread is at most 6 deep), or a new top-level one.
    const candidates =
      list.length && r.chance(0.6) ? list[r.int(Math.max(0, list.length - 30), list.length - 1)] : null;
    const parent = candidates && candidates.depth < 5 ? candidates : null;
    const base: GeneratedComment = {
      id: firstId + list.length,
      parent: parent?.id ?? 0,
      depth: parent ? parent.depth + 1 : 0,
      name,
      email: owner
        ? "helen@coachnotes.example"
        : `${
            name
              .normalize("NFD")
              .replace(/[^a-z]/gi, "")
              .toLowerCase() || "reader"
          }@school.example`,
      userId: owner ? 1 : 0,
      at,
      html: commentText(r),
      approved: owner ? "1" : approved(r),
    };
    list.push(base);
    // A hand-split pair: the same writer goes on a minute later under the same parent.
    if (!owner && list.length < count && r.chance(0.01)) {
      at += 60_000;
      list.push({ ...base, id: firstId + list.length, at, html: `<p>Part 2: ${paragraph(r, 3)}</p>` });
    }
  }
  // Some replies are listed before the comment they answer (swapped with it when adjacent).
  for (let i = 1; i < list.length; i++) {
    if (list[i].parent === list[i - 1].id && r.chance(0.1)) {
      [list[i - 1], list[i]] = [list[i], list[i - 1]];
      i++;
    }
  }
  return list;
}

function postXml(r: Random, n: number, id: number, at: number): { head: string; tail: string } {
  const slug = `coaching-note-${n}`;
  const d = new Date(at);
  const link = `${SITE}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${slug}/`;
  const tag = r.pick(WORDS);
  const head = `
	<item>
		<title>${cdata(`Coaching note ${n}: ${r.pick(WORDS)} and ${r.pick(WORDS)}${r.chance(0.2) ? " — «réflexions»" : ""}`)}</title>
		<link>${link}</link>
		<pubDate>${d.toUTCString().replace("GMT", "+0000")}</pubDate>
		<dc:creator>${cdata("helen")}</dc:creator>
		<guid isPermaLink="false">${SITE}/?p=${id}</guid>
		<description></description>
		<content:encoded>${cdata(postBody(r, n))}</content:encoded>
		<excerpt:encoded>${cdata(r.chance(0.5) ? sentence(r) : "")}</excerpt:encoded>
		<wp:post_id>${id}</wp:post_id>
		<wp:post_date>${cdata(wpDate(at + 3_600_000))}</wp:post_date>
		<wp:post_date_gmt>${cdata(wpDate(at))}</wp:post_date_gmt>
		<wp:post_modified>${cdata(wpDate(at + 3_600_000))}</wp:post_modified>
		<wp:post_modified_gmt>${cdata(wpDate(at))}</wp:post_modified_gmt>
		<wp:comment_status>${cdata("open")}</wp:comment_status>
		<wp:ping_status>${cdata("open")}</wp:ping_status>
		<wp:post_name>${cdata(slug)}</wp:post_name>
		<wp:status>${cdata("publish")}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>${cdata("post")}</wp:post_type>
		<wp:post_password>${cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="coaching">${cdata("Coaching")}</category>
		<category domain="post_tag" nicename="${tag}">${cdata(tag)}</category>`;
  return { head, tail: "\n\t</item>\n" };
}

/** Writes, waiting for the stream to drain when its buffer is full (so the file is never held in memory). */
async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
}

/**
 * Writes the export to `options.out`. Returns what it wrote: posts, comments
 * (a hand-split pair is two), bytes.
 */
export async function generateExport(options: Options): Promise<{ posts: number; comments: number; bytes: number }> {
  const r = new Random(options.seed);
  const counts = commentCounts(r, options.posts, options.comments);
  const out = createWriteStream(options.out);
  const finished = new Promise<void>((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
  });
  await write(
    out,
    `<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<!-- generator="WordPress/6.4.2" created="2024-01-01 09:00" -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Coach Notes</title>
	<link>${SITE}</link>
	<description>Notes from a coach &amp; her colleagues</description>
	<language>en-GB</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>${SITE}</wp:base_site_url>
	<wp:base_blog_url>${SITE}</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login>${cdata("helen")}</wp:author_login><wp:author_email>${cdata("helen@coachnotes.example")}</wp:author_email><wp:author_display_name>${cdata("Helen Okafor")}</wp:author_display_name></wp:author>
`,
  );
  const start = Date.UTC(2012, 0, 1);
  const span = Date.UTC(2024, 0, 1) - start;
  let nextCommentId = 1_000_000;
  let comments = 0;
  for (let n = 0; n < options.posts; n++) {
    const at = start + Math.floor((span * n) / Math.max(options.posts, 1)) + r.int(0, 3600) * 1000;
    const { head, tail } = postXml(r, n + 1, 10_000 + n, at);
    await write(out, head);
    const list = postComments(r, counts[n], nextCommentId, at);
    nextCommentId += list.length;
    comments += list.length;
    for (const c of list) await write(out, commentXml(c));
    await write(out, tail);
  }
  await write(out, "</channel>\n</rss>\n");
  out.end();
  await finished;
  return { posts: options.posts, comments, bytes: out.bytesWritten };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      posts: { type: "string", default: "500" },
      comments: { type: "string", default: "20000" },
      out: { type: "string" },
      seed: { type: "string", default: "10" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.out) {
    console.error("Usage: npx tsx scripts/generate-export.ts --posts N --comments M --out FILE [--seed N] [--json]");
    process.exit(2);
  }
  const options = {
    posts: Number(values.posts),
    comments: Number(values.comments),
    out: values.out,
    seed: Number(values.seed),
  };
  if (!(options.posts >= 1) || !(options.comments >= 0)) {
    console.error("--posts must be at least 1 and --comments at least 0.");
    process.exit(2);
  }
  const summary = await generateExport(options);
  if (values.json) console.log(JSON.stringify(summary));
  else
    console.log(
      `${options.out}: ${summary.posts} posts, ${summary.comments} comments, ${(summary.bytes / 1e6).toFixed(1)} MB`,
    );
}

await main();
