import { spawnSync } from "node:child_process";
import { X509Certificate, verify as cryptoVerify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { canonicalSerialHex, certIdFor } from "../../api/src/pki";
import {
  TAG,
  childrenOf,
  expectTag,
  octetString,
  readOid,
  readWhole,
  sequence,
  tlv,
  type Tlv,
} from "../../api/src/pki/der";
import { extension } from "../../api/src/pki/extensions";

/**
 * OCSP requests for the benchmark, and an independent check of responses: the response is parsed here
 * (not by the responder's code), its signature verified with the issuing CA's public key, the CertID's
 * serial, the status (good), the validity window and, for requests with one, the echoed nonce checked.
 */

const OID_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";
const OID_OCSP_NONCE = "1.3.6.1.5.5.7.48.1.2";
const NONCE_LENGTH = 16;

export interface OcspRequestTemplate {
  der: Buffer;
  /** Where the nonce's 16 bytes sit in `der` (when built with a nonce). */
  nonce?: { offset: number; length: number };
}

/** OCSPRequest { tbsRequest { requestList { Request { CertID (SHA-1) } } [, [2] { nonce }] } }, no signature. */
export function buildOcspRequest(issuerCertDer: Buffer, serialHex: string, withNonce: boolean): OcspRequestTemplate {
  const certId = certIdFor(issuerCertDer, serialHex, "sha1").der;
  const requestList = sequence(sequence(certId));
  if (!withNonce) return { der: sequence(sequence(requestList)) };
  const marker = Buffer.alloc(NONCE_LENGTH, 0xa5);
  const ext = tlv(0xa2, sequence(extension(OID_OCSP_NONCE, false, octetString(marker))));
  const der = sequence(sequence(requestList, ext));
  const offset = der.indexOf(marker);
  if (offset < 0 || der.indexOf(marker, offset + 1) >= 0)
    throw new Error("could not locate the nonce in the OCSP request");
  return { der, nonce: { offset, length: NONCE_LENGTH } };
}

/** The nonce inside an OCSP request built by buildOcspRequest (after the worker overwrote it). */
export function nonceOfRequest(template: OcspRequestTemplate, sent: Buffer): Buffer {
  if (!template.nonce) throw new Error("request template has no nonce");
  return sent.subarray(template.nonce.offset, template.nonce.offset + template.nonce.length);
}

export interface OcspExpectation {
  issuerCertDer: Buffer;
  serialHex: string;
  /** The nonce the response must echo; undefined: the response must carry none. */
  nonce?: Buffer;
  now: Date;
}

/** The INTEGER's content octets in hex: the canonical serial form (pki/serial.ts). */
function serialHexOf(el: Tlv | undefined): string {
  return expectTag(el, TAG.INTEGER, "serialNumber").value.toString("hex");
}

function generalizedTime(el: Tlv | undefined, what: string): Date {
  const s = expectTag(el, TAG.GENERALIZED_TIME, what).value.toString("ascii");
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new Error(`${what}: not YYYYMMDDHHMMSSZ (${s})`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** Returns null when the response is as expected, else what is wrong. */
export function checkOcspResponse(body: Buffer, expect: OcspExpectation): string | null {
  try {
    const [status, bytes, ...rest] = childrenOf(readWhole(body, TAG.SEQUENCE));
    if (rest.length) return "extra elements in OCSPResponse";
    const code = expectTag(status, TAG.ENUMERATED, "responseStatus").value;
    if (code.length !== 1 || code[0] !== 0) return `responseStatus ${code.toString("hex")} (not successful)`;
    if (!bytes || bytes.tag !== 0xa0) return "no responseBytes";
    const [type, basicOctets] = childrenOf(expectTag(childrenOf(bytes)[0], TAG.SEQUENCE, "ResponseBytes"));
    if (readOid(type) !== OID_OCSP_BASIC) return "responseType is not id-pkix-ocsp-basic";
    const basic = readWhole(expectTag(basicOctets, TAG.OCTET_STRING, "response").value, TAG.SEQUENCE);
    const [tbs, sigAlg, sig, certs, ...more] = childrenOf(basic);
    if (more.length) return "extra elements in BasicOCSPResponse";
    // The certificates (outside the signature) may only be the issuing CA's, byte for byte.
    if (certs) {
      if (certs.tag !== 0xa0) return "unexpected element after the signature";
      for (const c of childrenOf(expectTag(childrenOf(certs)[0], TAG.SEQUENCE, "certs"))) {
        if (!c.raw.equals(expect.issuerCertDer)) return "certs holds something other than the issuing CA certificate";
      }
    }
    expectTag(sigAlg, TAG.SEQUENCE, "signatureAlgorithm");
    const sigBits = expectTag(sig, TAG.BIT_STRING, "signature").value;
    if (sigBits[0] !== 0) return "signature BIT STRING has unused bits";
    const issuerKey = new X509Certificate(expect.issuerCertDer).publicKey;
    if (!cryptoVerify("sha256", tbs.raw, { key: issuerKey, dsaEncoding: "der" }, sigBits.subarray(1)))
      return "signature does not verify with the issuing CA's key";

    const parts = childrenOf(expectTag(tbs, TAG.SEQUENCE, "tbsResponseData"));
    let i = 0;
    if (parts[i]?.tag === 0xa0) i++; // version
    if (parts[i]?.tag !== 0xa1 && parts[i]?.tag !== 0xa2) return "no responderID";
    i++;
    const producedAt = generalizedTime(parts[i++], "producedAt");
    const singles = childrenOf(expectTag(parts[i++], TAG.SEQUENCE, "responses"));
    if (singles.length !== 1) return `${singles.length} SingleResponses (expected 1)`;
    const [certId, certStatus, thisUpdateEl, nextUpdateEl] = childrenOf(
      expectTag(singles[0], TAG.SEQUENCE, "SingleResponse"),
    );
    const serial = serialHexOf(childrenOf(expectTag(certId, TAG.SEQUENCE, "CertID"))[3]);
    if (serial !== canonicalSerialHex(expect.serialHex)) return `serial ${serial} (expected ${expect.serialHex})`;
    if (certStatus?.tag !== 0x80) return `certStatus tag 0x${certStatus?.tag.toString(16)} (expected good, 0x80)`;
    const thisUpdate = generalizedTime(thisUpdateEl, "thisUpdate");
    if (nextUpdateEl?.tag !== 0xa0) return "no nextUpdate";
    const nextUpdate = generalizedTime(childrenOf(nextUpdateEl)[0], "nextUpdate");
    const now = expect.now.getTime();
    if (thisUpdate.getTime() > now + 5_000 || nextUpdate.getTime() <= now)
      return `not current: thisUpdate ${thisUpdate.toISOString()}, nextUpdate ${nextUpdate.toISOString()}`;
    if (producedAt.getTime() > now + 5_000) return `producedAt in the future (${producedAt.toISOString()})`;

    let nonce: Buffer | undefined;
    if (parts[i]?.tag === 0xa1) {
      for (const ext of childrenOf(expectTag(childrenOf(parts[i])[0], TAG.SEQUENCE, "responseExtensions"))) {
        const fields = childrenOf(expectTag(ext, TAG.SEQUENCE, "Extension"));
        if (readOid(fields[0]) !== OID_OCSP_NONCE) continue;
        const value = expectTag(fields[fields.length - 1], TAG.OCTET_STRING, "extnValue").value;
        nonce = readWhole(value, TAG.OCTET_STRING).value;
      }
    }
    if (expect.nonce && !nonce) return "nonce not echoed";
    if (expect.nonce && !nonce!.equals(expect.nonce))
      return `nonce mismatch: sent ${expect.nonce.toString("hex")}, got ${nonce!.toString("hex")}`;
    if (!expect.nonce && nonce) return "unexpected nonce in a response to a nonce-less request";
    return null;
  } catch (e) {
    return `unparseable: ${(e as Error).message}`;
  }
}

/** `openssl` on PATH, or null. */
export function opensslAvailable(): boolean {
  const r = spawnSync(process.env.OPENSSL ?? "openssl", ["version"], { encoding: "utf8" });
  return !r.error && r.status === 0;
}

/**
 * Second opinion from `openssl ocsp -respin`: "Response verify OK" against the root and the serial `good`.
 * With `requestDer` (the request actually sent) openssl also checks that the nonce matches it.
 * Returns null when OK, else openssl's output.
 */
export function opensslCheckResponse(
  dir: string,
  name: string,
  body: Buffer,
  files: { rootPem: string; issuingPem: string },
  serialHex: string,
  requestDer?: Buffer,
): string | null {
  const file = path.join(dir, `${name}.ocsp.der`);
  fs.writeFileSync(file, body);
  let args: string[];
  if (requestDer) {
    const reqFile = path.join(dir, `${name}.sent.der`);
    fs.writeFileSync(reqFile, requestDer);
    args = [
      "ocsp",
      "-reqin",
      reqFile,
      "-respin",
      file,
      "-issuer",
      files.issuingPem,
      "-CAfile",
      files.rootPem,
      "-resp_text",
    ];
  } else {
    args = [
      "ocsp",
      "-respin",
      file,
      "-issuer",
      files.issuingPem,
      "-CAfile",
      files.rootPem,
      "-serial",
      `0x${serialHex}`,
      "-no_nonce",
    ];
  }
  const r = spawnSync(process.env.OPENSSL ?? "openssl", args, { encoding: "utf8" });
  const out = `${r.stdout}${r.stderr}`;
  const verified =
    r.status === 0 && out.includes("Response verify OK") && !/nonce verify error|no nonce in response/i.test(out);
  const good = requestDer
    ? new RegExp(`Serial Number: ${serialHex}\\s+Cert Status: good`, "i").test(out)
    : new RegExp(`0x${serialHex}: good`, "i").test(out);
  return verified && good ? null : out.trim();
}

/** `openssl ocsp -issuer … -serial 0x… -no_nonce -reqout`: the nonce-less request as openssl makes it. */
export function opensslMakeRequest(dir: string, issuingPem: string, serialHex: string): Buffer | null {
  const file = path.join(dir, `openssl-${serialHex}.req.der`);
  const r = spawnSync(
    process.env.OPENSSL ?? "openssl",
    ["ocsp", "-issuer", issuingPem, "-serial", `0x${serialHex}`, "-no_nonce", "-reqout", file],
    { encoding: "utf8" },
  );
  return r.status === 0 && fs.existsSync(file) ? fs.readFileSync(file) : null;
}

/** `openssl ocsp -reqin … -req_text` reads the request (and shows the nonce when there is one). Null when OK. */
export function opensslCheckRequest(dir: string, name: string, der: Buffer, withNonce: boolean): string | null {
  const file = path.join(dir, `${name}.req.der`);
  fs.writeFileSync(file, der);
  const r = spawnSync(process.env.OPENSSL ?? "openssl", ["ocsp", "-reqin", file, "-req_text"], { encoding: "utf8" });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0 || !out.includes("Certificate ID")) return out.trim();
  if (withNonce !== out.includes("OCSP Nonce")) return `nonce ${withNonce ? "missing" : "unexpected"}:\n${out.trim()}`;
  return null;
}
