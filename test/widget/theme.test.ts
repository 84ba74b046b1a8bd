/** Fixed sizes per variant and WCAG contrast in every state and theme (widget/src/theme.ts). */
import { SEAL_STATES } from "../../widget/src/state";
import {
  contrast,
  cssText,
  LINE_HEIGHT,
  MIN_TEXT_PX,
  PALETTES,
  pickSize,
  pickTheme,
  SIZES,
  toneOf,
  type Theme,
} from "../../widget/src/theme";

describe("sizes", () => {
  it("are fixed per variant: small 212×60, medium 228×78, large 256×90", () => {
    expect(Object.fromEntries(Object.entries(SIZES).map(([k, v]) => [k, `${v.width}x${v.height}`]))).toEqual({
      small: "212x60",
      medium: "228x78",
      large: "256x90",
    });
    const css = cssText();
    expect(css).toContain(":host{display:inline-block;box-sizing:border-box;");
    expect(css).toContain(":host{width:228px;height:78px;");
    expect(css).toContain(':host([size="small"]){width:212px;height:60px;');
    expect(css).toContain(':host([size="large"]){width:256px;height:90px;');
  });

  it("every text is at least 12 px in every size", () => {
    expect(MIN_TEXT_PX).toBe(12);
    for (const s of Object.values(SIZES)) {
      expect(s.head).toBeGreaterThanOrEqual(MIN_TEXT_PX);
      expect(s.body).toBeGreaterThanOrEqual(MIN_TEXT_PX);
    }
    // No other font size anywhere in the stylesheet.
    expect(cssText().match(/font-size:[^;}]+/g)).toEqual(["font-size:var(--h)"]);
  });

  it("the lines of every variant fit its height (status line + body lines, 2px border)", () => {
    for (const s of Object.values(SIZES)) {
      const lines = s.head * LINE_HEIGHT + (s.lines - 1) * s.body * LINE_HEIGHT;
      expect(lines + 2 * 2).toBeLessThanOrEqual(s.height);
      expect(s.icon).toBeLessThan(s.height);
    }
  });

  it("defaults: medium, light", () => {
    expect(pickSize(null)).toBe("medium");
    expect(pickSize("huge")).toBe("medium");
    expect(pickSize("small")).toBe("small");
    expect(pickTheme(undefined)).toBe("light");
    expect(pickTheme("dark")).toBe("dark");
  });

  it("has a visible focus ring of at least 2px", () => {
    expect(cssText()).toMatch(/a:focus-visible\{outline:([2-9])px solid/);
  });
});

describe("contrast ≥ 4.5:1 for every text colour, in every state and both themes", () => {
  it("computes WCAG ratios", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });

  const themes: Theme[] = ["light", "dark"];
  for (const theme of themes) {
    it.each(SEAL_STATES)(`${theme}: %s`, (state) => {
      const p = PALETTES[theme];
      const accent = p[toneOf(state)]; // bold first line and icon
      expect(contrast(accent, p.bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(p.fg, p.bg)).toBeGreaterThanOrEqual(4.5); // second line
      expect(contrast(p.muted, p.bg)).toBeGreaterThanOrEqual(4.5); // time / brand line
      expect(contrast(p.focus, p.bg)).toBeGreaterThanOrEqual(3); // focus indicator (non-text, WCAG 1.4.11)
      expect(contrast(p.brand, p.bg)).toBeGreaterThanOrEqual(3); // the operator mark (non-text, WCAG 1.4.11)
    });
  }
});
