import { SealStatus } from "../../seals/seal.types";

export type Lang = "ja" | "en";

/** Picks the page language: `?lang=`, then Accept-Language, then Japanese. */
export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === "ja" || query === "en") return query;
  const first = (acceptLanguage ?? "")
    .split(",")
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith("ja") || p.startsWith("en"));
  return first?.startsWith("en") ? "en" : "ja";
}

/** Every word of the verification and receipt pages, per language (the renderer holds none). */
export interface VerifyTexts {
  title: string;
  operator: string;
  other: string;
  /** Headlines: the verdict for the visitor's situation (SEAL-2, SEAL-4). */
  headValid: string;
  headWrongSite: string;
  headNotValid: string;
  headUnknownSeal: string;
  /** A small label next to a headline that rests on the link's unconfirmed claim. */
  claimTag: string;
  status: Record<SealStatus, string>;
  unknownSeal: string;
  organization: string;
  organizationAsInCertificate: string;
  domains: string;
  validationLevel: string;
  levels: Record<"DV" | "OV" | "EV", string>;
  issuer: string;
  serial: string;
  fingerprint: string;
  validity: string;
  statusLabel: string;
  revokedAt: string;
  reason: string;
  scheduled: string;
  checkedAt: string;
  from: (origin: string) => string;
  covers: string;
  notCovers: string;
  mismatch: (claimed: string) => string;
  claimedFrom: (origin: string) => string;
  claimedCovers: string;
  claimedNotCovers: string;
  cannotTell: string;
  reportTitle: string;
  reportIntro: string;
  reportDescription: string;
  reportEmail: string;
  reportSubmit: string;
  receiptTitle: string;
  receiptNumber: string;
  receiptPhone: string;
  receiptDue: string;
  reportRefused: string;
  back: string;
  reasons: Record<string, string>;
}

const JA: VerifyTexts = {
  title: "サーバー証明書の検証",
  operator: "Akashi 認証局",
  other: "English",
  headValid: "この証明書は有効です",
  headWrongSite: "あなたが来たサイトでは、この証明書は有効ではありません",
  headNotValid: "この証明書は有効ではありません",
  headUnknownSeal: "このサイトシールは登録されていません",
  claimTag: "リンクの申告による",
  status: {
    VALID: "有効",
    NOT_YET_VALID: "有効期間の開始前",
    EXPIRED: "有効期間満了",
    REVOKED: "失効",
    SERVICE_ENDED: "サービス終了（サイトシールは取り外されるべきものです）",
  } satisfies Record<SealStatus, string>,
  unknownSeal: "このシールを表示しているサイトの証明書は確認できません。",
  organization: "組織名",
  organizationAsInCertificate: "証明書の記載",
  domains: "ドメイン名",
  validationLevel: "認証レベル",
  levels: { DV: "DV（ドメイン認証）", OV: "OV（組織認証）", EV: "EV（拡張認証）" },
  issuer: "発行者",
  serial: "シリアル番号",
  fingerprint: "SHA-256 フィンガープリント",
  validity: "有効期間",
  statusLabel: "状態",
  revokedAt: "失効日時",
  reason: "失効理由",
  scheduled: "失効予定日時",
  checkedAt: "確認日時",
  from: (origin) => `あなたは ${origin} からこのページを開きました（ブラウザーによる通知）。`,
  covers: "この証明書はそのサイトを対象としています。",
  notCovers: "この証明書はそのサイトを対象としていません。そのサイトでのシールの表示は正当ではありません。",
  mismatch: (claimed) =>
    `リンクには ${claimed} から開いたと書かれていましたが、ブラウザーが伝えた送信元に従って判断しています。`,
  claimedFrom: (origin) =>
    `リンクには ${origin} から開いたと書かれています（申告であり、ブラウザーによる確認はありません）。そのページのアドレスバーをご確認ください。`,
  claimedCovers: "そのページが本当にこのアドレスであれば、この証明書はそのサイトを対象としています。",
  claimedNotCovers:
    "申告のとおりであっても、この証明書はそのサイトを対象としていません。そのサイトでのシールの表示は正当ではありません。",
  cannotTell:
    "どのサイトからこのページが開かれたかを確認できません。ご覧になっていたサイトのアドレスが下記のドメイン名に含まれることをご確認ください。",
  reportTitle: "不正利用・秘密鍵の漏えいの報告",
  reportIntro:
    "このシールの不正利用や、証明書の秘密鍵の漏えいに気づいた場合はお知らせください。24時間以内に一次回答します。",
  reportDescription: "内容（10文字以上）",
  reportEmail: "連絡先メールアドレス（任意）",
  reportSubmit: "報告する",
  receiptTitle: "報告を受け付けました",
  receiptNumber: "受付番号",
  receiptPhone: "お問い合わせの際は、この受付番号をお伝えください。",
  receiptDue: "一次回答の期限",
  reportRefused: "報告を受け付けられませんでした",
  back: "検証ページに戻る",
  reasons: {
    unspecified: "理由の指定なし",
    keyCompromise: "秘密鍵の危殆化",
    affiliationChanged: "登録情報の変更",
    superseded: "再発行による置き換え",
    cessationOfOperation: "サイト運営の終了",
    privilegeWithdrawn: "認証局による取り消し",
  },
};

const EN: VerifyTexts = {
  title: "Server certificate verification",
  operator: "Akashi Certificate Authority",
  other: "日本語",
  headValid: "This certificate is valid",
  headWrongSite: "Not valid for the site you came from",
  headNotValid: "This certificate is not valid",
  headUnknownSeal: "This site seal is not registered",
  claimTag: "as the link claims",
  status: {
    VALID: "Valid",
    NOT_YET_VALID: "Not yet valid",
    EXPIRED: "Expired",
    REVOKED: "Revoked",
    SERVICE_ENDED: "Service ended (the site seal should have been removed)",
  } satisfies Record<SealStatus, string>,
  unknownSeal: "The certificate of the site showing this seal cannot be confirmed.",
  organization: "Organization",
  organizationAsInCertificate: "in the certificate",
  domains: "Domain names",
  validationLevel: "Validation",
  levels: { DV: "DV (domain validated)", OV: "OV (organization validated)", EV: "EV (extended validation)" },
  issuer: "Issuer",
  serial: "Serial number",
  fingerprint: "SHA-256 fingerprint",
  validity: "Validity",
  statusLabel: "Status",
  revokedAt: "Revoked at",
  reason: "Reason",
  scheduled: "Revocation scheduled for",
  checkedAt: "Checked at",
  from: (origin) => `You came from ${origin} (as your browser reported).`,
  covers: "This certificate covers that site.",
  notCovers: "This certificate does not cover that site. The seal is not legitimately shown there.",
  mismatch: (claimed) => `The link said it was opened from ${claimed}; this page goes by what your browser reported.`,
  claimedFrom: (origin) =>
    `The link says it was opened from ${origin} (a claim your browser did not confirm). ` +
    "Check the address bar of that page.",
  claimedCovers: "If that page really is at this address, this certificate covers that site.",
  claimedNotCovers:
    "Even by its own claim, this certificate does not cover that site. The seal is not legitimately shown there.",
  cannotTell:
    "We cannot tell which site you came from. " +
    "Check that the address of the site you were viewing is among the domain names below.",
  reportTitle: "Report misuse or a compromised key",
  reportIntro:
    "If you find this seal misused or the certificate's private key exposed, tell us. We answer first within 24 hours.",
  reportDescription: "What is wrong (10 characters or more)",
  reportEmail: "Your e-mail address (optional)",
  reportSubmit: "Send report",
  receiptTitle: "Report received",
  receiptNumber: "Receipt number",
  receiptPhone: "Please quote this receipt number when you contact us.",
  receiptDue: "First answer due",
  reportRefused: "The report could not be accepted",
  back: "Back to the verification page",
  reasons: {
    unspecified: "Unspecified",
    keyCompromise: "Key compromise",
    affiliationChanged: "Affiliation changed",
    superseded: "Superseded",
    cessationOfOperation: "Cessation of operation",
    privilegeWithdrawn: "Privilege withdrawn",
  },
};

export const TEXTS: Readonly<Record<Lang, VerifyTexts>> = { ja: JA, en: EN };
