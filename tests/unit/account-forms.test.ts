import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { accountSettingsSchema, roleSchema, signInQuerySchema } from "~/auth/forms";

// The account page's forms (/account) and the admins' role form
// (/admin/accounts): what a refused form tells the person who sent it.

/** The messages of a refused submission, by field ("" for the whole form); undefined when accepted. */
function errorsOf(submission: { status?: string }): Record<string, string[] | null> | undefined {
  return "error" in submission ? (submission.error as Record<string, string[] | null>) : undefined;
}

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

describe("accountSettingsSchema", () => {
  it("tells each form apart by its intent", () => {
    const profile = parseWithZod(form({ intent: "profile", email: "Ann@Example.org", displayName: " Ann " }), {
      schema: accountSettingsSchema,
    });
    expect(profile.status === "success" && profile.value).toEqual({
      intent: "profile",
      email: "ann@example.org",
      displayName: "Ann",
    });
    const everywhere = parseWithZod(form({ intent: "signout-everywhere" }), { schema: accountSettingsSchema });
    expect(everywhere.status === "success" && everywhere.value).toEqual({ intent: "signout-everywhere" });
  });

  it("refuses a missing or unknown intent with a message, not as another form", () => {
    for (const entries of [{ intent: "become-admin", currentPassword: "x" }, { currentPassword: "x" }] as Record<
      string,
      string
    >[]) {
      const result = parseWithZod(form(entries), { schema: accountSettingsSchema });
      expect(result.status, JSON.stringify(entries)).toBe("error");
      expect(errorsOf(result)?.intent).toEqual(["That form is not one this page has. Reload the page and try again."]);
    }
  });

  it("refuses a form of a known intent on its own fields", () => {
    const result = parseWithZod(form({ intent: "password", currentPassword: "old one" }), {
      schema: accountSettingsSchema,
    });
    expect(result.status).toBe("error");
    expect(errorsOf(result)?.newPassword).toEqual(["Enter a password."]);
    const deletion = parseWithZod(form({ intent: "delete" }), { schema: accountSettingsSchema });
    expect(errorsOf(deletion)?.currentPassword).toEqual(["Enter your password to confirm."]);
  });
});

describe("roleSchema", () => {
  it("refuses a missing or unknown role with “Choose member, coach or admin.”", () => {
    for (const entries of [{ userId: "abc" }, { userId: "abc", role: "owner" }] as Record<string, string>[]) {
      const result = parseWithZod(form(entries), { schema: roleSchema });
      expect(result.status, JSON.stringify(entries)).toBe("error");
      expect(errorsOf(result)?.role).toEqual(["Choose member, coach or admin."]);
    }
  });

  it("refuses a missing account", () => {
    const result = parseWithZod(form({ role: "coach" }), { schema: roleSchema });
    expect(errorsOf(result)?.userId).toEqual(["Choose an account."]);
  });
});

describe("signInQuerySchema", () => {
  function query(search: string) {
    const result = parseWithZod(new URLSearchParams(search), { schema: signInQuerySchema });
    if (result.status !== "success") throw new Error(`refused: ${search}`);
    return result.value;
  }

  it("returns to a path on this site, and to the home page from anywhere else", () => {
    expect(query("redirectTo=%2Fposts%2Fa%3Fpage%3D2").redirectTo).toBe("/posts/a?page=2");
    for (const to of ["", "https://evil.example/", "//evil.example", "/\\evil.example"]) {
      expect(query(new URLSearchParams({ redirectTo: to }).toString()).redirectTo, to).toBe("/");
    }
    expect(query("").redirectTo).toBe("/");
    expect(query("redirectTo=%2Fa&redirectTo=%2Fb").redirectTo).toBe("/a");
  });

  it("says the session ended only for expired=1", () => {
    expect(query("expired=1").expired).toBe(true);
    expect(query("expired=yes").expired).toBe(false);
    expect(query("").expired).toBe(false);
  });
});
