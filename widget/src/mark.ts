/**
 * The badge's one graphic, as SVG path data (pure data: no DOM). A 32×32 picture: the operator's mark
 * (a shield with an "A", always the same, in the brand colour) and, on its lower right, a small status
 * bubble in the state's tone with ✓ (valid), ✕ (not valid) or ! (no answer yet / no answer).
 * The status is also said in words, so the picture is aria-hidden.
 */
import type { Tone } from "./theme";

export const MARK_VIEWBOX = "0 0 32 32";

/** Shield outline, filled with the brand colour. */
export const MARK_SHIELD = "M14 1.5 3 5.6v8C3 21 7.6 26.4 14 28.5c6.4-2.1 11-7.5 11-14.9v-8Z";

/** The "A" inside the shield, stroked in the badge's background colour. */
export const MARK_LETTER = "M9.5 20 14 8.5 18.5 20M11.2 15.8h5.6";

/** Status bubble: centre and radius. */
export const BUBBLE = { cx: 24.5, cy: 24.5, r: 6.5 } as const;

/** Glyph inside the status bubble, per tone. */
export const GLYPHS: Record<Tone, string> = {
  ok: "M21.6 24.6l2 2 3.8-4.2",
  bad: "M22.2 22.2l4.6 4.6m0-4.6-4.6 4.6",
  neutral: "M24.5 21.3v3.7m0 2.6v.1",
};
