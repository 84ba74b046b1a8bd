import { childrenOf, DerError, expectTag, readBitStringBytes, readWhole, TAG, type Tlv } from "./der";
import { keyIdentifierFor, OID, publicKeyBits, readExtensions, sha1, sha256, type ParsedExtension } from "./extensions";
import { serialHexFromContent } from "./serial";

/** The parts of a DER certificate, as views into the original bytes (nothing re-serialised). */
export interface CertificateParts {
  der: Buffer;
  tbs: Buffer;
  serialHex: string;
  /** DER of the TBS signature AlgorithmIdentifier. */
  signatureAlgorithm: Buffer;
  issuerName: Buffer;
  subjectName: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Map<string, ParsedExtension>;
  signatureValue: Buffer;
}

/** UTCTime / GeneralizedTime (Z form, optional fraction) to a Date. */
function readTime(el: Tlv): Date {
  const s = el.value.toString("latin1");
  let m: RegExpMatchArray | null;
  let year: number;
  if (el.tag === TAG.UTC_TIME && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (
    el.tag === TAG.GENERALIZED_TIME &&
    (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/))
  ) {
    year = Number(m[1]);
  } else throw new DerError(`bad time ${JSON.stringify(s)}`);
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(date.getTime())) throw new DerError(`bad time ${JSON.stringify(s)}`);
  return date;
}

export function readCertificateParts(der: Buffer): CertificateParts {
  const cert = readWhole(der, TAG.SEQUENCE);
  const [tbsEl, sigAlgEl, sigEl, ...rest] = childrenOf(cert);
  if (rest.length) throw new DerError("certificate has extra elements");
  expectTag(tbsEl, TAG.SEQUENCE, "tbsCertificate");
  expectTag(sigAlgEl, TAG.SEQUENCE, "signatureAlgorithm");
  const parts = childrenOf(tbsEl);
  let i = 0;
  if (parts[i]?.tag === 0xa0) i++; // version
  const serial = expectTag(parts[i++], TAG.INTEGER, "serialNumber");
  const signatureAlgorithm = expectTag(parts[i++], TAG.SEQUENCE, "signature");
  const issuer = expectTag(parts[i++], TAG.SEQUENCE, "issuer");
  const validity = childrenOf(expectTag(parts[i++], TAG.SEQUENCE, "validity"));
  const subject = expectTag(parts[i++], TAG.SEQUENCE, "subject");
  const spki = expectTag(parts[i++], TAG.SEQUENCE, "subjectPublicKeyInfo");
  let extensions = new Map<string, ParsedExtension>();
  for (; i < parts.length; i++) {
    if (parts[i].tag === 0xa3)
      extensions = readExtensions(expectTag(childrenOf(parts[i])[0], TAG.SEQUENCE, "extensions"));
  }
  if (validity.length !== 2) throw new DerError("bad validity");
  return {
    der,
    tbs: tbsEl.raw,
    serialHex: serialHexFromContent(serial.value),
    signatureAlgorithm: signatureAlgorithm.raw,
    issuerName: issuer.raw,
    subjectName: subject.raw,
    notBefore: readTime(validity[0]),
    notAfter: readTime(validity[1]),
    spki: spki.raw,
    extensions,
    signatureValue: readBitStringBytes(expectTag(sigEl, TAG.BIT_STRING, "signatureValue")),
  };
}

/** What signing under a CA certificate needs, computed once per certificate. */
export interface IssuerContext {
  certDer: Buffer;
  subjectName: Buffer;
  spki: Buffer;
  /** SubjectKeyIdentifier of the CA (its own extension, else computed): the AKI of what it signs. */
  keyId: Buffer;
  /** OCSP CertID hashes (RFC 6960 4.1.1) and the byKey ResponderID (SHA-1 of the key bits). */
  nameHash: { sha1: Buffer; sha256: Buffer };
  keyHash: { sha1: Buffer; sha256: Buffer };
}

const contexts = new WeakMap<Buffer, IssuerContext>();

export function issuerContext(certDer: Buffer): IssuerContext {
  const cached = contexts.get(certDer);
  if (cached) return cached;
  const parts = readCertificateParts(certDer);
  const ski = parts.extensions.get(OID.subjectKeyIdentifier);
  const keyBits = publicKeyBits(parts.spki);
  const context: IssuerContext = {
    certDer,
    subjectName: parts.subjectName,
    spki: parts.spki,
    keyId: ski ? readWhole(ski.value, TAG.OCTET_STRING).value : keyIdentifierFor(parts.spki),
    nameHash: { sha1: sha1(parts.subjectName), sha256: sha256(parts.subjectName) },
    keyHash: { sha1: sha1(keyBits), sha256: sha256(keyBits) },
  };
  contexts.set(certDer, context);
  return context;
}

/** Refuses to sign with a key that is not the one in the issuer certificate. */
export function assertSignerMatches(context: IssuerContext, signerSpki: Buffer): void {
  if (!context.spki.equals(signerSpki)) throw new Error("the signer's key is not the key of the issuer certificate");
}
