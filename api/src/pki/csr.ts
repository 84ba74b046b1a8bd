import { readCertificateParts } from "./certificate-der";
import { verify as cryptoVerify, type KeyObject } from "node:crypto";
import { publicKeyFromSpki } from "./public-key";
import { childrenOf, expectTag, readBitStringBytes, readOid, readWhole, TAG } from "./der";
import { OID, readExtensions, readSubjectAltNames } from "./extensions";
import { OID_COMMON_NAME, readName } from "./names";
import { derFromPemOrDer } from "./pem";
import { toALabels } from "../domain/hostnames";
import type { KeyAlgorithm } from "./signer";

/** APP-10 refusals, one code per reason. */
type CsrRefusalCode =
  | "CSR_MALFORMED"
  | "CSR_SIGNATURE_INVALID"
  | "CSR_KEY_TOO_WEAK"
  | "CSR_KEY_ALGORITHM_UNSUPPORTED"
  | "CSR_NAMES_MISMATCH"
  | "CSR_WILDCARD_NOT_ALLOWED"
  | "CSR_NAME_NOT_A_LABEL";

export type CsrCheckResult =
  | { ok: true; publicKeySpki: Buffer; keyAlgorithm: KeyAlgorithm; names: string[] }
  | { ok: false; code: CsrRefusalCode; message: string };

export interface CsrExpectation {
  /** The names applied for (A-labels); the first is the one the certificate's CN will carry. */
  names: string[];
  wildcardAllowed: boolean;
}

const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const MAX_CSR_BYTES = 64 * 1024;

/** Signature algorithms accepted on CSRs: PKCS #1 v1.5 RSA and ECDSA with SHA-2. */
const SIGNATURE_ALGORITHMS: Record<string, { hash: string; keyType: "rsa" | "ec" }> = {
  "1.2.840.113549.1.1.11": { hash: "sha256", keyType: "rsa" },
  "1.2.840.113549.1.1.12": { hash: "sha384", keyType: "rsa" },
  "1.2.840.113549.1.1.13": { hash: "sha512", keyType: "rsa" },
  "1.2.840.10045.4.3.2": { hash: "sha256", keyType: "ec" },
  "1.2.840.10045.4.3.3": { hash: "sha384", keyType: "ec" },
  "1.2.840.10045.4.3.4": { hash: "sha512", keyType: "ec" },
};

const refuse = (code: CsrRefusalCode, message: string): CsrCheckResult => ({ ok: false, code, message });

interface ParsedCsr {
  info: Buffer;
  spki: Buffer;
  subjectName: Buffer;
  extensionRequest?: Buffer;
  signatureAlgorithmOid: string;
  signature: Buffer;
}

function parseCsr(der: Buffer): ParsedCsr {
  const [infoEl, algEl, sigEl, ...extra] = childrenOf(readWhole(der, TAG.SEQUENCE));
  if (extra.length) throw new Error("extra elements after the signature");
  const info = expectTag(infoEl, TAG.SEQUENCE, "certificationRequestInfo");
  const [version, subject, spki, attributes] = childrenOf(info);
  if (expectTag(version, TAG.INTEGER, "version").value.toString("hex") !== "00")
    throw new Error("unsupported CSR version");
  expectTag(subject, TAG.SEQUENCE, "subject");
  expectTag(spki, TAG.SEQUENCE, "subjectPKInfo");
  let extensionRequest: Buffer | undefined;
  if (attributes) {
    if (attributes.tag !== 0xa0) throw new Error("bad attributes");
    for (const attribute of childrenOf(attributes)) {
      const [type, values] = childrenOf(attribute);
      if (readOid(type) !== OID_EXTENSION_REQUEST) continue;
      const [first] = childrenOf(expectTag(values, TAG.SET, "attribute values"));
      extensionRequest = expectTag(first, TAG.SEQUENCE, "extensionRequest").raw;
    }
  }
  const [algOid] = childrenOf(expectTag(algEl, TAG.SEQUENCE, "signatureAlgorithm"));
  return {
    info: info.raw,
    spki: spki.raw,
    subjectName: subject.raw,
    ...(extensionRequest && { extensionRequest }),
    signatureAlgorithmOid: readOid(algOid),
    signature: readBitStringBytes(expectTag(sigEl, TAG.BIT_STRING, "signature")),
  };
}

/** Names checked one by one: ASCII A-labels only (an IDN must arrive as xn--…), wildcard only as the whole left-most label. */
function checkName(name: string, wildcardAllowed: boolean): CsrCheckResult | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    const aLabel = toALabels(name);
    return refuse(
      "CSR_NAME_NOT_A_LABEL",
      `${JSON.stringify(name)} is not in A-label form${aLabel ? ` (use ${aLabel})` : ""}`,
    );
  }
  const isWildcard = name.startsWith("*.");
  if (name.slice(isWildcard ? 2 : 0).includes("*")) {
    return refuse(
      "CSR_WILDCARD_NOT_ALLOWED",
      `${JSON.stringify(name)}: a wildcard may only be the whole left-most label`,
    );
  }
  if (isWildcard && !wildcardAllowed)
    return refuse("CSR_WILDCARD_NOT_ALLOWED", `wildcard name ${name} is not allowed for this product`);
  const base = isWildcard ? name.slice(2) : name;
  if (toALabels(base) !== base.toLowerCase()) {
    return refuse("CSR_NAME_NOT_A_LABEL", `${JSON.stringify(name)} is not a valid DNS name in A-label form`);
  }
  return undefined;
}

function classifyKey(key: KeyObject): { algorithm?: KeyAlgorithm; refusal?: CsrCheckResult } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    const e = details.publicExponent ?? 0n;
    if (bits < 2048)
      return { refusal: refuse("CSR_KEY_TOO_WEAK", `RSA key of ${bits} bits; at least 2048 are required`) };
    if (e < 3n || e % 2n === 0n)
      return { refusal: refuse("CSR_KEY_TOO_WEAK", `RSA public exponent ${e} is not an odd number of 3 or more`) };
    if (bits === 2048 || bits === 3072 || bits === 4096) return { algorithm: `RSA_${bits}` as KeyAlgorithm };
    return { refusal: refuse("CSR_KEY_ALGORITHM_UNSUPPORTED", `RSA key of ${bits} bits; use 2048, 3072 or 4096`) };
  }
  if (key.asymmetricKeyType === "ec") {
    if (details.namedCurve === "prime256v1") return { algorithm: "ECDSA_P256" };
    if (details.namedCurve === "secp384r1") return { algorithm: "ECDSA_P384" };
    return {
      refusal: refuse(
        "CSR_KEY_ALGORITHM_UNSUPPORTED",
        `ECDSA curve ${details.namedCurve ?? "(explicit parameters)"}; use P-256 or P-384`,
      ),
    };
  }
  return {
    refusal: refuse(
      "CSR_KEY_ALGORITHM_UNSUPPORTED",
      `${key.asymmetricKeyType ?? "unknown"} keys are not accepted; use RSA ≥ 2048 bits, ECDSA P-256 or P-384`,
    ),
  };
}

/**
 * APP-10: a CSR is accepted only if it parses, its self-signature verifies, its key is RSA ≥ 2048 bits
 * (2048/3072/4096) or ECDSA P-256/P-384, its names are A-labels, wildcards appear only where the product
 * allows them, and the set of names it carries (SAN dNSNames plus the subject CN, if any) equals the set
 * applied for, ignoring case. The subject's other attributes are ignored: the CA writes its own subject.
 * @rule APP-10
 */
export function checkCsr(input: string | Buffer, expect: CsrExpectation): CsrCheckResult {
  let csr: ParsedCsr;
  let key: KeyObject;
  try {
    const der = derFromPemOrDer(input, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
    if (der.length > MAX_CSR_BYTES) return refuse("CSR_MALFORMED", "CSR is too large");
    csr = parseCsr(der);
  } catch (err) {
    return refuse("CSR_MALFORMED", `not a PKCS #10 certificate request: ${(err as Error).message}`);
  }
  try {
    key = publicKeyFromSpki(csr.spki);
  } catch {
    return refuse(
      "CSR_KEY_ALGORITHM_UNSUPPORTED",
      "the CSR's public key cannot be read (unknown algorithm or explicit curve parameters)",
    );
  }
  if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec") return classifyKey(key).refusal!;

  const sigAlg = SIGNATURE_ALGORITHMS[csr.signatureAlgorithmOid];
  if (!sigAlg)
    return refuse(
      "CSR_SIGNATURE_INVALID",
      `signature algorithm ${csr.signatureAlgorithmOid} is not accepted (use SHA-256/384/512 with RSA PKCS #1 v1.5 or ECDSA)`,
    );
  if (sigAlg.keyType !== key.asymmetricKeyType)
    return refuse("CSR_SIGNATURE_INVALID", "signature algorithm does not match the key");
  let valid: boolean;
  try {
    valid = cryptoVerify(sigAlg.hash, csr.info, { key, dsaEncoding: "der" }, csr.signature);
  } catch {
    valid = false;
  }
  if (!valid) return refuse("CSR_SIGNATURE_INVALID", "the CSR's signature does not verify with its public key");

  const { algorithm, refusal } = classifyKey(key);
  if (refusal) return refusal;

  let dnsNames: string[] = [];
  let otherNames: string[] = [];
  let commonNames: string[];
  try {
    commonNames = readName(csr.subjectName)
      .filter((a) => a.oid === OID_COMMON_NAME)
      .map((a) => a.value);
    if (csr.extensionRequest) {
      const san = readExtensions(readWhole(csr.extensionRequest, TAG.SEQUENCE)).get(OID.subjectAltName);
      if (san) ({ dnsNames, otherNames } = readSubjectAltNames(san.value));
    }
  } catch (err) {
    return refuse("CSR_MALFORMED", `cannot read the CSR's names: ${(err as Error).message}`);
  }

  for (const name of [...dnsNames, ...commonNames]) {
    const problem = checkName(name, expect.wildcardAllowed);
    if (problem) return problem;
  }
  if (otherNames.length)
    return refuse("CSR_NAMES_MISMATCH", `the CSR asks for names other than DNS names: ${otherNames.join(", ")}`);

  const applied = [...new Set(expect.names.map((n) => n.toLowerCase()))];
  const inCsr = new Set([...dnsNames, ...commonNames].map((n) => n.toLowerCase()));
  const appliedSet = new Set(applied);
  const extra = [...inCsr].filter((n) => !appliedSet.has(n));
  const missing = applied.filter((n) => !inCsr.has(n));
  if (applied.length === 0 || extra.length || missing.length) {
    const parts = [
      extra.length ? `not applied for: ${extra.join(", ")}` : "",
      missing.length ? `missing from the CSR: ${missing.join(", ")}` : "",
      applied.length === 0 ? "no names applied for" : "",
    ].filter(Boolean);
    return refuse("CSR_NAMES_MISMATCH", `the CSR's names differ from the names applied for (${parts.join("; ")})`);
  }
  return { ok: true, publicKeySpki: Buffer.from(csr.spki), keyAlgorithm: algorithm!, names: applied };
}

/**
 * REV-5 proof of possession: a CSR whose self-signature verifies was made by whoever holds its
 * private key. True when such a CSR carries exactly the public key of `certificateDer`.
 */
export function csrProvesKeyOf(csrInput: string | Buffer, certificateDer: Buffer): boolean {
  try {
    const csr = parseCsr(derFromPemOrDer(csrInput, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]));
    const key = publicKeyFromSpki(csr.spki);
    const sigAlg = SIGNATURE_ALGORITHMS[csr.signatureAlgorithmOid];
    if (!sigAlg || sigAlg.keyType !== key.asymmetricKeyType) return false;
    if (!cryptoVerify(sigAlg.hash, csr.info, { key, dsaEncoding: "der" }, csr.signature)) return false;
    return Buffer.from(csr.spki).equals(readCertificateParts(certificateDer).spki);
  } catch {
    return false;
  }
}
