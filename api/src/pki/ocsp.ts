import { wholeSeconds } from "./certificate-builder";
import { assertSignerMatches, issuerContext } from "./certificate-der";
import {
  childrenOf,
  derNull,
  enumerated,
  expectTag,
  explicit,
  generalizedTime,
  integerFromContent,
  octetString,
  oid,
  readOid,
  readWhole,
  sequence,
  TAG,
  tlv,
} from "./der";
import { extension, readExtensions } from "./extensions";
import { revocationReasonCode, type RevocationReason } from "./crl";
import { canonicalSerialHex, serialHexFromContent } from "./serial";
import { signToBeSigned, type Signer } from "./signer";

/** OCSP (RFC 6960) request parsing and response building, all DER. */

export const OID_SHA1 = "1.3.14.3.2.26";
export const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
const OID_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";
const OID_OCSP_NONCE = "1.3.6.1.5.5.7.48.1.2";

/** Requests with more CertIDs than this are refused as malformed (each one costs a lookup). */
const MAX_CERT_IDS_PER_REQUEST = 20;

/** One CertID of a request. `der` is the CertID exactly as received; the response echoes it. */
export interface OcspCertId {
  hashAlgorithmOid: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Canonical serial (see serial.ts), directly comparable with issued serials. */
  serialHex: string;
  der: Buffer;
}

export type OcspRequestParseResult =
  { ok: true; requests: OcspCertId[]; nonce?: Buffer } | { ok: false; reason: string };

function readCertId(der: Buffer): OcspCertId {
  const [alg, nameHash, keyHash, serial, ...extra] = childrenOf(readWhole(der, TAG.SEQUENCE));
  if (extra.length) throw new Error("CertID has extra elements");
  const [algOid] = childrenOf(expectTag(alg, TAG.SEQUENCE, "hashAlgorithm"));
  const serialEl = expectTag(serial, TAG.INTEGER, "serialNumber");
  if (serialEl.value.length === 0) throw new Error("empty serial number");
  return {
    hashAlgorithmOid: readOid(algOid),
    issuerNameHash: Buffer.from(expectTag(nameHash, TAG.OCTET_STRING, "issuerNameHash").value),
    issuerKeyHash: Buffer.from(expectTag(keyHash, TAG.OCTET_STRING, "issuerKeyHash").value),
    serialHex: serialHexFromContent(serialEl.value),
    der: Buffer.from(der),
  };
}

/**
 * Parses an OCSPRequest. A request signature, if any, is ignored (the responder does not require one).
 * The nonce (RFC 8954: an OCTET STRING of 1–32 octets inside the extension) is returned for echoing.
 */
export function parseOcspRequest(der: Buffer): OcspRequestParseResult {
  try {
    const [tbsEl, signature, ...extra] = childrenOf(readWhole(der, TAG.SEQUENCE));
    if (extra.length || (signature && signature.tag !== 0xa0)) throw new Error("unexpected elements after tbsRequest");
    const parts = childrenOf(expectTag(tbsEl, TAG.SEQUENCE, "tbsRequest"));
    let i = 0;
    if (parts[i]?.tag === 0xa0) {
      const [version] = childrenOf(parts[i++]);
      if (expectTag(version, TAG.INTEGER, "version").value.toString("hex") !== "00")
        throw new Error("unsupported version");
    }
    if (parts[i]?.tag === 0xa1) i++; // requestorName
    const list = childrenOf(expectTag(parts[i++], TAG.SEQUENCE, "requestList"));
    if (list.length === 0) throw new Error("no CertID in the request");
    if (list.length > MAX_CERT_IDS_PER_REQUEST) throw new Error(`more than ${MAX_CERT_IDS_PER_REQUEST} CertIDs`);
    const requests = list.map((request) => {
      const [certId] = childrenOf(expectTag(request, TAG.SEQUENCE, "Request"));
      return readCertId(expectTag(certId, TAG.SEQUENCE, "reqCert").raw);
    });
    let nonce: Buffer | undefined;
    if (parts[i]?.tag === 0xa2) {
      const extensions = readExtensions(expectTag(childrenOf(parts[i++])[0], TAG.SEQUENCE, "requestExtensions"));
      const nonceExt = extensions.get(OID_OCSP_NONCE);
      if (nonceExt) {
        const value = readWhole(nonceExt.value, TAG.OCTET_STRING).value;
        if (value.length < 1 || value.length > 32) throw new Error("nonce must be 1–32 octets (RFC 8954)");
        nonce = Buffer.from(value);
      }
    }
    if (i !== parts.length) throw new Error("unexpected elements in tbsRequest");
    return nonce ? { ok: true, requests, nonce } : { ok: true, requests };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** Whether a CertID names this issuer (SHA-1 or SHA-256 hashes of its subject name and key). */
export function issuerMatches(
  certId: Pick<OcspCertId, "hashAlgorithmOid" | "issuerNameHash" | "issuerKeyHash">,
  issuerCertDer: Buffer,
): boolean {
  const issuer = issuerContext(issuerCertDer);
  const which =
    certId.hashAlgorithmOid === OID_SHA1 ? "sha1" : certId.hashAlgorithmOid === OID_SHA256 ? "sha256" : undefined;
  if (!which) return false;
  return certId.issuerNameHash.equals(issuer.nameHash[which]) && certId.issuerKeyHash.equals(issuer.keyHash[which]);
}

/** A CertID for a serial of this issuer, for responses pre-signed without a request (RFC 5019 uses SHA-1). */
export function certIdFor(issuerCertDer: Buffer, serialHex: string, hash: "sha1" | "sha256" = "sha1"): OcspCertId {
  const issuer = issuerContext(issuerCertDer);
  const serial = canonicalSerialHex(serialHex);
  const hashAlgorithmOid = hash === "sha1" ? OID_SHA1 : OID_SHA256;
  const der = sequence(
    sequence(oid(hashAlgorithmOid), derNull()),
    octetString(issuer.nameHash[hash]),
    octetString(issuer.keyHash[hash]),
    integerFromContent(Buffer.from(serial, "hex")),
  );
  return {
    hashAlgorithmOid,
    issuerNameHash: issuer.nameHash[hash],
    issuerKeyHash: issuer.keyHash[hash],
    serialHex: serial,
    der,
  };
}

export type OcspCertStatus = "good" | "unknown" | { revokedAt: Date; reason: RevocationReason };

export interface BuildOcspResponseInput {
  issuer: { certDer: Buffer; signer: Signer };
  responses: { certId: Pick<OcspCertId, "der">; status: OcspCertStatus }[];
  producedAt: Date;
  thisUpdate: Date;
  nextUpdate: Date;
  /** The request's nonce, echoed in the response. */
  nonce?: Buffer;
  /**
   * Put the issuer certificate into `certs` (its DER is reused, never re-encoded). Default true: clients that
   * were not handed the issuer (e.g. `openssl ocsp -respin … -CAfile root.pem` without `-issuer`) can then
   * find the signer; false saves ~the certificate's size per response for clients that have it anyway.
   */
  includeIssuerCertificate?: boolean;
}

function certStatus(status: OcspCertStatus): Buffer {
  if (status === "good") return Buffer.from([0x80, 0x00]); // [0] IMPLICIT NULL
  if (status === "unknown") return Buffer.from([0x82, 0x00]); // [2] IMPLICIT NULL
  const code = revocationReasonCode(status.reason);
  // [1] IMPLICIT RevokedInfo; as on the CRL (REV-1), `unspecified` is written by leaving the reason out.
  const content = Buffer.concat([
    generalizedTime(wholeSeconds(status.revokedAt)),
    ...(code === 0 ? [] : [explicit(0, enumerated(code))]),
  ]);
  return tlv(0xa1, content);
}

/**
 * STAT-2: a successful OCSPResponse wrapping a BasicOCSPResponse signed directly by the issuing CA
 * (responderID byKey), one SingleResponse per CertID (echoed byte for byte), times in whole seconds.
 */
export async function buildOcspResponse(input: BuildOcspResponseInput): Promise<Buffer> {
  const issuer = issuerContext(input.issuer.certDer);
  assertSignerMatches(issuer, input.issuer.signer.publicKeySpki);
  if (input.responses.length === 0) throw new Error("an OCSP response needs at least one SingleResponse");
  if (!(input.nextUpdate.getTime() > input.thisUpdate.getTime()))
    throw new Error("nextUpdate must be after thisUpdate");
  const thisUpdate = generalizedTime(wholeSeconds(input.thisUpdate));
  const nextUpdate = explicit(0, generalizedTime(wholeSeconds(input.nextUpdate)));
  const single = input.responses.map((r) => sequence(r.certId.der, certStatus(r.status), thisUpdate, nextUpdate));
  const tbs = sequence(
    explicit(2, octetString(issuer.keyHash.sha1)), // ResponderID byKey: SHA-1 of the key bits
    generalizedTime(wholeSeconds(input.producedAt)),
    sequence(...single),
    ...(input.nonce ? [explicit(1, sequence(extension(OID_OCSP_NONCE, false, octetString(input.nonce))))] : []),
  );
  const certs = input.includeIssuerCertificate !== false ? [explicit(0, sequence(issuer.certDer))] : [];
  const basic = await signToBeSigned(input.issuer.signer, tbs, ...certs);
  return sequence(enumerated(0), explicit(0, sequence(oid(OID_OCSP_BASIC), octetString(basic))));
}

export type OcspErrorStatus = "malformedRequest" | "internalError" | "tryLater" | "unauthorized";
const ERROR_CODES: Record<OcspErrorStatus, number> = {
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  unauthorized: 6,
};

/** An unsigned OCSPResponse carrying only an error status (RFC 6960 4.2.1). */
export function ocspErrorResponse(status: OcspErrorStatus): Buffer {
  const code = ERROR_CODES[status];
  if (code === undefined) throw new Error(`unknown OCSP error status ${String(status)}`);
  return sequence(enumerated(code));
}
