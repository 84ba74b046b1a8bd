/** Fixed sizes per variant and WCAG contrast in every state and theme (widget/src/theme.ts). */
import { SEAL_STATES } from "../../widget/src/state";
import { contrast, cssText, PALETTES, pickSize, pickTheme, SIZES, toneOf, type Theme } from "../../widget/src/theme";

describe("sizes", () => {
  it("are fixed per variant: small 160×44, medium 180×60, large 220×76", () => {
    expect(Object.fromEntries(Object.entries(SIZES).map(([k, v]) => [k, `${v.width}x${v.height}`]))).toEqual({
      small: "160x44",
      medium: "180x60",
      large: "220x76",
    });
    const css = cssText();
    expect(css).toContain(":host{display:inline-block;box-sizing:border-box;");
    expect(css).toContain(":host{width:180px;height:60px;");
    expect(css).toContain(':host([size="small"]){width:160px;height:44px;');
    expect(css).toContain(':host([size="large"]){width:220px;height:76px;');
  });

  it("three text lines fit the height of every variant", () => {
    for (const s of Object.values(SIZES)) {
      const lines = s.head * 1.2 + 2 * s.body * 1.2;
      expect(lines + 2 * 2).toBeLessThanOrEqual(s.height); // 2px border top and bottom
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
    });
  }
});
