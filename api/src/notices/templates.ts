import { toJst } from "../domain";
import { NoticeLanguage } from "./notice.entity";

/**
 * Japanese and English texts of the notices Akashi writes (NOT-1). Each template is a pure function
 * of its facts and the language; times are shown in Japan time, as every rule counts them.
 * RENEWAL_DUE is composed by the contract calendar (contract-jobs.ts) and sent as written.
 */
export enum NoticeKind {
  CERTIFICATE_ISSUED = "CERTIFICATE_ISSUED",
  RENEWAL_DUE = "RENEWAL_DUE",
  REVOCATION_EXECUTED = "REVOCATION_EXECUTED",
  MAINTENANCE = "MAINTENANCE",
  SERVICE_END = "SERVICE_END",
  TERMS_CHANGE = "TERMS_CHANGE",
  APPLICATION_REJECTED = "APPLICATION_REJECTED",
}

export interface NoticeText {
  subject: string;
  body: string;
}

/** Who reads it: the managing reseller passes subscriber notices on (RES-5); a NOTICE contact reads its own. */
export type Audience = "RESELLER" | "SUBSCRIBER";

const pad = (n: number) => String(n).padStart(2, "0");

/** "2027年2月28日 23:59:59（日本時間）" / "2027-02-28 23:59:59 JST". */
function jstText(at: Date, language: NoticeLanguage): string {
  const p = toJst(at);
  const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  return language === NoticeLanguage.JA
    ? `${p.year}年${p.month}月${p.day}日 ${time}（日本時間）`
    : `${p.year}-${pad(p.month)}-${pad(p.day)} ${time} JST`;
}

const SIGNATURE = {
  ja: "\n\n--\nAkashi 証明書サービス運営事務局\n（このメールは送信専用です）",
  en: "\n\n--\nAkashi certificate service\n(This address does not receive replies.)",
};

function finish(language: NoticeLanguage, subject: string, lines: string[]): NoticeText {
  return { subject, body: lines.join("\n") + SIGNATURE[language] };
}

interface SubscriberFacts {
  /** Name as registered (Japanese or Latin). */
  name: string;
  nameEn: string | null;
}

function subscriberName(s: SubscriberFacts, language: NoticeLanguage): string {
  return language === NoticeLanguage.EN ? (s.nameEn ?? s.name) : s.name;
}

function relayLine(audience: Audience, language: NoticeLanguage, s: SubscriberFacts): string[] {
  if (audience !== "RESELLER") return [];
  // RES-5: the managing reseller must pass operator notices on to the subscriber promptly.
  return language === NoticeLanguage.JA
    ? [`本通知は${subscriberName(s, language)}様宛てのものです。指定事業者様から速やかにお客様へお伝えください。`, ""]
    : [
        `For the attention of ${subscriberName(s, language)}: as the managing reseller, please pass this notice on promptly.`,
        "",
      ];
}

export interface CertificateIssuedFacts {
  subscriber: SubscriberFacts;
  resellerName: string | null;
  productNameJa: string;
  productNameEn: string;
  names: string[];
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  certificateId: string;
  publicBaseUrl: string;
}

export function certificateIssued(f: CertificateIssuedFacts, language: NoticeLanguage, audience: Audience): NoticeText {
  const cn = f.names[0];
  if (language === NoticeLanguage.JA) {
    const download =
      audience === "RESELLER"
        ? [
            "■ 証明書の取得方法",
            `GraphQL API（${f.publicBaseUrl}/graphql）で node(id: "${f.certificateId}") の pem と chainPem（中間CA証明書付き）を取得し、お客様へお渡しください。`,
          ]
        : [
            "■ 証明書の取得方法",
            `証明書は管理指定事業者${f.resellerName ? `（${f.resellerName}）` : ""}からお受け取りください。指定事業者は証明書ID ${f.certificateId} で取得できます。`,
          ];
    return finish(language, `【証明書発行のお知らせ】${cn}`, [
      ...relayLine(audience, language, f.subscriber),
      `${subscriberName(f.subscriber, language)} 様`,
      "",
      `お申し込みいただいたサーバー証明書（${f.productNameJa}）を発行しました。`,
      "",
      `コモンネーム／ドメイン名: ${f.names.join(", ")}`,
      `シリアル番号: ${f.serialNumber}`,
      `有効期間の開始: ${jstText(f.notBefore, language)}`,
      `有効期間の終了: ${jstText(f.notAfter, language)}`,
      "",
      ...download,
    ]);
  }
  const download =
    audience === "RESELLER"
      ? [
          "How to download",
          `Fetch pem and chainPem (with the intermediate CA) of node(id: "${f.certificateId}") through the GraphQL API at ${f.publicBaseUrl}/graphql and hand them to the subscriber.`,
        ]
      : [
          "How to download",
          `Your managing reseller${f.resellerName ? ` (${f.resellerName})` : ""} provides the certificate and its chain; it finds it under certificate ID ${f.certificateId}.`,
        ];
  return finish(language, `Certificate issued: ${cn}`, [
    ...relayLine(audience, language, f.subscriber),
    `Dear ${subscriberName(f.subscriber, language)},`,
    "",
    `The server certificate you applied for (${f.productNameEn}) has been issued.`,
    "",
    `Names: ${f.names.join(", ")}`,
    `Serial number: ${f.serialNumber}`,
    `Valid from: ${jstText(f.notBefore, language)}`,
    `Valid until: ${jstText(f.notAfter, language)}`,
    "",
    ...download,
  ]);
}

export interface RevocationExecutedFacts {
  subscriber: SubscriberFacts;
  names: string[];
  serialNumber: string;
  revokedAt: Date;
  /** RFC 5280 reason name, e.g. keyCompromise. */
  reason: string;
}

export function revocationExecuted(
  f: RevocationExecutedFacts,
  language: NoticeLanguage,
  audience: Audience,
): NoticeText {
  if (language === NoticeLanguage.JA) {
    return finish(language, `【証明書失効のお知らせ】${f.names[0]}`, [
      ...relayLine(audience, language, f.subscriber),
      `${subscriberName(f.subscriber, language)} 様`,
      "",
      "下記のサーバー証明書を失効しました。失効した証明書は再び有効にはなりません。",
      "",
      `コモンネーム／ドメイン名: ${f.names.join(", ")}`,
      `シリアル番号: ${f.serialNumber}`,
      `失効日時: ${jstText(f.revokedAt, language)}`,
      `失効理由: ${f.reason}`,
    ]);
  }
  return finish(language, `Certificate revoked: ${f.names[0]}`, [
    ...relayLine(audience, language, f.subscriber),
    `Dear ${subscriberName(f.subscriber, language)},`,
    "",
    "The server certificate below has been revoked. A revoked certificate never becomes valid again.",
    "",
    `Names: ${f.names.join(", ")}`,
    `Serial number: ${f.serialNumber}`,
    `Revoked at: ${jstText(f.revokedAt, language)}`,
    `Reason: ${f.reason}`,
  ]);
}

export interface ApplicationRejectedFacts {
  subscriber: SubscriberFacts;
  names: string[];
  reason: string;
  applicationId: string;
}

export function applicationRejected(
  f: ApplicationRejectedFacts,
  language: NoticeLanguage,
  audience: Audience,
): NoticeText {
  if (language === NoticeLanguage.JA) {
    return finish(language, `【お申し込み不承認のお知らせ】${f.names[0]}`, [
      ...relayLine(audience, language, f.subscriber),
      `${subscriberName(f.subscriber, language)} 様`,
      "",
      "審査の結果、下記のお申し込みをお受けできないこととなりました。ご提出いただいた書類は破棄しました。",
      "",
      `ドメイン名: ${f.names.join(", ")}`,
      `申込ID: ${f.applicationId}`,
      `理由: ${f.reason}`,
    ]);
  }
  return finish(language, `Application not accepted: ${f.names[0]}`, [
    ...relayLine(audience, language, f.subscriber),
    `Dear ${subscriberName(f.subscriber, language)},`,
    "",
    "After review we cannot accept the application below. The documents submitted with it have been destroyed.",
    "",
    `Names: ${f.names.join(", ")}`,
    `Application ID: ${f.applicationId}`,
    `Reason: ${f.reason}`,
  ]);
}

export function maintenance(
  f: { title: string; body: string; startsAt: Date; endsAt: Date },
  language: NoticeLanguage,
): NoticeText {
  if (language === NoticeLanguage.JA) {
    return finish(language, `【メンテナンスのお知らせ】${f.title}`, [
      "下記の日程でメンテナンスを実施します。",
      "",
      `期間: ${jstText(f.startsAt, language)} ～ ${jstText(f.endsAt, language)}`,
      `理由: ${f.title}`,
      "",
      f.body,
    ]);
  }
  return finish(language, `Planned maintenance: ${f.title}`, [
    "We will carry out maintenance as follows.",
    "",
    `Period: ${jstText(f.startsAt, language)} to ${jstText(f.endsAt, language)}`,
    `Reason: ${f.title}`,
    "",
    f.body,
  ]);
}

export function serviceEnd(f: { endsAt: Date; body: string }, language: NoticeLanguage): NoticeText {
  if (language === NoticeLanguage.JA) {
    return finish(language, "【サービス終了のお知らせ】", [
      `本サービスは ${jstText(f.endsAt, language)} をもって終了します。`,
      "",
      f.body,
    ]);
  }
  return finish(language, "End of service", [`This service ends at ${jstText(f.endsAt, language)}.`, "", f.body]);
}

export function termsChange(
  f: { version: string; effectiveFrom: Date; url: string },
  language: NoticeLanguage,
): NoticeText {
  if (language === NoticeLanguage.JA) {
    return finish(language, `【利用約款改定のお知らせ】第${f.version}版`, [
      `利用約款を改定し、第${f.version}版を ${jstText(f.effectiveFrom, language)} から適用します。`,
      `改定後の約款: ${f.url}`,
      "",
      "適用日以降のお申し込みでは、新しい版への同意を記録してください。",
    ]);
  }
  return finish(language, `New version of the terms: ${f.version}`, [
    `Version ${f.version} of the terms takes effect at ${jstText(f.effectiveFrom, language)}.`,
    `Terms: ${f.url}`,
    "",
    "Applications from that date record consent to the new version.",
  ]);
}

/** Announcement titles as they appear in the public list. */
export const ANNOUNCEMENT_TITLES = {
  serviceEnd: "サービス終了のお知らせ / End of service",
  termsChange: (version: string) => `利用約款改定（第${version}版）のお知らせ / New version of the terms: ${version}`,
};
