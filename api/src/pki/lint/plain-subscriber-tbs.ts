import { childrenOf, DerError, PRINTABLE_STRING_TEXT, readOid, readWhole, TAG, type Tlv } from "../der";
import { KEY_ALGORITHMS, publicKeyFromSpki } from "../public-key";
import {
  checkFetchUrl,
  checkIntegerContent,
  checkRsaKeyDetails,
  expectedSignatureAlgorithm,
  isDerName,
  keyIdentifierOf,
} from "./common";
import { plainTimeMs } from "./der-time";
import { Findings } from "./lint-error";
import {
  ACCESS_METHOD,
  BR_POLICY,
  checkSanCriticality,
  checkSanNames,
  checkSerialEntropy,
  checkSubjectAttributes,
  checkValidityPeriod,
  type SubscriberProfile,
} from "./subscriber-rules";

/**
 * The certificate linter's fast path. Decoding a TBS with @peculiar/asn1-x509, parsing each extension
 * again and re-encoding the whole to prove it DER took about 1.3 ms of the 13 ms of service CPU an
 * approval cost (issue 11); this takes 0.03–0.06 ms. A subscriber TBS of the one shape this CA writes is read here in place
 * with pki/der.ts's strict reader (minimal lengths, definite lengths, no trailing bytes) and held to
 * the same rules (subscriber-rules.ts and common.ts, shared with the full walk).
 *
 * It answers only "clean": true when every check of the full walk would pass the TBS. Anything else
 * (another shape, a finding, a warning, bytes it cannot read) is false, and the full walk in
 * certificate-lint.ts decodes the TBS and names the findings. So it is an accelerator, not a second
 * set of rules, and test/pki/lint-plain-tbs.test.ts holds it to that over random and damaged TBSs.
 *
 * Where a value has one right encoding, that encoding is spelled out here in bytes, not produced by the
 * writer in pki/der.ts and pki/extensions.ts, so a mistake there is not mirrored by this check. The
 * shape it accepts is DER by construction: every INTEGER minimal, BOOLEAN only as a critical TRUE
 * (the DEFAULT FALSE never written), BIT STRINGs with no unused or trailing zero bits, each RDN a SET
 * of one attribute of a type this CA writes, strings whose bytes are the one encoding of their text.
 * The issuer name is compared byte for byte with the CA's own subject, which is first checked DER to
 * the full walk's decoder, once per CA (common.ts isDerName).
 */

const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ""), "hex");

const VERSION_3 = hex("a0 03 02 01 02");
/** By the algorithm expectedSignatureAlgorithm names for the issuer key. */
const SIGNATURE_ALGORITHM: Readonly<Record<string, Buffer>> = {
  "1.2.840.10045.4.3.2": hex("30 0a 06 08 2a 86 48 ce 3d 04 03 02"), // ecdsa-with-SHA256, no parameters
  "1.2.840.10045.4.3.3": hex("30 0a 06 08 2a 86 48 ce 3d 04 03 03"), // ecdsa-with-SHA384
  "1.2.840.113549.1.1.11": hex("30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00"), // sha256WithRSAEncryption, NULL
};
const CRITICAL = hex("01 01 ff");
/** BasicConstraints with cA FALSE (the DEFAULT, so not written) and no pathLen. */
const END_ENTITY = hex("30 00");
/** KeyUsage digitalSignature (EC), and digitalSignature + keyEncipherment (RSA), BR 7.1.2.7.11. */
const KEY_USAGE = { ec: hex("03 02 07 80"), rsa: hex("03 02 05 a0") };
/** ExtKeyUsage serverAuth alone. */
const SERVER_AUTH_ONLY = hex("30 0a 06 08 2b 06 01 05 05 07 03 01");

type ExtensionName = "ski" | "ku" | "san" | "bc" | "cdp" | "cp" | "aki" | "eku" | "aia";
/** The subscriber profile's extensions, by the DER of their OID. */
const EXTENSIONS = new Map<string, ExtensionName>([
  ["0603551d0e", "ski"],
  ["0603551d0f", "ku"],
  ["0603551d11", "san"],
  ["0603551d13", "bc"],
  ["0603551d1f", "cdp"],
  ["0603551d20", "cp"],
  ["0603551d23", "aki"],
  ["0603551d25", "eku"],
  ["06082b06010505070101", "aia"],
]);
/**
 * The attribute types this CA writes in a subject (pki/names.ts), by the DER of their OID. Any other
 * type is read the long way: an arbitrary OID can hold arcs the full walk's decoder cannot carry exactly.
 */
const SUBJECT_ATTRIBUTES = new Map<string, string>([
  ["0603550403", "2.5.4.3"], // commonName
  ["0603550405", "2.5.4.5"], // serialNumber
  ["0603550406", "2.5.4.6"], // countryName
  ["0603550407", "2.5.4.7"], // localityName
  ["0603550408", "2.5.4.8"], // stateOrProvinceName
  ["060355040a", "2.5.4.10"], // organizationName
  ["060355040b", "2.5.4.11"], // organizationalUnitName
  ["060355040f", "2.5.4.15"], // businessCategory
  ["060b2b0601040182373c020101", "1.3.6.1.4.1.311.60.2.1.1"], // jurisdictionLocality
  ["060b2b0601040182373c020102", "1.3.6.1.4.1.311.60.2.1.2"], // jurisdictionStateOrProvince
  ["060b2b0601040182373c020103", "1.3.6.1.4.1.311.60.2.1.3"], // jurisdictionCountry
]);

interface Ext {
  critical: boolean;
  value: Buffer;
}

/** Thrown where the TBS leaves the shape (or is not DER, or its key does not load); never escapes this module. */
class NotPlain extends Error {}

function must(ok: boolean): void {
  if (!ok) throw new NotPlain();
}

function present<T>(value: T | undefined): T {
  if (value === undefined) throw new NotPlain();
  return value;
}

/** The elements inside `el`, which must carry `tag`; `count` if given. */
function inside(el: Tlv | undefined, tag: number, count?: number): Tlv[] {
  const children = childrenOf(present(el?.tag === tag ? el : undefined));
  must(count === undefined || children.length === count);
  return children;
}

/** The one element an OCTET STRING extension value holds. */
const valueOf = (ext: Ext, tag: number): Tlv => readWhole(ext.value, tag);

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** An IA5String of visible ASCII (a dNSName or a URI): its text, the one encoding of that text. */
function visibleAscii(el: Tlv, tag: number): string {
  must(el.tag === tag);
  const text = el.value.toString("latin1");
  must(VISIBLE_ASCII.test(text));
  return text;
}

/** A DirectoryString the way this CA writes one: PrintableString, or UTF-8 that re-encodes to the same bytes. */
function directoryString(el: Tlv): string {
  if (el.tag === TAG.PRINTABLE_STRING) {
    const text = el.value.toString("latin1");
    must(PRINTABLE_STRING_TEXT.test(text));
    return text;
  }
  must(el.tag === TAG.UTF8_STRING);
  try {
    // Fatal: overlong forms and surrogates are refused, so the text has this one encoding.
    return strictUtf8.decode(el.value);
  } catch {
    throw new NotPlain();
  }
}

/** Subject attributes, each RDN a SET of one AttributeTypeAndValue (so the SET is in DER order). */
function subjectAttributes(subject: Tlv): Array<{ type: string; value: string }> {
  return inside(subject, TAG.SEQUENCE).map((rdn) => {
    const [type, value] = inside(inside(rdn, TAG.SET, 1)[0], TAG.SEQUENCE, 2);
    return { type: present(SUBJECT_ATTRIBUTES.get(type.raw.toString("hex"))), value: directoryString(value) };
  });
}

function loadedKey(spki: Buffer): ReturnType<typeof publicKeyFromSpki> {
  try {
    return publicKeyFromSpki(spki);
  } catch {
    throw new NotPlain();
  }
}

/** RSA ≥ 2048 or ECDSA P-256/P-384 whose key loads (BR 6.1.5, 7.1.3.1); the key's bits for the SKI. */
function subjectKey(f: Findings, spki: Tlv): { type: "rsa" | "ec"; bits: Buffer } {
  const [algorithm, key] = inside(spki, TAG.SEQUENCE, 2);
  const known = present(KEY_ALGORITHMS.find((k) => k.der.equals(algorithm.raw)));
  must(key.tag === TAG.BIT_STRING && key.value.length > 1 && key.value[0] === 0);
  const loaded = loadedKey(spki.raw);
  must(loaded.asymmetricKeyType === known.type);
  if (known.type === "rsa") checkRsaKeyDetails(f, loaded.asymmetricKeyDetails ?? {});
  return { type: known.type, bits: key.value.subarray(1) };
}

/** The TBS's extensions by name, each at most once, none outside the subscriber profile. */
function extensionsOf(extensions: Tlv): Map<ExtensionName, Ext> {
  const out = new Map<ExtensionName, Ext>();
  for (const ext of inside(inside(extensions, 0xa3, 1)[0], TAG.SEQUENCE)) {
    const parts = inside(ext, TAG.SEQUENCE);
    must(parts.length === 2 || parts.length === 3);
    const name = present(EXTENSIONS.get(parts[0].raw.toString("hex")));
    must(!out.has(name));
    const critical = parts.length === 3;
    must(!critical || parts[1].raw.equals(CRITICAL));
    const value = parts[parts.length - 1];
    must(value.tag === TAG.OCTET_STRING);
    out.set(name, { critical, value: value.value });
  }
  return out;
}

function required(exts: Map<ExtensionName, Ext>, name: ExtensionName, critical: boolean): Ext {
  const ext = present(exts.get(name));
  must(ext.critical === critical);
  return ext;
}

/** http URLs of a GeneralNames that holds only uniformResourceIdentifiers. */
function checkUris(f: Findings, names: Tlv[], idPrefix: string, what: string): void {
  must(names.length > 0);
  for (const name of names) checkFetchUrl(f, visibleAscii(name, 0x86), idPrefix, what);
}

function readTbs(f: Findings, tbsDer: Buffer, p: SubscriberProfile, outerSignatureAlgorithm: Buffer): void {
  const [version, serial, signature, issuer, validity, subject, spki, extensions] = inside(
    readWhole(tbsDer, TAG.SEQUENCE),
    TAG.SEQUENCE,
    8,
  );
  must(version.raw.equals(VERSION_3) && serial.tag === TAG.INTEGER);
  checkIntegerContent(f, serial.value, "serial", "serialNumber", false);
  checkSerialEntropy(f, serial.value);
  const algorithm = SIGNATURE_ALGORITHM[expectedSignatureAlgorithm(p.issuer.spki)?.algorithm ?? ""];
  must(algorithm !== undefined && signature.raw.equals(algorithm) && outerSignatureAlgorithm.equals(algorithm));
  // Compared byte for byte, so the CA's own name must be DER (checked once per CA, by the full walk's decoder).
  must(issuer.raw.equals(p.issuer.subjectName) && isDerName(p.issuer.subjectName));

  const [notBefore, notAfter] = inside(validity, TAG.SEQUENCE, 2).map((t) => plainTimeMs(t.raw, 0));
  must(notBefore < notAfter); // false for NaN too
  checkValidityPeriod(f, new Date(notBefore), new Date(notAfter), p.maxValidityDays);

  const attributes = subjectAttributes(subject);
  const key = subjectKey(f, spki);
  const exts = extensionsOf(extensions);

  must(required(exts, "bc", true).value.equals(END_ENTITY));
  must(required(exts, "ku", true).value.equals(KEY_USAGE[key.type]));
  must(required(exts, "eku", false).value.equals(SERVER_AUTH_ONLY));

  const ski = exts.get("ski");
  if (ski) {
    must(!ski.critical && valueOf(ski, TAG.OCTET_STRING).value.equals(keyIdentifierOf(key.bits)));
  }
  const [keyId] = inside(valueOf(required(exts, "aki", false), TAG.SEQUENCE), TAG.SEQUENCE, 1);
  must(keyId.tag === 0x80 && keyId.value.equals(p.issuer.keyId));

  const san = present(exts.get("san"));
  const sanNames = inside(valueOf(san, TAG.SEQUENCE), TAG.SEQUENCE).map((n) => visibleAscii(n, 0x82));
  checkSanNames(f, sanNames, p.names);
  checkSanCriticality(f, san.critical, attributes.length === 0);
  checkSubjectAttributes(f, attributes, sanNames, p.validationLevel);

  const [policy] = inside(valueOf(required(exts, "cp", false), TAG.SEQUENCE), TAG.SEQUENCE, 1);
  must(readOid(inside(policy, TAG.SEQUENCE, 1)[0]) === BR_POLICY[p.validationLevel]);

  const points = inside(valueOf(required(exts, "cdp", false), TAG.SEQUENCE), TAG.SEQUENCE);
  must(points.length > 0);
  for (const point of points) {
    const [name] = inside(point, TAG.SEQUENCE, 1);
    const [fullName] = inside(name, 0xa0, 1);
    checkUris(f, inside(fullName, 0xa0), "cdp", "CRL distribution point");
  }

  const methods = new Set<string>();
  for (const description of inside(valueOf(required(exts, "aia", false), TAG.SEQUENCE), TAG.SEQUENCE)) {
    const [method, location] = inside(description, TAG.SEQUENCE, 2);
    const id = readOid(method);
    must(id === ACCESS_METHOD.ocsp || id === ACCESS_METHOD.caIssuers);
    methods.add(id);
    checkUris(f, [location], "aia", id === ACCESS_METHOD.ocsp ? "OCSP URL" : "caIssuers URL");
  }
  must(methods.size === 2);
}

/** True when the full walk (lintCertificateInFull) would find nothing, no warning either, in this subscriber TBS. */
export function isPlainSubscriberTbs(tbsDer: Buffer, p: SubscriberProfile, outerSignatureAlgorithm: Buffer): boolean {
  const f = new Findings();
  try {
    readTbs(f, tbsDer, p, outerSignatureAlgorithm);
  } catch (err) {
    // Left the shape, or not DER: the full walk says what is wrong. Anything else is a defect here, and shows.
    if (err instanceof NotPlain || err instanceof DerError) return false;
    throw err;
  }
  return f.errors.length === 0 && f.warnings.length === 0;
}
