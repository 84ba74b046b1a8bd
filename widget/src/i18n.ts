/**
 * Language choice, JST time formatting and every user-visible string of the seal.
 * Pure (no DOM, no Lit): imported by the element and by jest.
 */
import type { SealState } from "./state";

export type Lang = "ja" | "en";

/**
 * The first non-empty of: the element's `lang`, `document.documentElement.lang`, `navigator.language`.
 * Primary subtag `ja` (`ja`, `ja-JP`, `JA_jp`) → Japanese; anything else → English.
 */
export function pickLang(...candidates: (string | null | undefined)[]): Lang {
  for (const c of candidates) {
    const v = (c ?? "").trim();
    if (v) return /^ja(?:[-_]|$)/i.test(v) ? "ja" : "en";
  }
  return "en";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO 8601 instant → `YYYY-MM-DD HH:mm JST` (UTC+9, no daylight saving). Empty string when unparsable. */
export function formatJst(iso: string | null | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  const d = new Date(ms + 9 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )} JST`;
}

/** Per language: brand, the "checked" prefix, the new-tab sentence, and per state [bold first line, second line]. */
interface Strings {
  brand: string;
  checked: string;
  newTab: string;
  /** Accessible-name wording of the valid state. */
  verified: string;
  lines: Record<SealState, [head: string, sub: string]>;
}

const NOT_VALID_EN = "Not valid";
const NOT_VALID_JA = "無効";

const EN: Strings = {
  brand: "Akashi site seal",
  checked: "checked",
  newTab: "Opens the verification page in a new tab.",
  verified: "certificate verified",
  lines: {
    loading: ["Checking…", ""],
    valid: ["Verified", ""],
    expired: [NOT_VALID_EN, "Certificate expired"],
    revoked: [NOT_VALID_EN, "Certificate revoked"],
    "not-yet-valid": [NOT_VALID_EN, "Not yet valid"],
    unknown: [NOT_VALID_EN, "Unknown seal"],
    "service-ended": [NOT_VALID_EN, "Service ended"],
    "wrong-site": [NOT_VALID_EN, "for this site"],
    "network-error": ["Status unavailable", "Click to verify"],
  },
};

const JA: Strings = {
  brand: "Akashi サイトシール",
  checked: "確認日時",
  newTab: "検証ページを新しいタブで開きます。",
  verified: "証明書は認証済み",
  lines: {
    loading: ["確認中…", ""],
    valid: ["認証済み", ""],
    expired: [NOT_VALID_JA, "有効期限切れ"],
    revoked: [NOT_VALID_JA, "失効済み"],
    "not-yet-valid": [NOT_VALID_JA, "有効期間の開始前"],
    unknown: [NOT_VALID_JA, "不明なシール"],
    "service-ended": [NOT_VALID_JA, "サービス終了"],
    "wrong-site": [NOT_VALID_JA, "このサイトでは無効"],
    "network-error": ["状態を確認できません", "クリックして確認"],
  },
};

export function strings(lang: Lang): Strings {
  return lang === "ja" ? JA : EN;
}

export interface BadgeText {
  head: string;
  sub: string;
  /** Third line: the time of check in JST when known, else the brand. */
  foot: string;
  /** Accessible name of the link. */
  label: string;
}

/**
 * Every text the badge shows for one state.
 * @param domain the certificate's first domain: the second line when valid; named in the accessible name
 * @param org    the certificate's organisation (OV/EV): named in the accessible name when valid
 * @param checkedAt ISO time of the status read: the third line (JST) once an answer arrived
 *
 * Accessible name, e.g. "Akashi site seal: shop.akashi-demo.jp (Example K.K.) — certificate verified, checked
 * 2026-11-21 12:00 JST. Opens the verification page in a new tab." / "… — Not valid: Certificate revoked, …" /
 * "… — Not valid for this site, …"; Japanese: "Akashi サイトシール: shop.akashi-demo.jp — 無効: 失効済み、確認日時 …。検証ページを新しいタブで開きます。"
 */
export function badgeText(
  state: SealState,
  lang: Lang,
  domain: string | null,
  checkedAt: string | null,
  org?: string | null,
): BadgeText {
  const s = strings(lang);
  const ja = lang === "ja";
  const [head, sub] = s.lines[state];
  const time = state === "loading" || state === "network-error" ? "" : formatJst(checkedAt);
  const say =
    state === "valid"
      ? s.verified
      : state === "wrong-site"
        ? ja
          ? sub
          : `${head} ${sub}`
        : sub
          ? `${head}: ${sub}`
          : head;
  let label = s.brand + ": ";
  if (domain && state !== "unknown") label += `${domain}${org && state === "valid" ? ` (${org})` : ""} — `;
  label += say;
  if (time) label += `${ja ? "、" : ", "}${s.checked} ${time}`;
  label += (ja ? "。" : ". ") + s.newTab;
  return { head, sub: state === "valid" ? domain ?? "" : sub, foot: time || s.brand, label };
}
