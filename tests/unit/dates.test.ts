import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Post dates are calendar dates shown exactly as written ("2013-06-09" is
// "9 June 2013" everywhere); comment times are instants shown in UTC
// ("14 June 2013, 05:33 UTC"). Neither may depend on the server's time zone.

const ZONES = [
  // UTC−10: midnight UTC on 9 June is still 8 June here.
  { tz: "Pacific/Honolulu", offsetMinutes: 600 },
  // UTC+14: 23:30 UTC on 14 June is already 15 June here.
  { tz: "Pacific/Kiritimati", offsetMinutes: -840 },
  { tz: "UTC", offsetMinutes: 0 },
];

const originalTz = process.env.TZ;

afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe.each(ZONES)("with the process time zone set to $tz", ({ tz, offsetMinutes }) => {
  let dates: typeof import("~/posts/dates");

  beforeAll(async () => {
    process.env.TZ = tz;
    // Load the module afresh so anything it builds at import time sees this zone.
    vi.resetModules();
    dates = await import("~/posts/dates");
  });

  it("really is running in that zone (guards the test itself)", () => {
    // Node re-reads TZ when process.env.TZ is assigned; if it did not, the
    // assertions below would prove nothing.
    expect(new Date(2013, 5, 9).getTimezoneOffset()).toBe(offsetMinutes);
  });

  it.each([
    ["2013-06-09", "9 June 2013"],
    ["2013-06-14", "14 June 2013"],
    ["2024-02-29", "29 February 2024"],
    ["2000-02-29", "29 February 2000"],
    ["2013-01-01", "1 January 2013"],
    ["2013-12-31", "31 December 2013"],
    ["1999-12-31", "31 December 1999"],
  ])("formatCalendarDate(%s) is %s", (input, expected) => {
    expect(dates.formatCalendarDate(input)).toBe(expected);
  });

  it.each([
    "2023-02-29", // not a leap year
    "1900-02-29", // century, not a leap year
    "2013-6-9", // not zero-padded
    "",
    "2013-06-31", // June has 30 days
    "2013-13-01",
    "2013-00-10",
    "2013-06-00",
    "2013-06-09T00:00:00Z", // an instant, not a calendar date
    " 2013-06-09",
    "09/06/2013",
    "June 9, 2013",
  ])("formatCalendarDate(%j) throws RangeError", (input) => {
    expect(() => dates.formatCalendarDate(input)).toThrow(RangeError);
  });

  // Time-zone independence of the instant itself. The separator between date
  // and time is checked once, exactly, in "formatInstant: the shown format" below,
  // so that a wrong separator is one failure rather than one per zone.
  it.each([
    ["2013-06-14T05:33:00.000Z", "14 June 2013", "05:33 UTC"],
    ["2013-06-14T23:30:00.000Z", "14 June 2013", "23:30 UTC"],
    ["2013-06-14T00:05:00.000Z", "14 June 2013", "00:05 UTC"], // 24-hour clock, midnight is 00
    ["2013-06-14T12:00:00.000Z", "14 June 2013", "12:00 UTC"],
    ["2013-06-14T21:30:00-02:00", "14 June 2013", "23:30 UTC"], // offsets are turned into UTC
    ["2013-06-15T01:30:00+02:00", "14 June 2013", "23:30 UTC"],
  ])("formatInstant(%s) shows %s and %s", (input, date, time) => {
    const shown = dates.formatInstant(input);
    expect(shown.startsWith(`${date},`) || shown.startsWith(`${date} `)).toBe(true);
    expect(shown.endsWith(` ${time}`)).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(`${date}, ${time}`.length + 3);
  });

  it.each(["", "not a date", "2013-06-14T25:00:00Z"])("formatInstant(%j) throws RangeError", (input) => {
    expect(() => dates.formatInstant(input)).toThrow(RangeError);
  });
});

describe("formatInstant: the shown format", () => {
  // The module's own contract: "14 June 2013, 05:33 UTC".
  // KNOWN FAILING (app bug, reported): Node 20 / ICU 78 render the en-GB
  // date+time pattern as "14 June 2013 at 05:33", so the page shows
  // "14 June 2013 at 05:33 UTC".
  it('formatInstant("2013-06-14T05:33:00.000Z") is exactly "14 June 2013, 05:33 UTC"', async () => {
    const { formatInstant } = await import("~/posts/dates");
    expect(formatInstant("2013-06-14T05:33:00.000Z")).toBe("14 June 2013, 05:33 UTC");
    expect(formatInstant("2013-06-14T00:05:00.000Z")).toBe("14 June 2013, 00:05 UTC");
  });
});
