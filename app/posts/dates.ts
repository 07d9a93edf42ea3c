/**
 * Dates as readers see them. Post dates are calendar dates ("2013-06-09", as
 * Keystatic stores `fields.date`), shown exactly as written: they are never
 * turned into an instant, so no server or reader time zone can shift them.
 * Comment times are instants, stored and shown in UTC (ISO-8601 in markup).
 */

const calendarFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

// Date and time are formatted apart: ICU versions differ on the separator
// ("," or " at ") when en-GB formats both together.
const timeFormat = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** "2013-06-09" → "9 June 2013". Throws RangeError for anything but YYYY-MM-DD of a real date. */
export function formatCalendarDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${isoDate}`);
  const [year, month, day] = match.slice(1).map(Number);
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCDate() !== day || utc.getUTCMonth() !== month - 1) {
    throw new RangeError(`Not a real date: ${isoDate}`);
  }
  return calendarFormat.format(utc);
}

/** A UTC ISO-8601 instant → "14 June 2013, 05:33 UTC". Throws RangeError when unparsable. */
export function formatInstant(isoInstant: string): string {
  const date = new Date(isoInstant);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an ISO-8601 instant: ${isoInstant}`);
  return `${calendarFormat.format(date)}, ${timeFormat.format(date)} UTC`;
}
