/**
 * What the shipped demo consists of, so "make it your own blog"
 * (./make-it-yours.server.ts) removes exactly the demo and nothing a coach
 * wrote: the demo posts (content/posts/<slug>.md and their images under
 * public/images/posts/<slug>/), the demo author entry and its images, and
 * the demo coach account. The demo discussion is every comment on the demo
 * posts. Keep this list in step with content/ when demo content changes.
 */
export const DEMO_POST_SLUGS: readonly string[] = Object.freeze([
  "what-does-a-technology-coach-do",
  "coaching-cycles-that-start-with-the-teacher",
  "the-five-minute-debrief",
  "when-the-wifi-goes-down",
  "student-voice-in-technology-planning",
  "who-asks-for-help-and-when",
]);

/** The demo author entries (content/authors/<slug>.yaml). */
export const DEMO_AUTHOR_SLUGS: readonly string[] = Object.freeze(["morgan-ellery"]);

/** The demo coach account (the demo author's account email), created with the demo discussion. */
export const DEMO_COACH_EMAIL = "morgan@practice-notes.example.org";
