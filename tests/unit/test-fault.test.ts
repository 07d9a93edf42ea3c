import { afterEach, describe, expect, it, vi } from "vitest";
import { failForTest } from "~/comments/test-fault.server";

/**
 * The test-only fault (app/comments/test-fault.server.ts) exists for tests of
 * what a writer gets when storing a comment fails; a server that is not
 * running under NODE_ENV=test must never fail on purpose, whatever its
 * environment says.
 */

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("failForTest", () => {
  it("never fails outside NODE_ENV=test, even with the variable set", () => {
    for (const mode of ["production", "development"]) {
      vi.stubEnv("NODE_ENV", mode);
      vi.stubEnv("STAFFROOM_TEST_FAULT", "comment-write:MARKER-123");
      expect(() => failForTest("comment-write", "text with MARKER-123")).not.toThrow();
    }
  });

  it("under NODE_ENV=test fails only for a text holding the marker", () => {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("STAFFROOM_TEST_FAULT", "comment-write:MARKER-123");
    expect(() => failForTest("comment-write", "text with MARKER-123")).toThrow(/test fault/);
    expect(() => failForTest("comment-write", "an ordinary text")).not.toThrow();
  });

  it("a marker shorter than 8 characters is no fault (it could match ordinary text)", () => {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("STAFFROOM_TEST_FAULT", "comment-write:a");
    expect(() => failForTest("comment-write", "a text")).not.toThrow();
  });
});
