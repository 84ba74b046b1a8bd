import { EntityManager, EntityNotFoundError } from "typeorm";
import { normalizeHostnames } from "../domain";
import { CSR_PEM_LABELS, PemInputError, checkCsr, strictPemInput } from "../pki";
import { IssuanceMode, Product, ValidationLevel, TermsVersion, requireTermsInForce } from "../products";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { Reseller, ResellerStatus } from "../resellers";
import { Subscriber, SubscriberKind } from "../subscribers";
import { findById, findByIdOrFail, findEachById } from "../db/by-id";
import { isUuid } from "../ids";

/** The checks every kind of application shares; each throws a RefusalError naming its input field. */

export interface ConsentsInput {
  termsVersion: string;
  registrantDataUse: boolean;
  dataSubjects: boolean;
}

/** RES-8, RES-9: a suspended or terminated reseller brokers nothing new. */
export async function requireBrokeringReseller(tx: EntityManager, resellerId: string): Promise<Reseller> {
  return brokeringReseller(await findByIdOrFail(tx, Reseller, resellerId));
}

function brokeringReseller(reseller: Reseller): Reseller {
  if (reseller.status !== ResellerStatus.ACTIVE) {
    throw refusal(
      RefusalCode.RESELLER_SUSPENDED,
      `The reseller is ${reseller.status.toLowerCase()}: new applications and renewals are not accepted.`,
      null,
      "指定事業者の取次が停止されているため、新規申請・更新は受け付けられません。",
    );
  }
  return reseller;
}

/** RES-3: the subscriber must be one the calling reseller manages; anything else is "not found". */
export async function requireOwnSubscriber(
  tx: EntityManager,
  resellerId: string,
  subscriberId: string | null,
  field: string,
): Promise<Subscriber> {
  const s = subscriberId && isUuid(subscriberId) ? await findById(tx, Subscriber, subscriberId) : null;
  return ownSubscriber(s, resellerId, field);
}

function ownSubscriber(s: Subscriber | null, resellerId: string, field: string): Subscriber {
  if (!s || s.resellerId !== resellerId)
    throw refusal(
      RefusalCode.SUBSCRIBER_NOT_FOUND,
      "No such subscriber among yours.",
      field,
      "該当する契約者が見つかりません。",
    );
  return s;
}

function productFor(p: Product | null, mode: IssuanceMode, now: Date): Product {
  if (!p)
    throw refusal(RefusalCode.PRODUCT_NOT_FOUND, "No such product.", "input.productId", "該当する商品がありません。");
  if (p.issuanceMode !== mode) {
    const hint =
      mode === IssuanceMode.BUILT_IN_CA
        ? "use importCertificate for bring-your-own management"
        : "this product is issued by the CA; use submitApplication";
    throw refusal(RefusalCode.PRODUCT_NOT_FOUND, `Product ${p.code} cannot be used here: ${hint}.`, "input.productId");
  }
  // CON-5: a discontinued product takes no new contracts.
  if (p.discontinuedAt && p.discontinuedAt <= now) {
    const message = `Product ${p.code} (${p.nameEn}) has been discontinued: it takes no new applications (CON-5).`;
    throw refusal(
      RefusalCode.PRODUCT_DISCONTINUED,
      message,
      "input.productId",
      `商品「${p.nameJa}」（${p.code}）の提供は終了しました。`,
    );
  }
  return p;
}

/**
 * What a new application or import stands on, read in one statement (issue 11) and checked in this
 * order: the calling reseller brokers (RES-8, RES-9), the subscriber is its own (RES-3), and the product
 * is sold in `mode` (CON-5).
 */
export async function requireApplicationParties(
  tx: EntityManager,
  x: { resellerId: string; subscriberId: string | null; productId: string | null; mode: IssuanceMode; now: Date },
): Promise<{ reseller: Reseller; subscriber: Subscriber; product: Product }> {
  const [reseller, subscriber, product] = await findEachById(tx, [
    [Reseller, x.resellerId],
    [Subscriber, x.subscriberId && isUuid(x.subscriberId) ? x.subscriberId : null],
    [Product, x.productId && isUuid(x.productId) ? x.productId : null],
  ]);
  if (!reseller) throw new EntityNotFoundError(Reseller, { id: x.resellerId });
  return {
    reseller: brokeringReseller(reseller),
    subscriber: ownSubscriber(subscriber, x.resellerId, "input.subscriberId"),
    product: productFor(product, x.mode, x.now),
  };
}

export function requireTerm(product: Product, termMonths: number | null | undefined): number | null {
  if (termMonths == null) {
    if (product.unlimitedTerm) return null;
  } else if (product.termMonths.includes(termMonths)) {
    return termMonths;
  }
  const offered = [...product.termMonths.map(String), ...(product.unlimitedTerm ? ["unlimited"] : [])].join(", ");
  throw refusal(
    RefusalCode.TERM_NOT_OFFERED,
    `Product ${product.code} offers terms of ${offered} months.`,
    "input.termMonths",
    "指定の契約期間は選べません。",
  );
}

/**
 * APP-1, NOT-5: the terms version agreed to, the registrant's consent and the data subjects' consent.
 * @rule APP-1
 */
export async function requireConsents(tx: EntityManager, consents: ConsentsInput, now: Date): Promise<TermsVersion> {
  const version = await requireTermsInForce(tx, consents.termsVersion, now);
  if (!consents.registrantDataUse)
    throw refusal(
      RefusalCode.CONSENT_MISSING,
      "The domain registrant's consent to the use of registration data is required (APP-1).",
      "input.consents.registrantDataUse",
      "登録者情報の利用についてドメイン名登録者の同意が必要です。",
    );
  if (!consents.dataSubjects)
    throw refusal(
      RefusalCode.CONSENT_MISSING,
      "Every person whose personal data is supplied must have consented (APP-1).",
      "input.consents.dataSubjects",
      "個人情報の本人の同意が必要です。",
    );
  return version;
}

/**
 * APP-5: eligibility limits of the product; OV/EV also need the data that goes into the certificate.
 * @rule APP-5
 */
export function requireEligible(product: Product, subscriber: Subscriber): void {
  if (product.organizationsOnly && subscriber.kind !== SubscriberKind.ORGANIZATION) {
    throw refusal(
      RefusalCode.NOT_ELIGIBLE,
      `Product ${product.code} is for organisations only (APP-5).`,
      "input.subscriberId",
      "この商品は法人・団体のみお申し込みいただけます。",
    );
  }
  if (product.japanBaseRequired && subscriber.country !== "JP") {
    throw refusal(
      RefusalCode.NOT_ELIGIBLE,
      `Product ${product.code} needs a base in Japan (APP-5).`,
      "input.subscriberId",
      "この商品は日本国内に拠点がある方のみお申し込みいただけます。",
    );
  }
  if (
    product.validationLevel !== ValidationLevel.DV &&
    product.validationLevel !== null &&
    !subscriber.locality &&
    !subscriber.stateOrProvince
  ) {
    throw refusal(
      RefusalCode.SUBSCRIBER_DATA_INCOMPLETE,
      "OV/EV certificates name the organisation's locality or prefecture: set them on the subscriber first.",
      "input.subscriberId",
    );
  }
}

/** Names in A-label form, wildcards only where the product allows (APP-10), at most the product's maximum. */
export function requireNames(product: Product, names: string[], field = "input.names"): string[] {
  const r = normalizeHostnames(names, { allowWildcard: product.wildcardAllowed });
  if (!r.ok) {
    const at = `${field}[${r.index}]`;
    if (r.code === "HOSTNAME_WILDCARD_NOT_ALLOWED")
      throw refusal(
        RefusalCode.WILDCARD_NOT_ALLOWED,
        `Product ${product.code} does not allow wildcard names.`,
        at,
        "この商品ではワイルドカードは使えません。",
      );
    throw refusal(RefusalCode.INVALID_HOSTNAME, r.message, at, r.messageJa);
  }
  if (r.names.length > product.maxNames)
    throw refusal(
      RefusalCode.TOO_MANY_NAMES,
      `Product ${product.code} allows at most ${product.maxNames} names.`,
      field,
    );
  return [...r.names];
}

/** APP-10: the CSR's signature, key, and names exactly as applied for. Returns the CSR as DER. */
export function requireCsr(product: Product, csr: string, names: string[]): Buffer {
  const [der] = requirePem(csr, CSR_PEM_LABELS, "input.csr");
  const r = checkCsr(der, { names, wildcardAllowed: product.wildcardAllowed });
  if (!r.ok) throw fromDomain({ code: r.code, message: r.message }, "input.csr");
  return der;
}

/**
 * PEM inputs are exactly what they claim (issue "hold under load"): one block of the expected label
 * (several for a chain) and nothing else but whitespace, or bare base64 DER. Trailing junk or a second
 * CSR is refused with PEM_INVALID instead of silently using the first block.
 */
export function requirePem(text: string, labels: readonly string[], field: string, many = false): Buffer[] {
  try {
    return strictPemInput(text, labels, many);
  } catch (e) {
    if (!(e instanceof PemInputError)) throw e;
    throw refusal(
      RefusalCode.PEM_INVALID,
      `${field}: ${e.message}.`,
      field,
      `${field}: PEM形式が正しくありません（${labels.join("・")}のブロックのみを指定してください）。`,
    );
  }
}
