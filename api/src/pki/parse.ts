import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { readCertificateParts, type CertificateParts } from "./certificate-der";
import { keyUsageHas, OID, readBasicConstraints, readPolicyOids, readSubjectAltNames } from "./extensions";
import { formatName, OID_COMMON_NAME, OID_ORGANIZATION, readName } from "./names";
import { pemBlocks, looksLikePem, toPem } from "./pem";
import { keyAlgorithmOf, type KeyAlgorithm } from "./signer";

export { toPem };

export interface ParsedCertificate {
  der: Buffer;
  serialHex: string;
  /** SHA-256 of the DER, lower-case hex without separators. */
  sha256Fingerprint: string;
  /** "C=JP, O=Example, CN=shop.akashi-demo.jp" (attributes in certificate order). */
  subject: string;
  issuer: string;
  /** The issuer's CN and O, for showing the issuer by name rather than as a DN. */
  issuerCommonName?: string;
  issuerOrganization?: string;
  commonName?: string;
  organization?: string;
  /** DV, OV or EV from the CA/Browser Forum policy identifier the certificate asserts; undefined if none. */
  validationLevel?: "DV" | "OV" | "EV";
  /** SAN dNSNames (lower-case); the CN only when the certificate has no SAN at all. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** Undefined for key types the CA does not use. */
  keyAlgorithm?: KeyAlgorithm;
}

export class CertificateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CertificateParseError";
  }
}

const LEVEL_BY_POLICY: Record<string, "DV" | "OV" | "EV"> = {
  [OID.policyDV]: "DV",
  [OID.policyOV]: "OV",
  [OID.policyEV]: "EV",
};

function validationLevelOf(parts: CertificateParts): "DV" | "OV" | "EV" | undefined {
  const ext = parts.extensions.get(OID.certificatePolicies);
  if (!ext) return undefined;
  try {
    return readPolicyOids(ext.value)
      .map((p) => LEVEL_BY_POLICY[p])
      .find((l) => l !== undefined);
  } catch {
    return undefined;
  }
}

function describe(parts: CertificateParts): ParsedCertificate {
  const subjectAttributes = readName(parts.subjectName);
  const issuerAttributes = readName(parts.issuerName);
  const issuerCommonName = issuerAttributes.find((a) => a.oid === OID_COMMON_NAME)?.value;
  const issuerOrganization = issuerAttributes.find((a) => a.oid === OID_ORGANIZATION)?.value;
  const validationLevel = validationLevelOf(parts);
  const commonName = subjectAttributes.find((a) => a.oid === OID_COMMON_NAME)?.value;
  const organization = subjectAttributes.find((a) => a.oid === OID_ORGANIZATION)?.value;
  const san = parts.extensions.get(OID.subjectAltName);
  const names = san
    ? readSubjectAltNames(san.value).dnsNames.map((n) => n.toLowerCase())
    : commonName
      ? [commonName.toLowerCase()]
      : [];
  const bc = parts.extensions.get(OID.basicConstraints);
  let keyAlgorithm: KeyAlgorithm | undefined;
  try {
    keyAlgorithm = keyAlgorithmOf(createPublicKey({ key: parts.spki, format: "der", type: "spki" }));
  } catch {
    keyAlgorithm = undefined;
  }
  return {
    der: parts.der,
    serialHex: parts.serialHex,
    sha256Fingerprint: createHash("sha256").update(parts.der).digest("hex"),
    subject: formatName(parts.subjectName),
    issuer: formatName(parts.issuerName),
    ...(issuerCommonName !== undefined && { issuerCommonName }),
    ...(issuerOrganization !== undefined && { issuerOrganization }),
    ...(commonName !== undefined && { commonName }),
    ...(validationLevel !== undefined && { validationLevel }),
    ...(organization !== undefined && { organization }),
    names: [...new Set(names)],
    notBefore: parts.notBefore,
    notAfter: parts.notAfter,
    isCa: bc ? readBasicConstraints(bc.value).ca : false,
    ...(keyAlgorithm && { keyAlgorithm }),
  };
}

function partsOf(der: Buffer): CertificateParts {
  try {
    return readCertificateParts(Buffer.from(der));
  } catch (err) {
    throw new CertificateParseError(`not an X.509 certificate: ${(err as Error).message}`);
  }
}

/** One certificate from PEM (the first CERTIFICATE block) or DER. Throws CertificateParseError. */
export function parseCertificate(pemOrDer: string | Buffer): ParsedCertificate {
  let der: Buffer;
  if (looksLikePem(pemOrDer)) {
    const text = typeof pemOrDer === "string" ? pemOrDer : pemOrDer.toString("latin1");
    let blocks;
    try {
      blocks = pemBlocks(text).filter((b) => b.label === "CERTIFICATE");
    } catch (err) {
      throw new CertificateParseError((err as Error).message);
    }
    if (!blocks[0]) throw new CertificateParseError("no CERTIFICATE block in the PEM");
    der = blocks[0].der;
  } else if (typeof pemOrDer === "string") {
    throw new CertificateParseError("expected a PEM certificate or DER bytes");
  } else der = pemOrDer;
  return describe(partsOf(der));
}

/** Every CERTIFICATE block of a PEM text, in order (leaf first, as servers send them). */
export function parseCertificateChain(pem: string): ParsedCertificate[] {
  let blocks;
  try {
    blocks = pemBlocks(pem).filter((b) => b.label === "CERTIFICATE");
  } catch (err) {
    throw new CertificateParseError((err as Error).message);
  }
  if (blocks.length === 0) throw new CertificateParseError("no CERTIFICATE block in the PEM");
  return blocks.map((b) => describe(partsOf(b.der)));
}

interface Node {
  parts: CertificateParts;
  x509: X509Certificate;
}

function node(der: Buffer): Node | undefined {
  try {
    return { parts: readCertificateParts(Buffer.from(der)), x509: new X509Certificate(der) };
  } catch {
    return undefined;
  }
}

const validAt = (n: Node, now: Date) =>
  n.parts.notBefore.getTime() <= now.getTime() && now.getTime() <= n.parts.notAfter.getTime();

/** May `issuer` have signed `child`: names equal, issuer is a CA allowed to sign certificates, signature verifies. */
function issued(issuer: Node, child: Node, caBelow: number): boolean {
  if (!issuer.parts.subjectName.equals(child.parts.issuerName)) return false;
  const bc = issuer.parts.extensions.get(OID.basicConstraints);
  if (!bc) return false;
  const { ca, pathLen } = readBasicConstraints(bc.value);
  if (!ca || (pathLen !== undefined && caBelow > pathLen)) return false;
  const ku = issuer.parts.extensions.get(OID.keyUsage);
  if (ku && !keyUsageHas(ku.value, 5)) return false;
  try {
    return child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * VAL-3 helper: whether `leafDer` chains, through any of `intermediatesDer`, to one of `acceptedRootsDer`,
 * every signature verifying and every certificate (roots included) valid at `now`. The leaf must not be a CA.
 */
export function chainsTo(leafDer: Buffer, intermediatesDer: Buffer[], acceptedRootsDer: Buffer[], now: Date): boolean {
  const leaf = node(leafDer);
  if (!leaf || !validAt(leaf, now)) return false;
  const leafBc = leaf.parts.extensions.get(OID.basicConstraints);
  if (leafBc && readBasicConstraints(leafBc.value).ca) return false;
  const roots = acceptedRootsDer.map(node).filter((n): n is Node => !!n && validAt(n, now));
  const intermediates = intermediatesDer.map(node).filter((n): n is Node => !!n && validAt(n, now));
  const MAX_DEPTH = 6;
  const walk = (child: Node, caBelow: number, seen: Set<Node>): boolean => {
    if (roots.some((r) => issued(r, child, caBelow))) return true;
    if (caBelow >= MAX_DEPTH) return false;
    return intermediates.some(
      (i) => !seen.has(i) && issued(i, child, caBelow) && walk(i, caBelow + 1, new Set([...seen, i])),
    );
  };
  return walk(leaf, 0, new Set());
}

/** The subject's attributes by short name (C, ST, L, O, CN …); the last value wins when one repeats. */
export function subjectAttributes(der: Buffer): Record<string, string> {
  const attrs = readName(partsOf(der).subjectName);
  return Object.fromEntries(attrs.map((a) => [a.type, a.value]));
}
