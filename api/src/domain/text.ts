/**
 * Text that people type reaches PostgreSQL, certificates, e-mails and HTML. One rule for all of it:
 * - never NUL (PostgreSQL refuses it), a lone UTF-16 surrogate (not a character at all), a C0 or C1
 *   control character or DEL (invisible, and some rewrite terminals and logs), or a bidirectional
 *   embedding/override/isolate control (U+202A-U+202E, U+2066-U+2069: they reorder what a reviewer or a
 *   visitor reads, as in "Trojan Source");
 * - free text that may run over lines (an address, a reason, a message, a PEM block, base64) may also
 *   hold line feeds, carriage returns and tabs.
 * Which fields are free text is decided by their name (see {@link MULTILINE_FIELD_NAMES}), so the rule is
 * the same for every input type, including ones added later.
 */

/** Input field names whose values may contain LF, CR and TAB. */
export const MULTILINE_FIELD_NAMES: ReadonlySet<string> = new Set([
  "address",
  "answer",
  "body",
  "comment",
  "description",
  "detail",
  "ground",
  "message",
  "note",
  "operatorGround",
  "reason",
  // NOT-5 terms documents and APP-6 dispute resolutions are free text too.
  "textJa",
  "textEn",
  "resolution",
  // PEM and base64 blocks are wrapped in lines.
  "carryOverCertificate",
  "certificate",
  "certificateChain",
  "chain",
  "contentBase64",
  "csr",
  "proofCsr",
]);

export interface TextProblem {
  /** UTF-16 index of the offending code unit. */
  index: number;
  /** e.g. "U+0000". */
  codePoint: string;
  what: "NUL" | "LONE_SURROGATE" | "CONTROL" | "LINE_BREAK" | "BIDI_CONTROL";
}

const LINE_BREAKS = new Set([0x0a, 0x0d, 0x09]);

function hex(n: number): string {
  return `U+${n.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The first character the rule refuses in `value`, or null when the text is acceptable. */
export function textProblem(value: string, multiline: boolean): TextProblem | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue; // the common case: printable ASCII
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { index: i, codePoint: hex(c), what: "LONE_SURROGATE" };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { index: i, codePoint: hex(c), what: "LONE_SURROGATE" };
    if (c === 0) return { index: i, codePoint: hex(c), what: "NUL" };
    if (LINE_BREAKS.has(c)) {
      if (multiline) continue;
      return { index: i, codePoint: hex(c), what: "LINE_BREAK" };
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return { index: i, codePoint: hex(c), what: "CONTROL" };
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
      return { index: i, codePoint: hex(c), what: "BIDI_CONTROL" };
  }
  return null;
}

export function describeTextProblem(p: TextProblem): string {
  const what = {
    NUL: "a NUL character",
    LONE_SURROGATE: "a lone UTF-16 surrogate (not a valid character)",
    CONTROL: "a control character",
    LINE_BREAK: "a line break or tab, which this single-line field does not allow",
    BIDI_CONTROL: "a bidirectional override character",
  }[p.what];
  return `contains ${what} (${p.codePoint}) at position ${p.index}`;
}
