/**
 * Issue 14's goals for the site seal, in one place: the widget build test and `npm run bench` both
 * judge against these (PASS/FAIL).
 */

/** `dist/widget/seal.<hash>.js`, gzip level 9: at most 7 KB (7 × 1024 B). */
export const SEAL_GZIP_BUDGET_BYTES = 7 * 1024;

/** Navigation → valid badge: the seal's p50 at most this many ms after the baseline's p50. */
export const SEAL_RENDER_GOAL_MS = 40;
