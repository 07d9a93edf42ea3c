// Generates many realistic posts as Keystatic files, for `npm run bench`
// (the 1,000-post case) and for trying the archive, tags and search at scale:
// varied titles, 1–4 tags from a pool of ~40 (with spaces, "&" and accents),
// a one- or two-sentence summary, bodies of 250–700 words of Markdown (lists,
// quotes, links, inline code, headings), dates spread over several years.
// The vocabulary is a coaching blog's plus made-up names of people, schools
// and tools, so the index holds thousands of distinct words as a real one
// does. One word ("zeugma") is in exactly three posts: the bench's rare word;
// "teachers" is in nearly every post: its common word. Deterministic (seeded
// PRNG): the same count and seed give the same files.
//
//   node_modules/.bin/tsx scripts/seed-posts.ts --dir /tmp/site/content/posts [--count 1000] [--seed 7] [--json]
//
// Writes `<slug>.md` files (author morgan-ellery, the demo author) into --dir,
// which must exist; prints a summary (--json: one JSON line on stdout).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Random } from "./seeded-random";

export const RARE_WORD = "zeugma";
export const COMMON_WORD = "teachers";

const TAGS = [
  "coaching",
  "co-planning",
  "edtech",
  "pyp",
  "myp",
  "inquiry",
  "assessment",
  "feedback",
  "digital citizenship",
  "information fluency",
  "libraries",
  "leadership",
  "professional development",
  "mentoring",
  "new teachers",
  "early years",
  "secondary",
  "maths",
  "literacy",
  "science",
  "student voice",
  "portfolios",
  "blogging",
  "google workspace",
  "ipads",
  "coding",
  "robotics",
  "R&D",
  "research & reading",
  "parents",
  "wellbeing",
  "timetabling",
  "budgets",
  "conferences",
  "Éducation numérique",
  "Bildung",
  "reflection",
  "ISTE standards",
  "remote learning",
  "AI in classrooms",
];
const TOPICS = [
  "co-planning",
  "the coaching cycle",
  "one-to-one coaching",
  "modelling a lesson",
  "student blogging",
  "digital portfolios",
  "the inquiry cycle",
  "release time",
  "the laptop trolley",
  "feedback on student work",
  "the unit planner",
  "professional learning",
  "the library timetable",
  "parent evenings",
  "exit tickets",
  "learning walks",
  "peer observation",
  "instructional rounds",
  "a shared drive of links",
  "screen time",
  "assessment rubrics",
  "the PYP exhibition",
  "coding clubs",
  "robotics kits",
  "video reflection",
  "classroom routines",
  "data meetings",
  "goal setting",
  "team teaching",
  "lesson study",
  "spreadsheets for grading",
  "formative assessment",
  "online safety lessons",
];
const TITLE_PATTERNS = [
  (t: string) => `What I learned from ${t}`,
  (t: string) => `Why ${t} matters more than the tools`,
  (t: string) => `${cap(t)}: a year in review`,
  (t: string) => `Five questions about ${t}`,
  (t: string) => `Making time for ${t}`,
  (t: string) => `When ${t} goes wrong`,
  (t: string) => `${cap(t)} with new teachers`,
  (t: string) => `Notes on ${t}, term ${"123"[Math.abs(t.length) % 3]}`,
  (t: string) => `A coach's guide to ${t}`,
  (t: string) => `${cap(t)} without the hype`,
];
const SUBJECTS = [
  "teachers",
  "the grade-level team",
  "our students",
  "the leadership team",
  "the librarian",
  "a first-year teacher",
  "the science department",
  "parents",
  "the early years team",
  "my coaching partner",
  "the pilot group",
  "the principal",
];
const VERBS = [
  "started to trust",
  "quietly abandoned",
  "asked for more time with",
  "found a better use for",
  "argued about",
  "kept returning to",
  "reinvented",
  "documented",
  "measured the effect of",
  "shared what worked in",
  "were surprised by",
  "redesigned",
  "struggled with",
  "celebrated",
];
const OBJECTS = [
  "the weekly planning meeting",
  "short video tutorials",
  "reflection journals",
  "the assessment calendar",
  "student-led conferences",
  "our feedback protocol",
  "collaborative documents",
  "the inquiry wall",
  "exit tickets",
  "the device policy",
  "peer coaching",
  "lesson observations",
  "digital portfolios",
  "the reading programme",
  "classroom blogs",
  "data dashboards",
  "the maker space",
  "homework policy",
  "the curriculum map",
];
const CLOSERS = [
  "and nobody wrote it down until now",
  "because the timetable finally allowed it",
  "once leaders protected the time",
  "after a colleague modelled it with a real class",
  "when students could explain their choices",
  "long before any budget meeting noticed",
  "which changed how we plan",
  "and the results surprised everyone",
  "even though the pilot was small",
  "because someone followed up a week later",
];
const OPENERS = [
  "Last term",
  "This week",
  "In my first year as a coach",
  "Looking back",
  "Before the holidays",
  "At our last meeting",
  "During the exhibition",
  "Over coffee on Friday",
  "In the library",
  "On the staffroom noticeboard",
];
const REFLECTIONS = [
  "I keep coming back to the same lesson: relationships come before techniques.",
  "None of this shows up in a spreadsheet, and all of it matters.",
  "The tool was never the point; the thinking it made visible was.",
  "It took two years to see the pattern.",
  "Teachers need time, trust and a reason to try something new.",
  "The best professional development happened in the room, not in the workshop.",
  "I would defend this in any budget meeting.",
];
const SYLLABLES = [
  "ka",
  "ro",
  "mel",
  "an",
  "thi",
  "vo",
  "sen",
  "dra",
  "lu",
  "mi",
  "tor",
  "bel",
  "ne",
  "sha",
  "qui",
  "zan",
  "fe",
  "pol",
  "ur",
  "gio",
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A made-up proper name (a school, a colleague, a tool): grows the vocabulary as real posts do. */
function name(r: Random): string {
  return cap(Array.from({ length: r.int(2, 3) }, () => r.pick(SYLLABLES)).join(""));
}

function sentence(r: Random): string {
  let s = `${r.pick(OPENERS)}, ${r.pick(SUBJECTS)} ${r.pick(VERBS)} ${r.pick(OBJECTS)} ${r.pick(CLOSERS)}`;
  if (r.chance(0.3)) s += `, as ${name(r)} from ${name(r)} School pointed out`;
  if (r.chance(0.1)) s = s.replace(/, (\S+ \S+)/, ", **$1**");
  if (r.chance(0.06))
    s += ` (see [${r.pick(["the planner", "this video", "a colleague's post"])}](https://example.org/notes/${r.int(1, 9999)}))`;
  if (r.chance(0.04)) s += ` with \`${r.pick(["=IMPORTRANGE()", "Ctrl+Shift+V", "#inquiry"])}\``;
  return `${s}.`;
}

function paragraph(r: Random): string {
  const kind = r.float();
  if (kind < 0.12) return Array.from({ length: r.int(3, 5) }, () => `- ${sentence(r)}`).join("\n");
  if (kind < 0.17) return `> ${r.pick(REFLECTIONS)}`;
  if (kind < 0.22) return `## ${cap(r.pick(TOPICS))}`;
  const parts = Array.from({ length: r.int(2, 4) }, () => sentence(r));
  if (r.chance(0.4)) parts.push(r.pick(REFLECTIONS));
  return parts.join(" ");
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export interface GeneratedPost {
  slug: string;
  title: string;
  published: string;
  tags: string[];
  file: string;
}

/** `count` posts, deterministic for a seed. Dates run from 2019-01 to 2026-10, a few a week. */
export function generatePosts(count: number, seed = 7): GeneratedPost[] {
  const r = new Random(seed);
  const rareAt = new Set([Math.floor(count * 0.1), Math.floor(count * 0.5), Math.floor(count * 0.9)]);
  const start = Date.UTC(2019, 0, 1);
  const span = Date.UTC(2026, 9, 31) - start;
  const slugs = new Set<string>();
  const posts: GeneratedPost[] = [];
  for (let i = 0; i < count; i++) {
    const topic = r.pick(TOPICS);
    const title = r.pick(TITLE_PATTERNS)(topic);
    let slug = title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    for (let n = 2; slugs.has(slug); n++) slug = `${slug.replace(/-\d+$/, "")}-${n}`;
    slugs.add(slug);
    const published = new Date(start + Math.floor((span * (i + r.float())) / count)).toISOString().slice(0, 10);
    const tags = r.some(TAGS, r.int(1, 4));
    const summary = `${sentence(r)}${r.chance(0.5) ? ` ${r.pick(REFLECTIONS)}` : ""}`.replace(
      /\*\*|`|\[|\]\([^)]*\)/g,
      "",
    );
    const target = r.int(250, 700);
    const paragraphs: string[] = [];
    while (words(paragraphs.join(" ")) < target) paragraphs.push(paragraph(r));
    if (rareAt.has(i))
      paragraphs.splice(1, 0, `The ${RARE_WORD} in the staff handbook made everyone laugh, and then think.`);
    const yaml = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML scalar
    const file = [
      "---",
      `title: ${yaml(title)}`,
      `published: ${published}`,
      "author: morgan-ellery",
      "tags:",
      ...tags.map((tag) => `  - ${yaml(tag)}`),
      `summary: ${yaml(summary)}`,
      "license: site-default",
      "commentsOpen: true",
      "---",
      paragraphs.join("\n\n"),
      "",
    ].join("\n");
    posts.push({ slug, title, published, tags, file });
  }
  return posts;
}

/** Writes the posts into `dir` and describes them (for the bench's URLs). */
export function writePosts(dir: string, count: number, seed = 7) {
  const posts = generatePosts(count, seed);
  for (const post of posts) writeFileSync(path.join(dir, `${post.slug}.md`), post.file);
  const months = new Map<string, number>();
  const tags = new Map<string, number>();
  for (const post of posts) {
    months.set(post.published.slice(0, 7), (months.get(post.published.slice(0, 7)) ?? 0) + 1);
    for (const tag of post.tags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
  }
  const [busiestMonth, busiestMonthPosts] = [...months].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0]))[0];
  const [commonTag, commonTagPosts] = [...tags].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const bodyWords = posts.map((post) => words(post.file.slice(post.file.indexOf("\n---\n") + 5)));
  return {
    posts: posts.length,
    months: months.size,
    tags: tags.size,
    firstDate: posts.reduce((min, p) => (p.published < min ? p.published : min), "9999"),
    lastDate: posts.reduce((max, p) => (p.published > max ? p.published : max), ""),
    averageWords: Math.round(bodyWords.reduce((a, b) => a + b, 0) / Math.max(1, posts.length)),
    busiestMonth,
    busiestMonthPosts,
    commonTag,
    commonTagPosts,
    commonWord: COMMON_WORD,
    rareWord: RARE_WORD,
    firstSlug: posts[0]?.slug ?? null,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      count: { type: "string", default: "1000" },
      seed: { type: "string", default: "7" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.dir) {
    console.error("Usage: tsx scripts/seed-posts.ts --dir <content/posts folder> [--count 1000] [--seed 7] [--json]");
    process.exit(2);
  }
  const summary = writePosts(values.dir, Number(values.count), Number(values.seed));
  if (values.json) console.log(JSON.stringify(summary));
  else console.error(summary);
}
