/**
 * TEST ONLY: a way for tests to make storing a comment fail, so they can
 * check what a writer gets when the server fails unexpectedly (their text
 * back in the form, never an empty error page). Read only when
 * NODE_ENV=test: a production or development server never fails on purpose,
 * whatever its environment says.
 *
 * `STAFFROOM_TEST_FAULT=comment-write:<marker>` makes a new comment, reply or
 * edit whose text holds `<marker>` throw just before it is stored; others are
 * stored as usual, so one test server can post a comment and then fail its
 * edit (tests/http/comment-errors.test.ts; README, test-only variables).
 */

/** The faults tests can ask for. */
export type TestFault = "comment-write";

/**
 * Throws `Error("test fault: <name>")` when NODE_ENV is `test`,
 * `STAFFROOM_TEST_FAULT` is `<name>:<marker>` with a marker of at least 8
 * characters, and `text` holds the marker; does nothing otherwise.
 */
export function failForTest(name: TestFault, text: string): void {
  if (process.env.NODE_ENV !== "test") return;
  const setting = process.env.STAFFROOM_TEST_FAULT ?? "";
  const prefix = `${name}:`;
  if (!setting.startsWith(prefix)) return;
  const marker = setting.slice(prefix.length);
  if (marker.length >= 8 && text.includes(marker)) throw new Error(`test fault: ${name}`);
}
