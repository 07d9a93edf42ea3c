/**
 * Where to send someone after signing in: only a path on this site. Anything
 * else (absolute, protocol-relative `//evil`, backslash tricks `/\evil`,
 * user-info, `javascript:`, control characters) falls back to `fallback`
 * (docs/architecture.md §6; OWASP Unvalidated Redirects and Forwards Cheat Sheet).
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.includes("\\")) return fallback;
  // Browsers drop tabs and newlines in URLs, turning "/\t/evil" into "//evil".
  if (/[\u0000-\u001f\u007f]/.test(to)) return fallback;
  try {
    const base = "http://staffroom.invalid";
    const url = new URL(to, base);
    if (url.origin !== base) return fallback;
    const path = url.pathname + url.search + url.hash;
    // Resolving dot segments can turn "/.//evil" into "//evil": check the result too.
    if (path.startsWith("//") || path.includes("\\")) return fallback;
    return path;
  } catch {
    return fallback;
  }
}
