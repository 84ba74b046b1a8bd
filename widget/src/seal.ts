/**
 * `<akashi-seal seal-id="…" size="small|medium|large" theme="light|dark" lang="ja|en">`
 *
 * Embed: `<script type="module" src="https://HOST/seal.js"></script>` then the element. The API origin is the
 * origin this module was loaded from, so the seal talks only to the operator (no third parties, no cookies).
 *
 * A plain custom element (no framework): the shadow DOM is built once with createElement and afterwards
 * only text nodes and attributes change, so data is never parsed as HTML. Lit cost 5.9 KB of the
 * 9.1 KB gzip bundle for one fixed template; without it the whole seal is a third of that.
 */
import { createSealClient } from "./client";
import { badgeText, pickLang } from "./i18n";
import { LINK_REFERRER_POLICY, LINK_REL, LINK_TARGET, verificationHref } from "./link";
import { BUBBLE, GLYPHS, MARK_LETTER, MARK_SHIELD, MARK_VIEWBOX } from "./mark";
import { parseSeal, stateFor, type SealResult, type SealState } from "./state";
import { cssText, toneOf } from "./theme";

const API_ORIGIN = new URL(import.meta.url).origin;
const SVG_NS = "http://www.w3.org/2000/svg";

const client = createSealClient({
  endpoint: `${API_ORIGIN}/graphql`,
  fetch: (url, init) => fetch(url, init),
});

/** One constructable stylesheet shared by every seal on the page (not subject to the page's style-src CSP). */
let sheet: CSSStyleSheet | null = null;
function adoptStyles(root: ShadowRoot): void {
  if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(cssText());
    }
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement("style");
  style.textContent = cssText();
  root.append(style);
}

function svgNode<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function span(cls: string): HTMLSpanElement {
  const el = document.createElement("span");
  el.className = cls;
  return el;
}

export class AkashiSeal extends HTMLElement {
  static observedAttributes = ["seal-id", "lang"];

  private readonly link: HTMLAnchorElement;
  private readonly glyph: SVGPathElement;
  private readonly lines: {
    status: HTMLSpanElement;
    org: HTMLSpanElement;
    detail: HTMLSpanElement;
    time: HTMLSpanElement;
  };
  private seal: SealResult | null | undefined = undefined;
  private current: SealState = "loading";
  /** The id last looked up (undefined before the first look-up); a newer look-up makes older answers stale. */
  private wanted: string | undefined = undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    adoptStyles(root);
    const a = document.createElement("a");
    a.target = LINK_TARGET;
    a.rel = LINK_REL;
    a.setAttribute("referrerpolicy", LINK_REFERRER_POLICY);
    const icon = svgNode("svg", { viewBox: MARK_VIEWBOX, "aria-hidden": "true" });
    this.glyph = svgNode("path", { class: "g", d: GLYPHS.neutral });
    icon.append(
      svgNode("path", { class: "m", d: MARK_SHIELD }),
      svgNode("path", { class: "l", d: MARK_LETTER }),
      svgNode("circle", { class: "b", ...BUBBLE }),
      this.glyph,
    );
    this.lines = { status: span("h"), org: span("o"), detail: span("d"), time: span("f") };
    const text = span("t");
    text.append(this.lines.status, this.lines.org, this.lines.detail, this.lines.time);
    a.append(icon, text);
    root.append(a);
    this.link = a;
  }

  /** The current state (also reflected as the `state` and `data-state` attributes of the host). */
  get state(): SealState {
    return this.current;
  }

  get sealId(): string | null {
    return this.getAttribute("seal-id");
  }

  set sealId(value: string | null) {
    if (value === null) this.removeAttribute("seal-id");
    else this.setAttribute("seal-id", value);
  }

  connectedCallback(): void {
    if (this.wanted === undefined) this.lookup();
    else this.paint();
  }

  attributeChangedCallback(name: string): void {
    if (name === "seal-id") this.lookup();
    else this.paint();
  }

  private lookup(): void {
    const id = (this.getAttribute("seal-id") ?? "").trim();
    if (id === this.wanted) return;
    this.wanted = id;
    this.seal = undefined;
    this.current = id ? "loading" : "unknown";
    if (!id) this.seal = null;
    this.paint();
    if (!id) return;
    client.lookup(id).then(
      (raw) => {
        if (id !== this.wanted) return;
        this.seal = parseSeal(raw);
        this.current = stateFor(raw, location.hostname, Date.now());
        this.paint();
      },
      () => {
        if (id !== this.wanted) return;
        this.seal = undefined;
        this.current = "network-error";
        this.paint();
      },
    );
  }

  private paint(): void {
    const state = this.current;
    const lang = pickLang(this.lang, document.documentElement.lang, navigator.language);
    const cert = this.seal?.certificate ?? null;
    const org = cert && (lang === "en" && cert.organizationNameEn ? cert.organizationNameEn : cert.organizationName);
    const text = badgeText(state, lang, {
      domain: cert?.domains[0] ?? null,
      org: org ?? null,
      checkedAt: this.seal?.checkedAt ?? null,
    });
    const tone = toneOf(state);
    const a = this.link;
    a.className = tone;
    a.href = verificationHref(
      API_ORIGIN,
      (this.getAttribute("seal-id") ?? "").trim(),
      this.seal?.verificationUrl,
      location.origin,
      lang,
    );
    a.lang = lang;
    a.setAttribute("aria-label", text.label);
    a.title = text.label;
    this.glyph.setAttribute("d", GLYPHS[tone]);
    this.lines.status.textContent = text.status;
    this.lines.org.textContent = text.org;
    this.lines.detail.textContent = text.detail;
    this.lines.time.textContent = text.time;
    // Reflect the state for pages and tests; the attribute is output only (changing it changes nothing).
    this.setAttribute("state", state);
    this.setAttribute("data-state", state);
  }
}

if (!customElements.get("akashi-seal")) customElements.define("akashi-seal", AkashiSeal);

declare global {
  interface HTMLElementTagNameMap {
    "akashi-seal": AkashiSeal;
  }
}
