import { createHash } from "node:crypto";
import {
  bitString,
  boolean,
  childrenOf,
  DerError,
  explicit,
  enumerated,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  readBitStringBytes,
  readOid,
  readWhole,
  sequence,
  TAG,
  type Tlv,
} from "./der";

/** Builders for the X.509 v3 extensions the CA writes (RFC 5280 4.2), and a reader. */

export const OID = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  cRLNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
  issuingDistributionPoint: "2.5.29.28",
  cRLDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  anyPolicy: "2.5.29.32.0",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  ocsp: "1.3.6.1.5.5.7.48.1",
  caIssuers: "1.3.6.1.5.5.7.48.2",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  /** CA/Browser Forum reserved policy identifiers (BR 7.1.6.1). */
  policyDV: "2.23.140.1.2.1",
  policyOV: "2.23.140.1.2.2",
  policyEV: "2.23.140.1.1",
} as const;

export function extension(extnId: string, critical: boolean, valueDer: Buffer): Buffer {
  return critical
    ? sequence(oid(extnId), boolean(true), octetString(valueDer))
    : sequence(oid(extnId), octetString(valueDer));
}

/** The SubjectPublicKeyInfo's subjectPublicKey bits (what key identifiers and OCSP key hashes are computed over). */
export function publicKeyBits(spkiDer: Buffer): Buffer {
  const spki = readWhole(spkiDer, TAG.SEQUENCE);
  const [, key] = childrenOf(spki);
  if (!key) throw new Error("SubjectPublicKeyInfo without a key");
  return readBitStringBytes(key);
}

/** RFC 7093 section 2 method 1: the leftmost 160 bits of SHA-256 over the subjectPublicKey bits. */
export function keyIdentifierFor(spkiDer: Buffer): Buffer {
  return createHash("sha256").update(publicKeyBits(spkiDer)).digest().subarray(0, 20);
}

export const basicConstraints = (ca: boolean, pathLen?: number): Buffer =>
  extension(
    OID.basicConstraints,
    true,
    ca ? sequence(boolean(true), ...(pathLen === undefined ? [] : [integer(pathLen)])) : sequence(),
  );

export type KeyUsageBit = "digitalSignature" | "keyEncipherment" | "keyCertSign" | "cRLSign";
const KEY_USAGE_BIT: Record<KeyUsageBit, number> = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
};

/** KeyUsage as a DER BIT STRING (trailing zero bits removed, X.690 11.2.2). Critical. */
export function keyUsage(bits: KeyUsageBit[]): Buffer {
  let value = 0;
  for (const b of bits) value |= 0x80 >> KEY_USAGE_BIT[b];
  let unused = 0;
  while (unused < 7 && !(value & (1 << unused))) unused++;
  return extension(OID.keyUsage, true, bitString(Buffer.from([value]), unused));
}

export const extKeyUsage = (purposes: string[]): Buffer =>
  extension(OID.extKeyUsage, false, sequence(...purposes.map(oid)));
export const subjectKeyIdentifier = (keyId: Buffer): Buffer =>
  extension(OID.subjectKeyIdentifier, false, octetString(keyId));
export const authorityKeyIdentifier = (keyId: Buffer): Buffer =>
  extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyId)));
/** dNSName is [2] IA5String. */
export const subjectAltNameDns = (names: string[], critical = false): Buffer =>
  extension(OID.subjectAltName, critical, sequence(...names.map((n) => implicitPrimitive(2, Buffer.from(n, "ascii")))));
export const certificatePolicies = (policyOids: string[]): Buffer =>
  extension(OID.certificatePolicies, false, sequence(...policyOids.map((p) => sequence(oid(p)))));

/** uniformResourceIdentifier is [6] IA5String. */
const uri = (url: string): Buffer => {
  if (!/^[\x21-\x7e]+$/.test(url)) throw new Error(`URL must be printable ASCII: ${JSON.stringify(url)}`);
  return implicitPrimitive(6, Buffer.from(url, "ascii"));
};

/** DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } } per URL. */
export const crlDistributionPoints = (urls: string[]): Buffer =>
  extension(OID.cRLDistributionPoints, false, sequence(...urls.map((u) => sequence(explicit(0, explicit(0, uri(u)))))));

export function authorityInfoAccess(access: { ocsp?: string[]; caIssuers?: string[] }): Buffer {
  const descriptions = [
    ...(access.ocsp ?? []).map((u) => sequence(oid(OID.ocsp), uri(u))),
    ...(access.caIssuers ?? []).map((u) => sequence(oid(OID.caIssuers), uri(u))),
  ];
  return extension(OID.authorityInfoAccess, false, sequence(...descriptions));
}

/**
 * STAT-1, RFC 5280 5.2.5: IssuingDistributionPoint { distributionPoint [0] { fullName [0] { URI } },
 * onlyContainsUserCerts [1] TRUE }, critical. A CRL that lists only part of a CA's certificates (one
 * shard, or the legacy list once there are shards) must say which part, or a relying party would take
 * "not listed" on it for "not revoked" for every certificate of the CA.
 */
export const issuingDistributionPoint = (url: string): Buffer =>
  extension(
    OID.issuingDistributionPoint,
    true,
    sequence(explicit(0, explicit(0, uri(url))), implicitPrimitive(1, Buffer.from([0xff]))),
  );

export const crlNumber = (n: bigint): Buffer => extension(OID.cRLNumber, false, integer(n));
export const reasonCode = (code: number): Buffer => extension(OID.reasonCode, false, enumerated(code));

// ---------------------------------------------------------------- reading

export interface ParsedExtension {
  critical: boolean;
  /** The extnValue content (the DER of the extension's own value). */
  value: Buffer;
}

/** Extensions (SEQUENCE OF Extension) by OID. Duplicate OIDs are an error (RFC 5280 4.2). */
export function readExtensions(extensionsSeq: Tlv): Map<string, ParsedExtension> {
  const out = new Map<string, ParsedExtension>();
  for (const ext of childrenOf(extensionsSeq)) {
    const parts = childrenOf(ext);
    const id = readOid(parts[0]);
    let critical = false;
    let valueEl = parts[1];
    if (valueEl?.tag === TAG.BOOLEAN) {
      critical = valueEl.value[0] !== 0;
      valueEl = parts[2];
    }
    if (!valueEl || valueEl.tag !== TAG.OCTET_STRING) throw new Error(`extension ${id} has no value`);
    if (out.has(id)) throw new Error(`extension ${id} appears twice`);
    out.set(id, { critical, value: valueEl.value });
  }
  return out;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** IA5String content; non-ASCII bytes (not allowed, but sent by some tools for IDNs) are shown as UTF-8 when they are valid UTF-8. */
function ia5Text(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

/** dNSNames of a SubjectAltName value; other name types are returned separately so callers can refuse them. */
export function readSubjectAltNames(value: Buffer): { dnsNames: string[]; otherNames: string[] } {
  const dnsNames: string[] = [];
  const otherNames: string[] = [];
  for (const gn of childrenOf(readWhole(value, TAG.SEQUENCE))) {
    if (gn.tag === 0x82) dnsNames.push(ia5Text(gn.value));
    else if (gn.tag === 0x87)
      otherNames.push(`IP:${gn.value.length === 4 ? [...gn.value].join(".") : gn.value.toString("hex")}`);
    else if (gn.tag === 0x81) otherNames.push(`email:${gn.value.toString("latin1")}`);
    else if (gn.tag === 0x86) otherNames.push(`URI:${gn.value.toString("latin1")}`);
    else otherNames.push(`GeneralName[${gn.tag & 0x1f}]`);
  }
  return { dnsNames, otherNames };
}

/** The policy identifiers of a CertificatePolicies value, in order (qualifiers ignored). */
export function readPolicyOids(value: Buffer): string[] {
  return childrenOf(readWhole(value, TAG.SEQUENCE)).map((info) => {
    const first = childrenOf(info)[0];
    if (!first) throw new DerError("empty PolicyInformation");
    return readOid(first);
  });
}

/** cA and pathLenConstraint of a BasicConstraints value. */
export function readBasicConstraints(value: Buffer): { ca: boolean; pathLen?: number } {
  const parts = childrenOf(readWhole(value, TAG.SEQUENCE));
  let i = 0;
  let ca = false;
  if (parts[i]?.tag === TAG.BOOLEAN) ca = parts[i++].value[0] !== 0;
  const pathLen =
    parts[i]?.tag === TAG.INTEGER ? Number(BigInt("0x" + (parts[i].value.toString("hex") || "0"))) : undefined;
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

/** Whether bit `bit` (0 = digitalSignature, 5 = keyCertSign …) is set in a KeyUsage value. */
export function keyUsageHas(value: Buffer, bit: number): boolean {
  const el = readWhole(value, TAG.BIT_STRING);
  const byte = el.value[1 + (bit >> 3)];
  return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
}

export const sha1 = (data: Buffer): Buffer => createHash("sha1").update(data).digest();
export const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();
