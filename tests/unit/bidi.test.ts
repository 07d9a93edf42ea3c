import { describe, expect, it } from "vitest";
import { isolated } from "~/site/bidi";

const FSI = "\u2068";
const PDI = "\u2069";

/**
 * Plain-text isolation of short user text (UAX #9: an isolate lays out its content on its own
 * and leaves the text around it as it was). The isolate must hold, whatever the text holds.
 */
describe("isolated: short user text as a plain-text bidirectional isolate", () => {
  it("wraps a name in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE", () => {
    expect(isolated("Rita \u202EReverso")).toBe(`${FSI}Rita \u202EReverso${PDI}`);
    expect(isolated("سارة")).toBe(`${FSI}سارة${PDI}`);
  });

  it("drops a pop in the text that would close the isolate early and let an override out", () => {
    expect(isolated(`a${PDI}\u202Eb`)).toBe(`${FSI}a\u202Eb${PDI}`);
  });

  it("closes isolates the text opens and never closes, before its own end", () => {
    expect(isolated("\u2067abc")).toBe(`${FSI}\u2067abc${PDI}${PDI}`);
    // A balanced pair inside is kept as it is.
    expect(isolated(`x\u2066y${PDI}z`)).toBe(`${FSI}x\u2066y${PDI}z${PDI}`);
  });

  it("leaves empty text empty", () => {
    expect(isolated("")).toBe("");
  });
});
