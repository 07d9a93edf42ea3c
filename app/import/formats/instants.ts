/**
 * Export dates as UTC ISO-8601 instants. Atom and Disqus write RFC 3339
 * ("2013-06-14T07:33:00.001+02:00"), WXR writes "2013-06-14 05:33:00" in GMT
 * beside a local-time twin, and RSS's `pubDate` is RFC 822.
 */

/**
 * An RFC 3339 or RFC 822 date as "YYYY-MM-DDTHH:mm:ss.sssZ", or null when
 * missing or unreadable. A date without a zone is taken as UTC.
 */
export function instant(text: string | null | undefined): string | null {
  const value = text?.trim();
  if (!value) return null;
  const zoned = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)
    ? `${value.replace(" ", "T")}Z`
    : value;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * WXR's `*_date_gmt` ("2013-06-14 05:33:00", GMT) as an instant; WordPress
 * writes "0000-00-00 00:00:00" for a draft never published, which is null.
 */
export function wxrGmtInstant(text: string | null | undefined): string | null {
  const value = text?.trim();
  if (!value || value.startsWith("0000-00-00")) return null;
  return instant(value);
}
