/**
 * Only same-site paths are followed after login: "/x" is fine; "//evil.example", "/\evil.example" (browsers
 * read the backslash as a slash) and absolute URLs fall back to `fallback`.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/app"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Control characters (tabs, newlines) are stripped by URL parsers and could turn the path into "//host"; a
  // Location header holds bytes, so anything beyond printable ASCII (a lone surrogate, an unencoded letter)
  // would fail as a header. Paths the app builds are percent-encoded, so neither happens legitimately.
  if (/[^\u0020-\u007e]/.test(to)) return fallback;
  return to;
}
