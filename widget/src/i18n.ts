/**
 * Language choice, JST time formatting and every user-visible string of the seal.
 * Pure (no DOM): imported by the element and by jest.
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

/** ISO 8601 instant → `YYYY-MM-DD HH:mm` in JST (UTC+9, no daylight saving). Empty string when unparsable. */
export function jstMinutes(iso: string | null | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  const d = new Date(ms + 9 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}`;
}

/** ISO 8601 instant → `YYYY-MM-DD HH:mm JST`. Empty string when unparsable. */
export function formatJst(iso: string | null | undefined): string {
  const t = jstMinutes(iso);
  return t && `${t} JST`;
}

/** Per language: brand, the two labels of the time of check, the new-tab sentence, per state [status, detail]. */
interface Strings {
  brand: string;
  /** Visible label of the time of check, e.g. "確認 2026-12-01 23:21". */
  checkedShort: string;
  /** The same in the accessible name, where the time carries "JST". */
  checked: string;
  newTab: string;
  /** Accessible-name wording of the valid state. */
  verified: string;
  lines: Record<SealState, [status: string, detail: string]>;
}

const NOT_VALID_EN = "Not valid";
const NOT_VALID_JA = "無効";

const EN: Strings = {
  brand: "Akashi site seal",
  checkedShort: "Checked",
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
  checkedShort: "確認",
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

function strings(lang: Lang): Strings {
  return lang === "ja" ? JA : EN;
}

/** What the status answer says about the certificate, as far as the badge shows it. */
export interface BadgeFacts {
  /** The certificate's first domain. */
  domain: string | null;
  /** The organisation (OV/EV) in the badge's language; null for DV. */
  org: string | null;
  /** ISO time of the status read. */
  checkedAt: string | null;
}

export interface BadgeText {
  /** First line, bold, in the state's colour: "認証済み" / "無効" / … */
  status: string;
  /** The organisation (valid OV/EV only), else empty. */
  org: string;
  /** The domain when valid; the reason otherwise. */
  detail: string;
  /** The labelled time of check, "確認 2026-12-01 23:21"; empty before an answer arrived. */
  time: string;
  /** Accessible name of the link (also its title). */
  label: string;
}

function spoken(state: SealState, s: Strings, ja: boolean): string {
  const [status, detail] = s.lines[state];
  if (state === "valid") return s.verified;
  if (state === "wrong-site") return ja ? detail : `${status} ${detail}`;
  return detail ? `${status}: ${detail}` : status;
}

/**
 * Every text the badge shows for one state. Accessible name, e.g. "Akashi site seal: shop.akashi-demo.jp
 * (Example K.K.) — certificate verified, checked 2026-11-21 12:00 JST. Opens the verification page in a
 * new tab." / "… — Not valid: Certificate revoked, …" / "… — Not valid for this site, …"; Japanese:
 * "Akashi サイトシール: shop.akashi-demo.jp — 無効: 失効済み、確認日時 …。検証ページを新しいタブで開きます。"
 */
export function badgeText(state: SealState, lang: Lang, facts: BadgeFacts): BadgeText {
  const s = strings(lang);
  const ja = lang === "ja";
  const [status, detail] = s.lines[state];
  const answered = state !== "loading" && state !== "network-error";
  const minutes = answered ? jstMinutes(facts.checkedAt) : "";
  const valid = state === "valid";
  const org = valid && facts.org ? facts.org : "";
  let label = s.brand + ": ";
  if (facts.domain && state !== "unknown") label += `${facts.domain}${org ? ` (${org})` : ""} — `;
  label += spoken(state, s, ja);
  if (minutes) label += `${ja ? "、" : ", "}${s.checked} ${minutes} JST`;
  label += (ja ? "。" : ". ") + s.newTab;
  return {
    status,
    org,
    detail: valid ? (facts.domain ?? "") : detail,
    time: minutes && `${s.checkedShort} ${minutes}`,
    label,
  };
}
