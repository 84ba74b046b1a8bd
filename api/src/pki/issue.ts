import { createHash } from "node:crypto";
import { publicKeyFromSpki } from "./public-key";
import { buildCertificate, wholeSeconds } from "./certificate-builder";
import { assertSignerMatches, issuerContext } from "./certificate-der";
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  certificatePolicies,
  crlDistributionPoints,
  extKeyUsage,
  keyIdentifierFor,
  keyUsage,
  OID,
  subjectAltNameDns,
  subjectKeyIdentifier,
  type KeyUsageBit,
} from "./extensions";
import { sequence } from "./der";
import { encodeName, formatName, type NameInput } from "./names";
import { toPem } from "./pem";
import type { Signer } from "./signer";

export { newSerialHex } from "./serial";

export type ValidationLevel = "DV" | "OV" | "EV";

export const POLICY_OID: Record<ValidationLevel, string> = { DV: OID.policyDV, OV: OID.policyOV, EV: OID.policyEV };

export interface ServerCertificateSubject {
  commonName: string;
  organization?: string;
  locality?: string;
  stateOrProvince?: string;
  country?: string;
  /** EV only (BR/EV Guidelines 7.1.4.2); written only when given. */
  businessCategory?: string;
  jurisdictionCountry?: string;
  jurisdictionStateOrProvince?: string;
  jurisdictionLocality?: string;
  /** EV: the registration number of the organisation. */
  serialNumber?: string;
}

export interface IssueServerCertificateInput {
  issuer: { certDer: Buffer; signer: Signer };
  subjectPublicKeySpki: Buffer;
  serialHex: string;
  /** A-labels; `checkCsr` returns them in this form. The certificate's SAN lists them in this order. */
  names: string[];
  subject: ServerCertificateSubject;
  validationLevel: ValidationLevel;
  notBefore: Date;
  notAfter: Date;
  urls: { crlUrl: string; ocspUrl: string; caIssuersUrl: string };
  /**
   * The longest validity the linter lets through, in days. Default: the VAL-7 table in force at notBefore.
   * Only tests that stand in for another CA, issuing under older rules, raise it; BR's 398 stays the ceiling.
   */
  maxValidityDays?: number;
  /** Lint ids the pre-signing linter reports instead of refusing; only for certificates no relying party outside this host sees. */
  ignoredLints?: string[];
}

export interface IssuedCertificate {
  der: Buffer;
  pem: string;
  serialHex: string;
  /** SHA-256 of the DER, lower-case hex without separators. */
  sha256Fingerprint: string;
  /** The subject and issuer as `parseCertificate` shows them, from the names just written (no parse of the result). */
  subjectDn: string;
  issuerDn: string;
}

const UB_COMMON_NAME = 64;
const EMPTY_NAME = sequence();

function subjectName(input: IssueServerCertificateInput): Buffer {
  const s = input.subject;
  if (s.commonName.toLowerCase() !== input.names[0].toLowerCase()) {
    throw new Error(`subject CN ${s.commonName} must be the first name, ${input.names[0]}`);
  }
  // RFC 5280 ub-common-name is 64 characters while a dNSName may have 253: a longer first name is left
  // out of the subject and lives in the SAN alone (BR 7.1.4.3 makes the CN optional).
  const name: NameInput = input.names[0].length <= UB_COMMON_NAME ? { commonName: input.names[0] } : {};
  if (input.validationLevel === "DV") return name.commonName ? encodeName(name) : EMPTY_NAME;
  // OV/EV: the organisation's identity is what the validation established (BR 7.1.4.2).
  if (!s.organization || !s.country)
    throw new Error(`${input.validationLevel} certificates need organization and country`);
  if (!s.locality && !s.stateOrProvince)
    throw new Error(`${input.validationLevel} certificates need locality or stateOrProvince`);
  Object.assign(name, { organization: s.organization, country: s.country });
  if (s.locality) name.locality = s.locality;
  if (s.stateOrProvince) name.stateOrProvince = s.stateOrProvince;
  if (input.validationLevel === "EV") {
    for (const key of [
      "businessCategory",
      "jurisdictionCountry",
      "jurisdictionStateOrProvince",
      "jurisdictionLocality",
      "serialNumber",
    ] as const) {
      if (s[key]) name[key] = s[key];
    }
  }
  return encodeName(name);
}

/**
 * A TLS server certificate signed by the issuing CA through its Signer. The issuer name is the issuing
 * CA's subject byte for byte; the public key is the CSR's SubjectPublicKeyInfo as given.
 */
export async function issueServerCertificate(input: IssueServerCertificateInput): Promise<IssuedCertificate> {
  if (input.names.length === 0) throw new Error("a certificate needs at least one name");
  const issuer = issuerContext(input.issuer.certDer);
  assertSignerMatches(issuer, input.issuer.signer.publicKeySpki);
  const subjectKey = publicKeyFromSpki(input.subjectPublicKeySpki);
  const usage: KeyUsageBit[] =
    subjectKey.asymmetricKeyType === "rsa" ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
  const subject = subjectName(input);
  const { der, serialHex } = await buildCertificate({
    signer: input.issuer.signer,
    issuerName: issuer.subjectName,
    serialHex: input.serialHex,
    notBefore: wholeSeconds(input.notBefore),
    notAfter: wholeSeconds(input.notAfter),
    subjectName: subject,
    subjectPublicKeySpki: input.subjectPublicKeySpki,
    extensions: [
      basicConstraints(false),
      keyUsage(usage),
      extKeyUsage([OID.serverAuth]),
      subjectKeyIdentifier(keyIdentifierFor(input.subjectPublicKeySpki)),
      authorityKeyIdentifier(issuer.keyId),
      // RFC 5280 4.2.1.6: critical exactly when the subject is empty.
      subjectAltNameDns(input.names, subject.equals(EMPTY_NAME)),
      certificatePolicies([POLICY_OID[input.validationLevel]]),
      crlDistributionPoints([input.urls.crlUrl]),
      authorityInfoAccess({ ocsp: [input.urls.ocspUrl], caIssuers: [input.urls.caIssuersUrl] }),
    ],
    profile: {
      kind: "subscriber",
      issuer: { subjectName: issuer.subjectName, spki: issuer.spki, keyId: issuer.keyId },
      names: input.names,
      validationLevel: input.validationLevel,
      ...(input.maxValidityDays !== undefined && { maxValidityDays: input.maxValidityDays }),
      ...(input.ignoredLints && { ignoredLints: input.ignoredLints }),
    },
  });
  return {
    der,
    pem: toPem(der, "CERTIFICATE"),
    serialHex,
    sha256Fingerprint: createHash("sha256").update(der).digest("hex"),
    subjectDn: formatName(subject),
    issuerDn: formatName(issuer.subjectName),
  };
}
