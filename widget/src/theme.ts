/**
 * Sizes and colours of the badge. Pure data (no DOM) so jest can check the fixed sizes, the 12 px text
 * floor and the WCAG contrast of every text colour on its background, in both themes.
 */
import type { SealState } from "./state";

export type Size = "small" | "medium" | "large";
export type Theme = "light" | "dark";

/** Smallest text the badge ever shows (CSS px): readable at every size. */
export const MIN_TEXT_PX = 12;

/** Line height of every text line, as a multiple of its font size. */
export const LINE_HEIGHT = 1.25;

/**
 * Fixed box per size (CSS px) — identical in every state, so the page never shifts when the status arrives.
 * `lines`: text lines the box holds (status + body lines). Small shows status, organisation or domain,
 * time; medium and large show status, organisation, domain, time. Widths fit "Checked YYYY-MM-DD HH:mm".
 */
export const SIZES: Record<
  Size,
  { width: number; height: number; pad: number; icon: number; head: number; body: number; lines: number }
> = {
  small: { width: 212, height: 60, pad: 5, icon: 26, head: 13, body: 12, lines: 3 },
  medium: { width: 228, height: 78, pad: 7, icon: 32, head: 14, body: 12, lines: 4 },
  large: { width: 256, height: 90, pad: 10, icon: 38, head: 16, body: 13, lines: 4 },
};

export function pickSize(v: string | null | undefined): Size {
  return v === "small" || v === "large" ? v : "medium";
}
export function pickTheme(v: string | null | undefined): Theme {
  return v === "dark" ? "dark" : "light";
}

export type Tone = "ok" | "bad" | "neutral";
export function toneOf(state: SealState): Tone {
  if (state === "valid") return "ok";
  if (state === "loading" || state === "network-error") return "neutral";
  return "bad";
}

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  ok: string;
  bad: string;
  neutral: string;
  focus: string;
  /** The operator mark. */
  brand: string;
}

export const PALETTES: Record<Theme, Palette> = {
  light: {
    bg: "#ffffff",
    fg: "#1f2328",
    muted: "#4f5963",
    ok: "#116329",
    bad: "#a4132a",
    neutral: "#4f5963",
    focus: "#0550ae",
    brand: "#23318c",
  },
  dark: {
    bg: "#161b22",
    fg: "#e6edf3",
    muted: "#aab4bf",
    ok: "#56d364",
    bad: "#ff8f86",
    neutral: "#aab4bf",
    focus: "#79c0ff",
    brand: "#9fb0ff",
  },
};

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

function sizeRules(): string {
  return (Object.keys(SIZES) as Size[])
    .map((k) => {
      const s = SIZES[k];
      const sel = k === "medium" ? ":host" : `:host([size="${k}"])`;
      const box = `width:${s.width}px;height:${s.height}px`;
      return `${sel}{${box};--p:${s.pad}px;--i:${s.icon}px;--h:${s.head}px;--b:${s.body}px}`;
    })
    .join("");
}

function themeVars(t: Theme): string {
  const p = PALETTES[t];
  const tones = `--ok:${p.ok};--bad:${p.bad};--ne:${p.neutral}`;
  return `--bg:${p.bg};--fg:${p.fg};--mu:${p.muted};${tones};--fo:${p.focus};--br:${p.brand}`;
}

/** The component's stylesheet, built from the constants above (no data from the page or the API). */
export function cssText(): string {
  return (
    `:host{display:inline-block;box-sizing:border-box;vertical-align:middle;${themeVars("light")}}` +
    sizeRules() +
    `:host([theme="dark"]){${themeVars("dark")}}` +
    `:host([hidden]){display:none}` +
    `a{box-sizing:border-box;display:flex;align-items:center;gap:var(--p);width:100%;height:100%;` +
    `padding:0 var(--p);background:var(--bg);color:var(--fg);border:2px solid var(--c);border-radius:6px;` +
    `text-decoration:none;font:400 var(--b)/${LINE_HEIGHT} system-ui,sans-serif;overflow:hidden;--c:var(--ne)}` +
    `a.ok{--c:var(--ok)}a.bad{--c:var(--bad)}` +
    `a:focus-visible{outline:3px solid var(--fo);outline-offset:2px}` +
    `a:hover .h{text-decoration:underline}` +
    `svg{flex:none;width:var(--i);height:var(--i);fill:none;stroke-linecap:round;stroke-linejoin:round}` +
    `.m{fill:var(--br)}.l{stroke:var(--bg);stroke-width:2.2}` +
    `.b{fill:var(--c);stroke:var(--bg);stroke-width:1.6}.g{stroke:var(--bg);stroke-width:2}` +
    `.t{display:flex;flex-direction:column;min-width:0;flex:1}` +
    `.t span{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.t span:empty{display:none}` +
    `.h{font-weight:700;font-size:var(--h);color:var(--c)}.o{font-weight:600}` +
    // Small has room for three lines: the organisation (OV/EV) takes the domain's place.
    `:host([size="small"]) .o:not(:empty)+.d{display:none}` +
    `.f{color:var(--mu);font-variant-numeric:tabular-nums}`
  );
}
