import { maxLifetimeDays, validityPeriodDays } from "../../domain/lifetime";
import type { IssuerFacts } from "./common";
import type { Findings } from "./lint-error";

/**
 * The subscriber-certificate rules that do not depend on how the TBS was decoded: both the full walk
 * (certificate-lint.ts, @peculiar/asn1-x509) and the in-place reading of the one shape this CA writes
 * (plain-subscriber-tbs.ts) hand them plain values, so each rule is written once.
 */

/** BR 6.3.2: the absolute ceiling, whatever the VAL-7 table says. */
const BR_MAX_VALIDITY_DAYS = 398;

/** BR 7.1.6.1 reserved policy identifiers. */
export const BR_POLICY = {
  DV: "2.23.140.1.2.1",
  OV: "2.23.140.1.2.2",
  EV: "2.23.140.1.1",
  IV: "2.23.140.1.2.3",
} as const;

/** AIA access methods (RFC 5280 4.2.2.1). */
export const ACCESS_METHOD = { ocsp: "1.3.6.1.5.5.7.48.1", caIssuers: "1.3.6.1.5.5.7.48.2" } as const;

export type ValidationLevel = "DV" | "OV" | "EV";

export interface SubscriberProfile {
  kind: "subscriber";
  issuer: IssuerFacts;
  /** The approved names (A-labels): the SAN must list exactly these. */
  names: readonly string[];
  validationLevel: ValidationLevel;
  /** VAL-7 maximum in days; default: the table in force at notBefore (domain/lifetime), never above 398. */
  maxValidityDays?: number;
  /** Products that include TLS client authentication; none does today (we emit serverAuth only). */
  clientAuth?: boolean;
  /** Lint ids reported as warnings instead of refusing (Boulder's IgnoredLints): named by the caller, never by default. */
  ignoredLints?: readonly string[];
}

const CN = "2.5.4.3";
const IDENTITY_ATTRIBUTES = new Set(["2.5.4.10", "2.5.4.11", "2.5.4.7", "2.5.4.8", "2.5.4.9", "2.5.4.17", "2.5.4.5"]);
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A dNSName as BR 7.1.4.2.1 allows it: LDH labels (A-labels for IDNs), optionally a leftmost "*", no trailing dot. */
function dnsNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253) return "length";
  const labels = name.toLowerCase().split(".");
  if (labels.length < 2) return "not fully qualified";
  const [first, ...rest] = labels;
  if (first === "*" && rest.length < 2) return "wildcard directly under a public suffix-like label";
  for (const [i, label] of labels.entries()) {
    if (i === 0 && label === "*") continue;
    if (!LDH_LABEL.test(label)) return `label ${JSON.stringify(label)} is not LDH`;
    if (label.length >= 4 && label[2] === "-" && label[3] === "-" && !label.startsWith("xn--"))
      return `label ${label} has hyphens in positions 3-4 (R-LDH reserved)`;
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return "all-numeric TLD (an IP address?)";
  return undefined;
}

/** BR 7.1: ≥ 64 bits from a CSPRNG; we cannot measure entropy, but fewer than 8 octets cannot hold it. */
export function checkSerialEntropy(f: Findings, content: Buffer): void {
  f.check(
    content.length >= 8,
    "e_serial_low_entropy",
    `serialNumber has ${content.length} octets; 64 bits of entropy need at least 8`,
  );
}

/** VAL-7 table (BR 6.3.2), counted inclusively the BR way; called when notBefore < notAfter. */
export function checkValidityPeriod(
  f: Findings,
  notBefore: Date,
  notAfter: Date,
  profileMaxDays: number | undefined,
): void {
  let max = profileMaxDays;
  if (max === undefined) {
    try {
      max = maxLifetimeDays(notBefore);
    } catch {
      max = BR_MAX_VALIDITY_DAYS;
    }
  }
  max = Math.min(max, BR_MAX_VALIDITY_DAYS);
  const days = validityPeriodDays(notBefore, notAfter);
  f.check(
    days <= max,
    "e_validity_too_long",
    `validity of ${days} days; at most ${max} are allowed at ${notBefore.toISOString()}`,
  );
}

/** SAN dNSNames (BR 7.1.2.7.12): present, valid, listed once, exactly the approved names. */
export function checkSanNames(f: Findings, sanNames: readonly string[], approvedNames: readonly string[]): void {
  f.check(sanNames.length > 0, "e_san_empty", "subjectAltName has no names");
  for (const n of sanNames) {
    const problem = dnsNameProblem(n);
    if (problem) f.error("e_san_dns_name_invalid", `${JSON.stringify(n)}: ${problem}`);
  }
  f.check(
    new Set(sanNames.map((n) => n.toLowerCase())).size === sanNames.length,
    "e_san_duplicate_name",
    "subjectAltName lists a name twice",
  );
  const approved = new Set(approvedNames.map((n) => n.toLowerCase()));
  const listed = new Set(sanNames.map((n) => n.toLowerCase()));
  for (const n of listed) f.check(approved.has(n), "e_san_name_not_approved", `${n} is not an approved name`);
  for (const n of approved)
    f.check(listed.has(n), "e_san_approved_name_missing", `approved name ${n} is not in subjectAltName`);
}

/** RFC 5280 4.2.1.6: the SAN is critical exactly when the subject is empty. */
export function checkSanCriticality(f: Findings, critical: boolean, subjectEmpty: boolean): void {
  f.check(
    critical === subjectEmpty,
    "e_san_criticality",
    subjectEmpty
      ? "subjectAltName must be critical when the subject is empty"
      : "subjectAltName must not be critical when the subject is not empty",
  );
}

/** Subject (BR 7.1.4.2): CN, if present, exactly one of the SANs; DV names no organisation; OV/EV name one. */
export function checkSubjectAttributes(
  f: Findings,
  attrs: ReadonlyArray<{ type: string; value: string }>,
  sanNames: readonly string[],
  level: ValidationLevel,
): void {
  const cns = attrs.filter((a) => a.type === CN);
  f.check(cns.length <= 1, "e_subject_multiple_cn", `${cns.length} commonName attributes`);
  for (const cn of cns)
    f.check(
      sanNames.includes(cn.value),
      "e_subject_cn_not_in_san",
      `commonName ${JSON.stringify(cn.value)} is not one of the SAN entries`,
    );
  if (level === "DV") {
    const extra = attrs.filter((a) => IDENTITY_ATTRIBUTES.has(a.type));
    f.check(
      extra.length === 0,
      "e_subject_dv_has_identity",
      `a DV subject names ${extra.map((a) => a.type).join(", ")}`,
    );
  } else {
    const has = (oid: string) => attrs.some((a) => a.type === oid);
    f.check(
      has("2.5.4.10") && has("2.5.4.6"),
      "e_subject_org_missing",
      `${level} subjects need organizationName and countryName`,
    );
    f.check(
      has("2.5.4.7") || has("2.5.4.8"),
      "e_subject_locality_missing",
      `${level} subjects need localityName or stateOrProvinceName`,
    );
  }
}
