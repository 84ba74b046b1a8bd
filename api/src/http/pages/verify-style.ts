import { lockedPage } from "./html";

/**
 * The verification and receipt pages' one stylesheet, and their locked-page headers (computed once).
 * Narrow screens (320–480 px): each label sits above its value, labels never break inside a word
 * (`word-break: keep-all` keeps 組織名 whole), and long values (fingerprints, serials, the claimed origin)
 * wrap anywhere instead of widening the page.
 */
export const VERIFY_CSS = [
  `*{box-sizing:border-box}`,
  `body{font-family:system-ui,"Hiragino Sans","Noto Sans JP","IPAGothic",sans-serif;margin:0;background:#f6f7f9;` +
    `color:#1b1f24;line-height:1.6;-webkit-text-size-adjust:100%;text-size-adjust:100%}`,
  `main{max-width:46rem;margin:0 auto;padding:1rem}`,
  `header{display:flex;justify-content:space-between;align-items:center;gap:.5rem 1rem;flex-wrap:wrap}`,
  `.brand{display:flex;align-items:center;gap:.5rem;font-weight:600;word-break:keep-all}`,
  `.brand svg{width:28px;height:28px;flex:none}.m{fill:#23318c}.l{fill:none;stroke:#fff;stroke-width:2.2;` +
    `stroke-linecap:round;stroke-linejoin:round}`,
  `h1{font-size:1.3rem;line-height:1.4;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}`,
  `.verdict{padding:1rem;border-radius:.5rem;margin:1rem 0;border:2px solid;background:#fff}`,
  `.verdict.ok{background:#e3f4e8;border-color:#1a7f3c}.verdict.ok h1{color:#0b5a24}`,
  `.verdict.bad{background:#fde8e8;border-color:#b42318}.verdict.bad h1{color:#8a1010}`,
  `.verdict p{margin:.5rem 0 0}`,
  `.tag{display:inline-block;font-size:.8rem;font-weight:600;border:1px solid currentColor;border-radius:1rem;` +
    `padding:0 .5rem;margin-left:.25rem;vertical-align:middle;white-space:nowrap}`,
  `.origin,.verdict p,dd,code{overflow-wrap:anywhere}`,
  `dl{margin:0;background:#fff;border:1px solid #d5d9de;border-radius:.5rem}`,
  `dl>div{display:grid;grid-template-columns:10rem minmax(0,1fr);gap:.15rem 1rem;padding:.6rem .9rem;` +
    `border-top:1px solid #e3e6ea}dl>div:first-child{border-top:0}`,
  `dt{font-weight:600;word-break:keep-all;overflow-wrap:normal}dd{margin:0;min-width:0}`,
  `dd ul{margin:0;padding-left:1.1rem}.sub{display:block;font-size:.9rem;color:#4a545e}.nw{white-space:nowrap}`,
  `code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}`,
  `@media (max-width:30rem){dl>div{grid-template-columns:minmax(0,1fr)}h1{font-size:1.2rem}}`,
  `a{color:#0b4f9c}`,
  `.receipt{font-size:1.1rem}.receipt strong{display:inline-block;font-size:1.6rem;letter-spacing:.05em;` +
    `font-variant-numeric:tabular-nums;white-space:nowrap}`,
  `form{background:#fff;padding:1rem;border-radius:.5rem;border:1px solid #d5d9de}` +
    `label{display:block;margin:.5rem 0 .25rem}` +
    `textarea,input{width:100%;padding:.5rem;font:inherit;border:1px solid #8c959f;border-radius:.25rem}`,
  `button{margin-top:.75rem;padding:.5rem 1rem;font:inherit;background:#0b4f9c;color:#fff;border:0;` +
    `border-radius:.25rem}`,
  `footer{margin-top:2rem;color:#4a545e;font-size:.85rem}`,
].join("\n");

export const VERIFY_PAGE = lockedPage(VERIFY_CSS);
