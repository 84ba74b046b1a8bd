/**
 * `<akashi-seal seal-id="…" size="small|medium|large" theme="light|dark" lang="ja|en">`
 *
 * Embed: `<script type="module" src="https://HOST/seal.js"></script>` then the element. The API origin is the
 * origin this module was loaded from, so the seal talks only to the operator (no third parties, no cookies).
 * All data is interpolated as text by Lit templates — never parsed as HTML.
 */
import { LitElement, html, svg, unsafeCSS, type PropertyValues } from "lit";
import { createSealClient } from "./client";
import { badgeText, pickLang } from "./i18n";
import { LINK_REFERRER_POLICY, LINK_REL, LINK_TARGET, verificationHref } from "./link";
import { parseSeal, stateFor, type SealState } from "./state";
import { cssText, toneOf } from "./theme";

const API_ORIGIN = new URL(import.meta.url).origin;

const client = createSealClient({
  endpoint: `${API_ORIGIN}/graphql`,
  fetch: (url, init) => fetch(url, init),
});

const ICONS = {
  ok: svg`<path d="M6 12.5l4 4 8-9"/>`,
  bad: svg`<path d="M7.5 7.5l9 9M16.5 7.5l-9 9"/>`,
  neutral: svg`<path d="M12 7v6M12 16.5v.5"/>`,
};

export class AkashiSeal extends LitElement {
  static override properties = {
    sealId: { type: String, attribute: "seal-id" },
    // Styling only, through :host([size=…]) / :host([theme=…]) (unknown values fall back to medium / light).
    size: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    _raw: { state: true },
    _state: { state: true },
  };

  static override styles = unsafeCSS(cssText());

  declare sealId: string | null;
  declare size: string | null;
  declare theme: string | null;
  declare _raw: unknown;
  declare _state: SealState;
  private _token = 0;

  constructor() {
    super();
    this.sealId = null;
    this.size = null;
    this.theme = null;
    this._raw = undefined;
    this._state = "loading";
  }

  /** `lang` stays the native HTMLElement property; observing the attribute re-renders in the new language. */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, "lang"];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === "lang") this.requestUpdate();
  }

  /** The current state (also reflected as the `state` and `data-state` attributes of the host). */
  get state(): SealState {
    return this._state;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("sealId")) this._lookup();
  }

  private _lookup(): void {
    const token = ++this._token;
    const id = (this.sealId ?? "").trim();
    this._raw = undefined;
    if (!id) {
      this._raw = null;
      this._state = "unknown";
      return;
    }
    this._state = "loading";
    client.lookup(id).then(
      (raw) => {
        if (token !== this._token) return;
        this._raw = raw;
        this._state = stateFor(raw, location.hostname, Date.now());
      },
      () => {
        if (token !== this._token) return;
        this._raw = undefined;
        this._state = "network-error";
      },
    );
  }

  protected override updated(): void {
    // Reflect the state for pages and tests; the attribute is output only (changing it changes nothing).
    this.setAttribute("state", this._state);
    this.setAttribute("data-state", this._state);
  }

  protected override render() {
    const state = this._state;
    const lang = pickLang(this.lang, document.documentElement.lang, navigator.language);
    const seal = parseSeal(this._raw) ?? null;
    const domain = seal?.certificate?.domains[0] ?? null;
    const text = badgeText(state, lang, domain, seal?.checkedAt ?? null, seal?.certificate?.organizationName);
    const href = verificationHref(API_ORIGIN, (this.sealId ?? "").trim(), seal?.verificationUrl, location.origin, lang);
    const tone = toneOf(state);
    // prettier-ignore
    return html`<a class=${tone} href=${href} target=${LINK_TARGET} rel=${LINK_REL} referrerpolicy=${LINK_REFERRER_POLICY} lang=${lang} aria-label=${text.label} title=${text.label}><svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"><circle cx="12" cy="12" r="10.5"/>${ICONS[tone]}</svg><span class="t"><span class="h">${text.head}</span><span>${text.sub}</span><span class="f">${text.foot}</span></span></a>`;
  }
}

if (!customElements.get("akashi-seal")) customElements.define("akashi-seal", AkashiSeal);

declare global {
  interface HTMLElementTagNameMap {
    "akashi-seal": AkashiSeal;
  }
}
