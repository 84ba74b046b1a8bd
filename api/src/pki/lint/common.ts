import { createHash, type KeyObject } from "node:crypto";
import { publicKeyFromSpki } from "../public-key";
import {
  AsnConvert,
  AsnIntegerArrayBufferConverter,
  AsnParser,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
} from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Extension, Name, SubjectPublicKeyInfo, Time } from "@peculiar/asn1-x509";
import type { Findings } from "./lint-error";

/**
 * Shared checks. Everything here reads the to-be-signed bytes with @peculiar/asn1-x509, a decoder
 * independent of pki/der.ts, so a mistake in our writer is not mirrored by the same mistake in the
 * reader that checks it.
 */

/** What the linter needs to know about the CA that is about to sign. */
export interface IssuerFacts {
  /** DER Name of the CA's subject: the issuer field must be these bytes exactly (RFC 5280 4.1.2.4). */
  subjectName: Buffer;
  /** DER SubjectPublicKeyInfo of the signing key. */
  spki: Buffer;
  /** The CA's SubjectKeyIdentifier: what AKI must carry. */
  keyId: Buffer;
}

const OIDS = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSA: "1.2.840.113549.1.1.11",
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaSha256: "1.2.840.10045.4.3.2",
  ecdsaSha384: "1.2.840.10045.4.3.3",
  p256: "1.2.840.10045.3.1.7",
  p384: "1.3.132.0.34",
} as const;

export const bytes = (b: ArrayBuffer | ArrayBufferView): Buffer =>
  b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Parses, and reports a failure (returning undefined) instead of throwing. */
function parseOrReport<T>(f: Findings, der: Buffer, type: new () => T, id: string, what: string): T | undefined {
  try {
    return AsnParser.parse(der, type);
  } catch (err) {
    f.error(id, `${what} does not decode: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * The independent decoder re-encodes what it read; if the bytes differ, our writer produced something
 * that is not the one DER encoding (non-minimal lengths or integers, default values written, …).
 */
export function checkDerRoundTrip(f: Findings, der: Buffer, parsed: object, id: string): void {
  let again: Buffer;
  try {
    again = Buffer.from(AsnConvert.serialize(parsed));
  } catch (err) {
    f.error(id, `cannot re-encode: ${(err as Error).message}`);
    return;
  }
  if (!again.equals(der)) f.error(id, "the decoded structure re-encodes to different bytes: not DER");
}

export const encode = (value: object): Buffer => Buffer.from(AsnConvert.serialize(value));

type ExpectedAlgorithm = { algorithm: string; nullParameters: boolean } | undefined;
/** Per issuer key (the same Buffer for as long as the CA's certificate is cached): it is read once. */
const expectedByIssuerKey = new WeakMap<Buffer, ExpectedAlgorithm>();

/** The signature algorithm a key of this SPKI signs with (the CA's policy: SHA-384 only with P-384). */
export function expectedSignatureAlgorithm(spkiDer: Buffer): ExpectedAlgorithm {
  if (expectedByIssuerKey.has(spkiDer)) return expectedByIssuerKey.get(spkiDer);
  const expected = readExpectedSignatureAlgorithm(spkiDer);
  expectedByIssuerKey.set(spkiDer, expected);
  return expected;
}

function readExpectedSignatureAlgorithm(spkiDer: Buffer): ExpectedAlgorithm {
  try {
    const spki = AsnParser.parse(spkiDer, SubjectPublicKeyInfo);
    if (spki.algorithm.algorithm === OIDS.rsaEncryption) return { algorithm: OIDS.sha256WithRSA, nullParameters: true };
    if (spki.algorithm.algorithm === OIDS.ecPublicKey && spki.algorithm.parameters) {
      const curve = AsnParser.parse(spki.algorithm.parameters, ObjectIdentifierHolder).value;
      if (curve === OIDS.p256) return { algorithm: OIDS.ecdsaSha256, nullParameters: false };
      if (curve === OIDS.p384) return { algorithm: OIDS.ecdsaSha384, nullParameters: false };
    }
  } catch {
    /* falls through: unknown */
  }
  return undefined;
}

/** Per CA subject name (the same Buffer for as long as the CA's certificate is cached): checked once. */
const derNames = new WeakMap<Buffer, boolean>();

/**
 * Whether a DER Name decodes and re-encodes to the same bytes with this module's decoder: what the full
 * walk asks of the issuer field, asked once per CA by the in-place path, which compares names byte for byte.
 */
export function isDerName(der: Buffer): boolean {
  let known = derNames.get(der);
  if (known === undefined) {
    try {
      known = Buffer.from(AsnConvert.serialize(AsnParser.parse(der, Name))).equals(der);
    } catch {
      known = false;
    }
    derNames.set(der, known);
  }
  return known;
}

/** RFC 7093 section 2 method 1, as this CA computes key identifiers: the leftmost 160 bits of SHA-256 over the key's bits. */
export const keyIdentifierOf = (subjectPublicKeyBits: Buffer): Buffer =>
  createHash("sha256").update(subjectPublicKeyBits).digest().subarray(0, 20);

/** A bare OBJECT IDENTIFIER (the namedCurve parameter of an EC key). */
@AsnType({ type: AsnTypeTypes.Choice })
class ObjectIdentifierHolder {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  value = "";
}

/** A bare INTEGER kept as its content octets (CRLNumber, which may exceed a JS number). */
@AsnType({ type: AsnTypeTypes.Choice })
export class IntegerHolder {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })
  value: ArrayBuffer = new ArrayBuffer(0);
}

/** signature AlgorithmIdentifier: the issuer key's algorithm, and the same bytes as the outer signatureAlgorithm (RFC 5280 4.1.1.2). */
export function checkSignatureAlgorithm(
  f: Findings,
  inner: AlgorithmIdentifier,
  issuer: IssuerFacts,
  outerDer: Buffer,
  prefix: string,
): void {
  const expected = expectedSignatureAlgorithm(issuer.spki);
  if (!expected) {
    f.error(`e_${prefix}_issuer_key_unsupported`, "the issuer key is neither RSA nor ECDSA P-256/P-384");
    return;
  }
  f.check(
    inner.algorithm === expected.algorithm,
    `e_${prefix}_signature_algorithm_mismatch`,
    `signature algorithm ${inner.algorithm}, the issuer key signs with ${expected.algorithm}`,
  );
  const params = inner.parameters;
  const isNull = params === null || (params instanceof ArrayBuffer && bytes(params).equals(Buffer.from([5, 0])));
  if (expected.nullParameters)
    f.check(
      isNull,
      `e_${prefix}_signature_algorithm_parameters`,
      "RSA signature algorithms carry NULL parameters (RFC 4055 5)",
    );
  else
    f.check(
      params === undefined,
      `e_${prefix}_signature_algorithm_parameters`,
      "ECDSA signature algorithms carry no parameters (RFC 5758 3.2)",
    );
  f.check(
    encode(inner).equals(outerDer),
    `e_${prefix}_signature_algorithm_inner_outer`,
    "the TBS signature field differs from the outer signatureAlgorithm",
  );
}

/** RFC 5280 4.1.2.5 / 5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
export function checkTime(f: Findings, t: Time, id: string, what: string): Date | undefined {
  const date = t.getTime();
  if (Number.isNaN(date.getTime())) {
    f.error(id, `${what} is not a valid time`);
    return undefined;
  }
  const year = date.getUTCFullYear();
  if (year < 2050) f.check(t.utcTime !== undefined, id, `${what} in ${year} must be UTCTime`);
  else f.check(t.generalTime !== undefined, id, `${what} in ${year} must be GeneralizedTime`);
  f.check(date.getUTCMilliseconds() === 0, id, `${what} has fractional seconds`);
  return date;
}

/** Extensions by OID; a repeated OID is reported (RFC 5280 4.2: at most one instance of an extension). */
export function extensionMap(
  f: Findings,
  exts: readonly Extension[] | undefined,
  duplicateId: string,
): Map<string, Extension> {
  const map = new Map<string, Extension>();
  for (const e of exts ?? []) {
    if (map.has(e.extnID)) f.error(duplicateId, `extension ${e.extnID} appears more than once`);
    else map.set(e.extnID, e);
  }
  return map;
}

/**
 * The extension's value decoded, and re-encoded to prove it DER: the TBS's own round trip carries
 * extnValue as opaque octets, so a DEFAULT written inside it (BasicConstraints cA FALSE) shows only here.
 */
export function extensionValue<T>(f: Findings, ext: Extension, type: new () => T, id: string): T | undefined {
  const der = bytes(ext.extnValue.buffer);
  const value = parseOrReport(f, der, type, id, `extension ${ext.extnID}`);
  if (value !== undefined) checkDerRoundTrip(f, der, value as object, id);
  return value;
}

/**
 * A URL in a certificate or CRL for relying parties to fetch. BR 7.1.2.11.2 / 7.1.2.7.7 ask for
 * plain http (fetching revocation data over https is circular); https is reported as a warning.
 */
export function checkFetchUrl(f: Findings, url: string | undefined, idPrefix: string, what: string): void {
  if (url === undefined) {
    f.error(`e_${idPrefix}_not_uri`, `${what} is not a uniformResourceIdentifier`);
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    f.error(`e_${idPrefix}_url_invalid`, `${what} ${JSON.stringify(url)} is not a URL`);
    return;
  }
  if (parsed.protocol === "https:") f.warn(`w_${idPrefix}_url_https`, `${what} ${url} should be http (BR 7.1.2)`);
  else f.check(parsed.protocol === "http:", `e_${idPrefix}_url_not_http`, `${what} ${url} is not an http URL`);
  f.check(
    parsed.hostname !== "" && !parsed.username && !parsed.password,
    `e_${idPrefix}_url_invalid`,
    `${what} ${url} needs a host and no credentials`,
  );
}

/** Serial / CRL number content octets: positive (or ≥ 0), minimal, at most 20 octets (RFC 5280 4.1.2.2, 5.2.3). */
export function checkIntegerContent(
  f: Findings,
  content: Buffer,
  idPrefix: string,
  what: string,
  allowZero: boolean,
): void {
  if (content.length === 0) {
    f.error(`e_${idPrefix}_invalid`, `${what} is empty`);
    return;
  }
  f.check(!(content[0] & 0x80), `e_${idPrefix}_negative`, `${what} is negative`);
  const zero = content.every((b) => b === 0);
  if (zero)
    f.check(
      allowZero && content.length === 1,
      `e_${idPrefix}_${allowZero ? "invalid" : "not_positive"}`,
      `${what} is zero`,
    );
  f.check(
    !(content.length > 1 && content[0] === 0 && !(content[1] & 0x80)),
    `e_${idPrefix}_not_minimal`,
    `${what} has a redundant leading zero octet`,
  );
  f.check(
    content.length <= 20,
    `e_${idPrefix}_too_long`,
    `${what} is ${content.length} octets; at most 20 are allowed`,
  );
}

/** Key of a SubjectPublicKeyInfo as the CA accepts it: RSA ≥ 2048 (multiple of 8, odd exponent ≥ 3), or ECDSA P-256/P-384 (BR 6.1.5, 6.1.6, 7.1.3.1). */
export function checkSubjectKey(
  f: Findings,
  spkiDer: Buffer,
  decoded?: SubjectPublicKeyInfo,
): "rsa" | "ec" | undefined {
  const spki = decoded ?? parseOrReport(f, spkiDer, SubjectPublicKeyInfo, "e_spki_invalid", "subjectPublicKeyInfo");
  if (!spki) return undefined;
  const alg = spki.algorithm;
  let details: KeyObject["asymmetricKeyDetails"];
  try {
    details = publicKeyFromSpki(spkiDer).asymmetricKeyDetails ?? {};
  } catch (err) {
    f.error("e_spki_invalid", `the public key does not load: ${(err as Error).message}`);
    return undefined;
  }
  if (alg.algorithm === OIDS.rsaEncryption) {
    const p = alg.parameters;
    f.check(
      p === null || (p instanceof ArrayBuffer && bytes(p).equals(Buffer.from([5, 0]))),
      "e_spki_rsa_parameters",
      "rsaEncryption parameters must be NULL",
    );
    checkRsaKeyDetails(f, details);
    return "rsa";
  }
  if (alg.algorithm === OIDS.ecPublicKey) {
    let curve: string | undefined;
    try {
      curve = alg.parameters ? AsnParser.parse(alg.parameters, ObjectIdentifierHolder).value : undefined;
    } catch {
      curve = undefined;
    }
    f.check(
      curve === OIDS.p256 || curve === OIDS.p384,
      "e_ec_curve_not_allowed",
      `EC key on ${curve ?? "no named curve"}; only P-256 and P-384 are allowed`,
    );
    return "ec";
  }
  f.error("e_spki_algorithm_not_allowed", `public key algorithm ${alg.algorithm} is not RSA or ECDSA`);
  return undefined;
}

/** An RSA key as the CA accepts it: a modulus of at least 2048 bits, a multiple of 8; an odd exponent ≥ 3 (BR 6.1.5, 6.1.6). */
export function checkRsaKeyDetails(f: Findings, details: NonNullable<KeyObject["asymmetricKeyDetails"]>): void {
  const bits = details.modulusLength ?? 0;
  f.check(bits >= 2048, "e_rsa_key_too_small", `RSA modulus of ${bits} bits; at least 2048 are required`);
  f.check(bits % 8 === 0, "e_rsa_modulus_not_multiple_of_8", `RSA modulus of ${bits} bits`);
  const e = details.publicExponent ?? 0n;
  f.check(e >= 3n && e % 2n === 1n, "e_rsa_exponent_invalid", `RSA public exponent ${e}`);
}
