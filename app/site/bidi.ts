/**
 * Short user text set apart from the text around it (issue 12, "What readers see").
 *
 * A name, a website, a report reason or a title written by someone else is drawn inside our own
 * sentences ("Ada replied to your comment on …"). A right-to-left override (U+202E) or other
 * bidirectional control in it, or simply right-to-left letters, would otherwise reorder the
 * text that follows it. The Unicode Bidirectional Algorithm (UAX #9, §2.7 and rules X5a–X6a)
 * gives the remedy: a directional isolate, which lays out its content on its own and leaves
 * the surrounding text as it was.
 *
 * - In HTML, pages wrap such text in `<bdi>` (HTML's bidirectional isolate element), or give
 *   its own element `dir="auto"`; React escapes the text.
 * - In plain text (email, feed titles, attribute values), `isolated` wraps it in FIRST STRONG
 *   ISOLATE (U+2068) … POP DIRECTIONAL ISOLATE (U+2069), after balancing the isolates inside
 *   it so that none can close ours early or stay open after it.
 *
 * Pure: no Node or DOM APIs; runs in the browser and on the server.
 */

/** FIRST STRONG ISOLATE: begins an isolate whose direction is its first strong character's. */
export const FIRST_STRONG_ISOLATE = "\u2068";
/** POP DIRECTIONAL ISOLATE: ends the innermost open isolate. */
export const POP_DIRECTIONAL_ISOLATE = "\u2069";

/** LRI, RLI, FSI (open an isolate) and PDI (closes one). */
const ISOLATE_CONTROLS = /[\u2066-\u2069]/g;

/**
 * `text` as a directional isolate for plain text: U+2068, the text, U+2069.
 *
 * Inside, a POP DIRECTIONAL ISOLATE that closes nothing opened within the text is dropped (it
 * would close ours and let what follows it out), and isolates the text opens but never closes
 * are closed before ours. Embeddings and overrides (U+202A–U+202E) need no care: the closing
 * U+2069 ends every one opened inside the isolate (UAX #9, rule X6a).
 *
 * @param text short user text on one line (a name, a title, a reason); may be empty.
 * @returns the isolated text; `""` for `""` (nothing to isolate).
 */
export function isolated(text: string): string {
  if (text === "") return "";
  let open = 0;
  const balanced = text.replace(ISOLATE_CONTROLS, (control) => {
    if (control !== POP_DIRECTIONAL_ISOLATE) {
      open++;
      return control;
    }
    if (open === 0) return "";
    open--;
    return control;
  });
  return `${FIRST_STRONG_ISOLATE}${balanced}${POP_DIRECTIONAL_ISOLATE.repeat(open)}${POP_DIRECTIONAL_ISOLATE}`;
}
