/**
 * What a new password must be; pure, so the browser and server agree.
 */

export const PASSWORD_MIN_LENGTH = 10;
/** Long passphrases are welcome; the cap only stops hashing megabytes. */
export const PASSWORD_MAX_LENGTH = 256;

const COMMON_PASSWORDS = new Set([
  "password",
  "password1",
  "password12",
  "password123",
  "passw0rd",
  "qwertyuiop",
  "1234567890",
  "12345678910",
  "0123456789",
  "iloveyou123",
  "letmein123",
  "welcome123",
  "administrator",
  "qwerty1234",
  "asdfghjkl1",
  "changeme123",
  "teacher123",
  "classroom1",
  "staffroom1",
  "staffroom",
]);

/**
 * Why a new password is not acceptable, or null when it is (NIST SP 800-63B
 * §3.1.1.2: a minimum length, a generous maximum, no composition rules,
 * refuse known-common passwords and ones built from the account's own email
 * or name). Lengths are in characters (code points).
 */
export function passwordProblem(password: string, account: { email?: string; displayName?: string }): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words make a strong password.`;
  }
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.normalize("NFKC").toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || new Set(lower).size < 4) {
    return "That password is too easy to guess. Try a few unrelated words.";
  }
  // Compare without case, spaces or Unicode form differences, so "Grace Hopper"
  // is found in "gracehopper1906" and the other way round.
  const squash = (text: string) =>
    text
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[\s._-]+/g, "");
  const bare = squash(password);
  const email = squash(account.email ?? "");
  const local = squash(account.email?.split("@")[0] ?? "");
  const name = squash(account.displayName ?? "");
  if (
    (email && bare.includes(email)) ||
    (local.length >= 3 && bare.includes(local)) ||
    (name.length >= 3 && bare.includes(name))
  ) {
    return "Don't build your password from your email address or name.";
  }
  return null;
}
