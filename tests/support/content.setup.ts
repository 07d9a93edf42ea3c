import { afterAll } from "vitest";
import { assertContentCopy, makeContentRoot } from "./content";

/**
 * vitest setupFiles entry, run before each test file: points `CONTENT_ROOT`
 * (read by app/posts/posts.server.ts) at a fresh copy of the fixture content,
 * so no test reads the working tree's `content/` (see content.ts). A file may
 * point it elsewhere (tests/unit/posts-cache.test.ts does) and put it back.
 */

const previous = process.env.CONTENT_ROOT;
const content = await makeContentRoot("staffroom-test-content-");
assertContentCopy(content.root);
process.env.CONTENT_ROOT = content.root;

afterAll(async () => {
  if (previous === undefined) delete process.env.CONTENT_ROOT;
  else process.env.CONTENT_ROOT = previous;
  await content.remove();
});
