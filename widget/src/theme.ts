/**
 * Sizes and colours of the badge. Pure data (no DOM, no Lit) so jest can check the fixed sizes and the
 * WCAG contrast of every text colour on its background, in both themes.
 */
import type { SealState } from "./state";

export type Size = "small" | "medium" | "large";
export type Theme = "light" | "dark";

/**
 * Fixed box per size (CSS px) — identical in every state, so the page never shifts when the status arrives.
 * The text sizes are chosen so that the longest line, `YYYY-MM-DD HH:mm JST`, fits the text column.
 */
export const SIZES: Record<Size, { width: number; height: number; pad: number; icon: number; head: number; body: number }> = {
  small: { width: 160, height: 44, pad: 5, icon: 18, head: 11, body: 10 },
  medium: { width: 180, height: 60, pad: 7, icon: 22, head: 13, body: 11 },
  large: { width: 220, height: 76, pad: 9, icon: 28, head: 15, body: 12 },
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
}

export const PALETTES: Record<Theme, Palette> = {
  light: { bg: "#ffffff", fg: "#1f2328", muted: "#4f5963", ok: "#116329", bad: "#a4132a", neutral: "#4f5963", focus: "#0550ae" },
  dark: { bg: "#161b22", fg: "#e6edf3", muted: "#aab4bf", ok: "#56d364", bad: "#ff8f86", neutral: "#aab4bf", focus: "#79c0ff" },
};

/** WCAG 2 relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
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

/** The component's stylesheet, built from the constants above (no data from the page or the API). */
export function cssText(): string {
  const sizes = (Object.keys(SIZES) as Size[])
    .map((k) => {
      const s = SIZES[k];
      const sel = k === "medium" ? ":host" : `:host([size="${k}"])`;
      return `${sel}{width:${s.width}px;height:${s.height}px;--p:${s.pad}px;--i:${s.icon}px;--h:${s.head}px;--b:${s.body}px}`;
    })
    .join("");
  const theme = (t: Theme) => {
    const p = PALETTES[t];
    return `--bg:${p.bg};--fg:${p.fg};--mu:${p.muted};--ok:${p.ok};--bad:${p.bad};--ne:${p.neutral};--fo:${p.focus}`;
  };
  return (
    `:host{display:inline-block;box-sizing:border-box;vertical-align:middle;${theme("light")}}` +
    sizes +
    `:host([theme="dark"]){${theme("dark")}}` +
    `:host([hidden]){display:none}` +
    `a{box-sizing:border-box;display:flex;align-items:center;gap:calc(var(--p) + 1px);width:100%;height:100%;` +
    `padding:0 var(--p);background:var(--bg);color:var(--fg);border:2px solid var(--c);border-radius:6px;` +
    `text-decoration:none;font:400 var(--b)/1.2 system-ui,sans-serif;` +
    `overflow:hidden;--c:var(--ne)}` +
    `a.ok{--c:var(--ok)}a.bad{--c:var(--bad)}` +
    `a:focus-visible{outline:3px solid var(--fo);outline-offset:2px}` +
    `a:hover .h{text-decoration:underline}` +
    `svg{flex:none;width:var(--i);height:var(--i);color:var(--c)}` +
    `.t{display:flex;flex-direction:column;min-width:0;flex:1}` +
    `.t span{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}` +
    `.h{font-weight:700;font-size:var(--h);color:var(--c)}` +
    `.f{color:var(--mu);font-variant-numeric:tabular-nums}`
  );
}
