/**
 * The one error type for business refusals. Services throw it inside their transaction (so nothing
 * is written), and the GraphQL layer turns it into a `userErrors` entry. Clients match on `code`.
 */
export enum RefusalCode {
  // general
  INVALID_INPUT = "INVALID_INPUT",
  NOT_FOUND = "NOT_FOUND",
  FORBIDDEN = "FORBIDDEN",
  CONFLICT = "CONFLICT",
  IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED",
  /** A PEM input with anything but the expected block(s): trailing text, a second block, another label, bad base64. */
  PEM_INVALID = "PEM_INVALID",
  // applications (APP)
  SUBSCRIBER_NOT_FOUND = "SUBSCRIBER_NOT_FOUND",
  SUBSCRIBER_DATA_INCOMPLETE = "SUBSCRIBER_DATA_INCOMPLETE",
  PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND",
  PRODUCT_DISCONTINUED = "PRODUCT_DISCONTINUED",
  TERM_NOT_OFFERED = "TERM_NOT_OFFERED",
  TOO_MANY_NAMES = "TOO_MANY_NAMES",
  CONSENT_MISSING = "CONSENT_MISSING",
  TERMS_VERSION_UNKNOWN = "TERMS_VERSION_UNKNOWN",
  NOT_ELIGIBLE = "NOT_ELIGIBLE",
  DUPLICATE_CERTIFICATE = "DUPLICATE_CERTIFICATE",
  APPLICATION_STATE = "APPLICATION_STATE",
  DOMAIN_CONTROL_NOT_VALIDATED = "DOMAIN_CONTROL_NOT_VALIDATED",
  CAA_NOT_PERMITTED = "CAA_NOT_PERMITTED",
  DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE",
  DOCUMENT_TYPE_NOT_ALLOWED = "DOCUMENT_TYPE_NOT_ALLOWED",
  TOO_MANY_DOCUMENTS = "TOO_MANY_DOCUMENTS",
  REISSUE_SUBJECT_CHANGED = "REISSUE_SUBJECT_CHANGED",
  REISSUE_NAME_CHANGED = "REISSUE_NAME_CHANGED",
  CARRY_OVER_NOT_ACCEPTED = "CARRY_OVER_NOT_ACCEPTED",
  CARRY_OVER_NOT_APPLICABLE = "CARRY_OVER_NOT_APPLICABLE",
  // CSR checks (APP-10)
  CSR_MALFORMED = "CSR_MALFORMED",
  CSR_SIGNATURE_INVALID = "CSR_SIGNATURE_INVALID",
  CSR_KEY_TOO_WEAK = "CSR_KEY_TOO_WEAK",
  CSR_KEY_ALGORITHM_UNSUPPORTED = "CSR_KEY_ALGORITHM_UNSUPPORTED",
  CSR_NAMES_MISMATCH = "CSR_NAMES_MISMATCH",
  CSR_WILDCARD_NOT_ALLOWED = "CSR_WILDCARD_NOT_ALLOWED",
  CSR_NAME_NOT_A_LABEL = "CSR_NAME_NOT_A_LABEL",
  INVALID_HOSTNAME = "INVALID_HOSTNAME",
  WILDCARD_NOT_ALLOWED = "WILDCARD_NOT_ALLOWED",
  // revocation (REV)
  REVOCATION_REASON_UNKNOWN = "REVOCATION_REASON_UNKNOWN",
  REVOCATION_REASON_NOT_ALLOWED = "REVOCATION_REASON_NOT_ALLOWED",
  REVOCATION_REASON_NOT_SCHEDULABLE = "REVOCATION_REASON_NOT_SCHEDULABLE",
  REVOCATION_FINAL = "REVOCATION_FINAL",
  REVOCATION_ALREADY_WITHDRAWN = "REVOCATION_ALREADY_WITHDRAWN",
  REVOCATION_ALREADY_SCHEDULED = "REVOCATION_ALREADY_SCHEDULED",
  REVOCATION_NOT_WITHDRAWABLE = "REVOCATION_NOT_WITHDRAWABLE",
  RATE_LIMITED = "RATE_LIMITED",
  // terms and contracts (VAL, CON)
  RENEWAL_WINDOW_NOT_OPEN = "RENEWAL_WINDOW_NOT_OPEN",
  RENEWAL_WINDOW_CLOSED = "RENEWAL_WINDOW_CLOSED",
  RENEWAL_NOT_ALLOWED = "RENEWAL_NOT_ALLOWED",
  CONTRACT_ENDED = "CONTRACT_ENDED",
  CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED",
  CERTIFICATE_REVOKED = "CERTIFICATE_REVOKED",
  CERTIFICATE_INVALID = "CERTIFICATE_INVALID",
  CERTIFICATE_VALIDITY_INVALID = "CERTIFICATE_VALIDITY_INVALID",
  REISSUE_CERTIFICATE_EXPIRED = "REISSUE_CERTIFICATE_EXPIRED",
  TERM_ALREADY_ENDED = "TERM_ALREADY_ENDED",
  CERTIFICATE_EXCEEDS_TERM = "CERTIFICATE_EXCEEDS_TERM",
  MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY = "MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY",
  REPLACEMENT_NOT_NEEDED = "REPLACEMENT_NOT_NEEDED",
  NOT_AUTO_RENEW = "NOT_AUTO_RENEW",
  NOT_DURING_TERM = "NOT_DURING_TERM",
  // fees (CON-8)
  PRICE_NOT_SET = "PRICE_NOT_SET",
  // the operator's catalogue (VAL-1, CON-5, CON-8)
  PRODUCT_CODE_EXISTS = "PRODUCT_CODE_EXISTS",
  PRICE_EFFECTIVE_DATE_PASSED = "PRICE_EFFECTIVE_DATE_PASSED",
  TAX_RATE_DATE_PASSED = "TAX_RATE_DATE_PASSED",
  TAX_RATE_EXISTS = "TAX_RATE_EXISTS",
  // payments (RES-6, CON-7, REV-4)
  STATEMENT_NOT_STARTED = "STATEMENT_NOT_STARTED",
  PAYMENT_REFERENCE_EXISTS = "PAYMENT_REFERENCE_EXISTS",
  FEE_NOT_OVERDUE = "FEE_NOT_OVERDUE",
  FEE_NOT_ON_STATEMENT = "FEE_NOT_ON_STATEMENT",
  // subscriber changes (CON-6) and reissue (APP-8)
  SUBSCRIBER_CHANGE_PENDING = "SUBSCRIBER_CHANGE_PENDING",
  SUBSCRIBER_CHANGE_DECIDED = "SUBSCRIBER_CHANGE_DECIDED",
  SUCCESSOR_NOT_ALLOWED = "SUCCESSOR_NOT_ALLOWED",
  REISSUE_HOLDER_CHANGED = "REISSUE_HOLDER_CHANGED",
  // disputes and refusals (APP-6, APP-7, REV-3)
  NAME_IN_DISPUTE = "NAME_IN_DISPUTE",
  DISPUTE_CLOSED = "DISPUTE_CLOSED",
  NAME_NOT_IN_DISPUTE = "NAME_NOT_IN_DISPUTE",
  PROHIBITED_CONDUCT_REQUIRED = "PROHIBITED_CONDUCT_REQUIRED",
  RESELLER_GROUND_REQUIRED = "RESELLER_GROUND_REQUIRED",
  // resellers (RES)
  RESELLER_SUSPENDED = "RESELLER_SUSPENDED",
  // notices and announcements (NOT)
  MAINTENANCE_NOT_IN_ADVANCE = "MAINTENANCE_NOT_IN_ADVANCE",
  SERVICE_END_NOTICE_TOO_SHORT = "SERVICE_END_NOTICE_TOO_SHORT",
  TERMS_VERSION_EXISTS = "TERMS_VERSION_EXISTS",
  TERMS_EFFECTIVE_DATE_PASSED = "TERMS_EFFECTIVE_DATE_PASSED",
  RESELLER_TERMINATED = "RESELLER_TERMINATED",
  RESELLER_NOT_TERMINATED = "RESELLER_NOT_TERMINATED",
  CURE_DEADLINE_TOO_SOON = "CURE_DEADLINE_TOO_SOON",
  CURE_DEADLINE_NOT_PASSED = "CURE_DEADLINE_NOT_PASSED",
  HANDOVER_DEADLINE_TOO_SOON = "HANDOVER_DEADLINE_TOO_SOON",
  ACME_APPLICATION_MISSING = "ACME_APPLICATION_MISSING",
  KEY_ALREADY_ROTATED = "KEY_ALREADY_ROTATED",
  // ACME variant (ACME-1..8)
  ACME_NOT_ENABLED = "ACME_NOT_ENABLED",
  USAGE_FQDN_TAKEN = "USAGE_FQDN_TAKEN",
  USAGE_FQDN_ALREADY_CONTINUED = "USAGE_FQDN_ALREADY_CONTINUED",
  USAGE_FQDN_ENDED = "USAGE_FQDN_ENDED",
  EAB_CREDENTIAL_EXPIRY_INVALID = "EAB_CREDENTIAL_EXPIRY_INVALID",
  // events and webhooks (NOT-1)
  WEBHOOK_URL_NOT_ALLOWED = "WEBHOOK_URL_NOT_ALLOWED",
}

/**
 * The Japanese message of every code: what a reseller's staff read when a service gives no more specific
 * Japanese text (domain rules give their own, naming dates and names). `Record` makes the compiler refuse
 * a code without one; test/api/refusal-messages.test.ts checks each is real Japanese.
 */
export const REFUSAL_MESSAGES_JA: Readonly<Record<RefusalCode, string>> = {
  INVALID_INPUT: "入力内容に誤りがあります。",
  NOT_FOUND: "指定された対象が見つかりません。",
  FORBIDDEN: "この操作を行う権限がありません。",
  CONFLICT: "他の操作と競合しました。状態を確認してからやり直してください。",
  IDEMPOTENCY_KEY_REUSED: "この冪等キーは別の内容の依頼で使われています。新しいキーを指定してください。",
  SUBSCRIBER_NOT_FOUND: "指定された契約者が見つかりません。",
  SUBSCRIBER_DATA_INCOMPLETE: "契約者の登録情報が不足しています（OV/EV 証明書には所在地が必要です）。",
  PRODUCT_NOT_FOUND: "指定された商品が見つかりません。",
  PRODUCT_DISCONTINUED: "この商品は販売を終了しています。",
  TERM_NOT_OFFERED: "この商品では指定された契約期間を選べません。",
  TOO_MANY_NAMES: "この商品で指定できるドメイン名の数を超えています。",
  CONSENT_MISSING: "必要な同意（利用規約、登録情報の利用、個人情報の提供）が揃っていません。",
  TERMS_VERSION_UNKNOWN: "指定された利用規約の版が見つからないか、まだ効力を生じていません。",
  NOT_ELIGIBLE: "この契約者はこの商品の申込条件を満たしていません。",
  DUPLICATE_CERTIFICATE: "同じ商品・同じドメイン名の有効な証明書がすでにあります（更新または再発行をご利用ください）。",
  APPLICATION_STATE: "申請の現在の状態ではこの操作はできません。",
  DOMAIN_CONTROL_NOT_VALIDATED: "ドメイン名の利用権の確認が済んでいません。",
  DOCUMENT_TOO_LARGE: "書類のファイルが大きすぎます。",
  DOCUMENT_TYPE_NOT_ALLOWED: "この形式の書類は受け付けられません。",
  TOO_MANY_DOCUMENTS: "提出できる書類の数を超えています。",
  REISSUE_SUBJECT_CHANGED: "再発行ではコモンネームを変更できません。",
  REISSUE_NAME_CHANGED: "再発行では証明書に記載するドメイン名を変更できません。",
  CARRY_OVER_NOT_ACCEPTED: "引き継ぎ対象の証明書は、当社が認める認証局の有効な証明書ではありません。",
  CARRY_OVER_NOT_APPLICABLE: "この申請には残存期間の引き継ぎを適用できません。",
  CSR_MALFORMED: "CSR を読み取れません。PEM 形式の CSR を指定してください。",
  CSR_SIGNATURE_INVALID: "CSR の署名を検証できません。",
  CSR_KEY_TOO_WEAK: "CSR の鍵長が不足しています。",
  CSR_KEY_ALGORITHM_UNSUPPORTED: "CSR の鍵の種類には対応していません。",
  CSR_NAMES_MISMATCH: "CSR に記載されたドメイン名が申請内容と一致しません。",
  CSR_WILDCARD_NOT_ALLOWED: "この商品では CSR にワイルドカードを含められません。",
  CSR_NAME_NOT_A_LABEL: "CSR のドメイン名の形式が正しくありません。",
  INVALID_HOSTNAME: "ドメイン名の形式が正しくないか、証明書に記載できない名前です。",
  WILDCARD_NOT_ALLOWED: "この商品ではワイルドカードは使えません。",
  REVOCATION_REASON_UNKNOWN: "失効理由が正しくありません。",
  REVOCATION_REASON_NOT_ALLOWED: "この立場では指定された失効理由を選べません。",
  REVOCATION_REASON_NOT_SCHEDULABLE: "この失効理由では月末の失効予約はできません（即時失効となります）。",
  REVOCATION_FINAL: "失効は取り消せません。",
  REVOCATION_ALREADY_WITHDRAWN: "この失効予約はすでに取り下げられています。",
  REVOCATION_ALREADY_SCHEDULED: "この証明書にはすでに失効が予定されています。先に予約を取り下げてください。",
  REVOCATION_NOT_WITHDRAWABLE: "この失効予約は取り下げできません。",
  RATE_LIMITED: "短時間に依頼が集中しています。しばらくしてからやり直してください。",
  RENEWAL_WINDOW_NOT_OPEN: "更新の申請期間はまだ始まっていません。",
  RENEWAL_WINDOW_CLOSED: "更新の申請期間は終わっています。",
  RENEWAL_NOT_ALLOWED: "この契約は更新できません。",
  CONTRACT_ENDED: "この契約はすでに終了しています。",
  CERTIFICATE_EXPIRED: "この証明書は有効期間が満了しています。",
  CERTIFICATE_REVOKED: "この証明書は失効しています。",
  CERTIFICATE_INVALID: "証明書を読み取れないか、条件を満たしていません。",
  CERTIFICATE_VALIDITY_INVALID: "証明書の有効期間が正しくありません。",
  REISSUE_CERTIFICATE_EXPIRED: "有効期間が満了した証明書は再発行できません。",
  TERM_ALREADY_ENDED: "契約期間はすでに終わっています。",
  CERTIFICATE_EXCEEDS_TERM: "証明書の有効期間が契約期間を超えています。",
  MANAGEMENT_NOT_RENEWABLE_SHORT_VALIDITY: "有効期間が 90 日以下の証明書は管理の更新ができません。",
  REPLACEMENT_NOT_NEEDED: "現在の証明書は契約期間の終わりまで有効なため、差し替えは不要です。",
  NOT_AUTO_RENEW: "この契約は自動更新型ではありません。",
  NOT_DURING_TERM: "契約期間中ではないため、この操作はできません。",
  PRICE_NOT_SET: "この商品・期間の価格が設定されていません。",
  RESELLER_SUSPENDED: "指定事業者が利用停止中のため、この操作は受け付けられません。",
  MAINTENANCE_NOT_IN_ADVANCE: "計画メンテナンスは事前に告知してください。",
  SERVICE_END_NOTICE_TOO_SHORT: "サービスの終了は 3 か月以上前に告知してください。",
  TERMS_VERSION_EXISTS: "この版の利用規約はすでに公開されています。",
  TERMS_EFFECTIVE_DATE_PASSED: "効力発生日が過去の日付です。",
  RESELLER_TERMINATED: "指定事業者の契約は終了しています。",
  RESELLER_NOT_TERMINATED: "指定事業者の契約が終了していないため、この操作はできません。",
  CURE_DEADLINE_TOO_SOON: "是正の期限は 30 日以上先の日付にしてください。",
  CURE_DEADLINE_NOT_PASSED: "是正の期限がまだ過ぎていません。",
  HANDOVER_DEADLINE_TOO_SOON: "引き継ぎ情報の提出期限は 10 日以上先の日付にしてください。",
  ACME_APPLICATION_MISSING: "ACME 対応版の利用申込が承認されていません。",
  WEBHOOK_URL_NOT_ALLOWED: "この Webhook の URL は登録できません。",
  PEM_INVALID: "PEM の形式が正しくないか、想定と異なる種類・数のブロックが含まれています。",
  KEY_ALREADY_ROTATED: "この API キーはすでに新しいキーに切り替えられています。",
  CAA_NOT_PERMITTED: "ドメイン名の CAA レコードが当社による発行を許可していません。",
  PRODUCT_CODE_EXISTS: "この商品コードはすでに使われています。",
  PRICE_EFFECTIVE_DATE_PASSED: "価格の適用開始日が過去の日付です。",
  TAX_RATE_DATE_PASSED: "税率の適用開始日が過去の日付です。",
  TAX_RATE_EXISTS: "この日付から適用する税率はすでに登録されています。",
  STATEMENT_NOT_STARTED: "この月の請求明細はまだ始まっていません。",
  PAYMENT_REFERENCE_EXISTS: "この入金の参照番号はすでに登録されています。",
  FEE_NOT_OVERDUE: "この料金はまだ支払期限を過ぎていません。",
  FEE_NOT_ON_STATEMENT: "この料金は指定された請求明細に含まれていません。",
  SUBSCRIBER_CHANGE_PENDING: "この契約者には確認待ちの変更届がすでにあります。",
  SUBSCRIBER_CHANGE_DECIDED: "この変更届はすでに処理済みです。",
  SUCCESSOR_NOT_ALLOWED: "この承継先は指定できません。",
  REISSUE_HOLDER_CHANGED: "証明書の名義人が変わったため、再発行はできません。",
  NAME_IN_DISPUTE: "このドメイン名は紛争中のため、この操作はできません。",
  DISPUTE_CLOSED: "この紛争はすでに終了しています。",
  NAME_NOT_IN_DISPUTE: "このドメイン名は紛争中ではありません。",
  PROHIBITED_CONDUCT_REQUIRED: "禁止事項に当たる行為を指定してください。",
  RESELLER_GROUND_REQUIRED: "指定事業者に対する理由を指定してください。",
  ACME_NOT_ENABLED: "この指定事業者では ACME 対応版が有効になっていません。",
  USAGE_FQDN_TAKEN: "この利用 FQDN はすでに登録されています。",
  USAGE_FQDN_ALREADY_CONTINUED: "この利用 FQDN はすでに継続されています。",
  USAGE_FQDN_ENDED: "この利用 FQDN の利用期間は終了しています。",
  EAB_CREDENTIAL_EXPIRY_INVALID: "外部アカウント連携（EAB）の認証情報の有効期限が正しくありません。",
};

export class RefusalError extends Error {
  /** Never empty: the thrower's own Japanese text, or the code's entry in REFUSAL_MESSAGES_JA. */
  readonly messageJa: string;

  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly field: string | null = null,
    messageJa: string | null = null,
  ) {
    super(message);
    this.name = "RefusalError";
    this.messageJa = messageJa || REFUSAL_MESSAGES_JA[code];
  }
}

/** Turns a domain-rule refusal (`{ ok: false, code, message, messageJa }`) into the error services throw. */
export function fromDomain(
  r: { code: string; message: string; messageJa?: string },
  field: string | null = null,
): RefusalError {
  const code = (RefusalCode as Record<string, string>)[r.code];
  if (code === undefined) throw new Error(`refusal code ${r.code} is not in RefusalCode`);
  return new RefusalError(code as RefusalCode, r.message, field, r.messageJa ?? null);
}

export function refusal(
  code: RefusalCode,
  message: string,
  field: string | null = null,
  messageJa: string | null = null,
): RefusalError {
  return new RefusalError(code, message, field, messageJa);
}
