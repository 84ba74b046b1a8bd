import { OCSPResponse, BasicOCSPResponse } from "@peculiar/asn1-ocsp";
import { AsnConvert } from "@peculiar/asn1-schema";
import { checkCsr } from "../../api/src/pki/csr";
import { issueServerCertificate, newSerialHex, type IssuedCertificate } from "../../api/src/pki/issue";
import {
  buildOcspResponse,
  certIdFor,
  issuerMatches,
  ocspErrorResponse,
  parseOcspRequest,
  OID_SHA1,
  OID_SHA256,
  type OcspCertStatus,
} from "../../api/src/pki/ocsp";
import { childrenOf, readWhole } from "../../api/src/pki/der";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { makeCsr, openssl, opensslOk, TempDir } from "../support/openssl";

const dir = new TempDir();
afterAll(() => dir.remove());
const HOUR = 3_600_000;

let ca: TestCa;
let otherCa: TestCa;
let leaf: IssuedCertificate;
let leafPath: string;

beforeAll(async () => {
  ca = await makeTestCa(dir, "ECDSA_P256");
  otherCa = await makeTestCa(dir, "RSA_2048");
  const { csrPem } = makeCsr(dir, "ocsp-leaf", { key: "ec-p256", subj: "/CN=ocsp.akashi-demo.jp" });
  const checked = checkCsr(csrPem, { names: ["ocsp.akashi-demo.jp"], wildcardAllowed: false });
  if (!checked.ok) throw new Error(checked.message);
  leaf = await issueServerCertificate({
    issuer: ca.issuing,
    subjectPublicKeySpki: checked.publicKeySpki,
    serialHex: newSerialHex(),
    names: checked.names,
    subject: { commonName: "ocsp.akashi-demo.jp" },
    validationLevel: "DV",
    notBefore: new Date(Date.now() - HOUR),
    notAfter: new Date(Date.now() + 24 * HOUR),
    urls: URLS,
  });
  leafPath = dir.file("ocsp-leaf.pem", leaf.pem);
});

function makeRequest(name: string, extra: string[] = []): Buffer {
  const reqPath = dir.file(`${name}.req.der`);
  const digest = extra.filter((a) => a === "-sha256");
  const rest = extra.filter((a) => a !== "-sha256");
  opensslOk(["ocsp", "-issuer", ca.issuingPath, ...digest, "-cert", leafPath, "-reqout", reqPath, ...rest]);
  return dir.read(`${name}.req.der`);
}

async function respond(req: Buffer, status: OcspCertStatus, opts: { includeIssuerCertificate?: boolean } = {}) {
  const parsed = parseOcspRequest(req);
  if (!parsed.ok) throw new Error(parsed.reason);
  const now = new Date();
  return buildOcspResponse({
    issuer: ca.issuing,
    responses: parsed.requests.map((certId) => ({ certId, status })),
    producedAt: now,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 4 * 24 * HOUR),
    ...(parsed.nonce && { nonce: parsed.nonce }),
    ...opts,
  });
}

/**
 * Two openssl runs: one that prints the status of the leaf (with -cert openssl builds its own request, so it
 * cannot compare nonces), one that checks the response against the original request, nonce included.
 */
function check(name: string, req: Buffer, resp: Buffer, digest: string[] = []) {
  const respPath = dir.file(`${name}.resp.der`, resp);
  const reqPath = dir.file(`${name}.req.der`, req);
  const status = openssl([
    "ocsp",
    "-respin",
    respPath,
    "-issuer",
    ca.issuingPath,
    ...digest,
    "-cert",
    leafPath,
    "-CAfile",
    ca.rootPath,
    "-no_nonce",
    "-resp_text",
  ]);
  const againstRequest = openssl([
    "ocsp",
    "-respin",
    respPath,
    "-reqin",
    reqPath,
    "-issuer",
    ca.issuingPath,
    "-CAfile",
    ca.rootPath,
  ]);
  expect(againstRequest.out).toContain("Response verify OK");
  expect(againstRequest.out).not.toMatch(/nonce/i);
  expect(againstRequest.status).toBe(0);
  return status;
}

describe("STAT-2: requests", () => {
  test("STAT-2: an openssl request (SHA-1 CertID, with nonce) parses; the CertID matches the issuing CA and the serial is the leaf's", () => {
    const req = makeRequest("parse-nonce");
    const parsed = parseOcspRequest(req);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.requests).toHaveLength(1);
    const r = parsed.requests[0];
    expect(r.hashAlgorithmOid).toBe(OID_SHA1);
    expect(r.serialHex).toBe(leaf.serialHex);
    expect(r.issuerNameHash).toHaveLength(20);
    expect(req.includes(r.der)).toBe(true);
    expect(issuerMatches(r, ca.issuing.certDer)).toBe(true);
    expect(issuerMatches(r, ca.root.certDer)).toBe(false);
    expect(issuerMatches(r, otherCa.issuing.certDer)).toBe(false);
    expect(parsed.nonce).toBeDefined();
    expect(parsed.nonce!.length).toBeGreaterThanOrEqual(1);
    // the CertID we compute for pre-signed responses is the same bytes openssl sends
    expect(certIdFor(ca.issuing.certDer, leaf.serialHex, "sha1").der.equals(r.der)).toBe(true);
  });

  test("STAT-2: -no_nonce gives no nonce; -sha256 CertIDs match too", () => {
    const noNonce = parseOcspRequest(makeRequest("parse-no-nonce", ["-no_nonce"]));
    expect(noNonce).toMatchObject({ ok: true });
    if (noNonce.ok) expect(noNonce.nonce).toBeUndefined();
    const sha256 = parseOcspRequest(makeRequest("parse-sha256", ["-no_nonce", "-sha256"]));
    if (!sha256.ok) throw new Error(sha256.reason);
    expect(sha256.requests[0].hashAlgorithmOid).toBe(OID_SHA256);
    expect(issuerMatches(sha256.requests[0], ca.issuing.certDer)).toBe(true);
    expect(certIdFor(ca.issuing.certDer, leaf.serialHex, "sha256").der.equals(sha256.requests[0].der)).toBe(true);
  });

  test("STAT-2: garbage, truncated and empty requests are not ok", () => {
    const req = makeRequest("parse-bad");
    expect(parseOcspRequest(Buffer.from("hello")).ok).toBe(false);
    expect(parseOcspRequest(req.subarray(0, req.length - 1)).ok).toBe(false);
    expect(parseOcspRequest(Buffer.concat([req, Buffer.from([0])])).ok).toBe(false);
    expect(parseOcspRequest(Buffer.alloc(0)).ok).toBe(false);
    // OCSPRequest { TBSRequest { requestList SEQUENCE {} } }
    expect(parseOcspRequest(Buffer.from("30043002" + "3000", "hex")).ok).toBe(false);
  });
});

describe("STAT-2: responses verified by openssl ocsp", () => {
  test("STAT-2: good, with the nonce echoed: Response verify OK", async () => {
    const req = makeRequest("good");
    const resp = await respond(req, "good");
    const r = check("good", req, resp);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${leafPath}: good`);
    expect(r.out).toContain("OCSP Nonce");
    const parsed = parseOcspRequest(req);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(r.out.replace(/\s/g, "")).toContain(`0410${parsed.nonce!.toString("hex").toUpperCase()}`);
    // a different request (other nonce) is caught by openssl
    const other = makeRequest("good-other");
    const mismatch = openssl([
      "ocsp",
      "-respin",
      dir.file("good-other.resp.der", resp),
      "-reqin",
      dir.file("good-other.req.der", other),
      "-issuer",
      ca.issuingPath,
      "-CAfile",
      ca.rootPath,
    ]);
    expect(mismatch.out).toContain("Nonce Verify error");
    expect(r.out).toMatch(/Responder Id: [0-9A-F]{40}/);
    expect(r.status).toBe(0);
  });

  test("STAT-2: without a nonce, SHA-256 CertID: Response verify OK with only -CAfile root.pem (issuer certificate included)", async () => {
    const req = makeRequest("good-nononce", ["-no_nonce", "-sha256"]);
    const resp = await respond(req, "good");
    const r = check("good-nononce", req, resp, ["-sha256"]);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${leafPath}: good`);
    expect(r.out).not.toContain("OCSP Nonce");
    const alone = openssl(["ocsp", "-respin", dir.file("alone.resp.der", resp), "-CAfile", ca.rootPath, "-resp_text"]);
    expect(alone.out).toContain("Response verify OK");
    expect(alone.out).toContain("Cert Status: good");
    // the certificate in the response is the issuer's DER, byte for byte
    const basic = AsnConvert.parse(
      AsnConvert.parse(resp, OCSPResponse).responseBytes!.response.buffer,
      BasicOCSPResponse,
    );
    expect(Buffer.from(AsnConvert.serialize(basic.certs![0])).equals(ca.issuing.certDer)).toBe(true);
  });

  test("STAT-2: without the issuer certificate the response is smaller and verifies when the client has the issuer", async () => {
    const req = makeRequest("slim", ["-no_nonce"]);
    const full = await respond(req, "good");
    const slim = await respond(req, "good", { includeIssuerCertificate: false });
    expect(full.length - slim.length).toBeGreaterThanOrEqual(ca.issuing.certDer.length);
    const r = check("slim", req, slim);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${leafPath}: good`);
  });

  test("STAT-2: revoked shows the reason and the time", async () => {
    const req = makeRequest("revoked");
    const revokedAt = new Date("2026-01-02T03:04:05.678Z");
    const resp = await respond(req, { revokedAt, reason: "keyCompromise" });
    const r = check("revoked", req, resp);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${leafPath}: revoked`);
    expect(r.out).toContain("Reason: keyCompromise");
    expect(r.out).toContain("Revocation Time: Jan  2 03:04:05 2026 GMT");
  });

  test("STAT-2: revoked as unspecified carries no reason (as on the CRL)", async () => {
    const req = makeRequest("revoked-unspecified", ["-no_nonce"]);
    const resp = await respond(req, { revokedAt: new Date("2026-01-02T03:04:05Z"), reason: "unspecified" });
    const r = check("revoked-unspecified", req, resp);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${leafPath}: revoked`);
    expect(r.out).not.toContain("Reason:");
  });

  test("STAT-2: unknown", async () => {
    const req = makeRequest("unknown", ["-no_nonce"]);
    const resp = await respond(req, "unknown");
    const r = check("unknown", req, resp);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${leafPath}: unknown`);
  });

  test("STAT-2: times are whole-second GeneralizedTime; thisUpdate/nextUpdate as given", async () => {
    const req = makeRequest("times", ["-no_nonce"]);
    const parsed = parseOcspRequest(req);
    if (!parsed.ok) throw new Error(parsed.reason);
    const resp = await buildOcspResponse({
      issuer: ca.issuing,
      responses: [{ certId: parsed.requests[0], status: "good" }],
      producedAt: new Date("2026-11-21T10:00:00.999Z"),
      thisUpdate: new Date("2026-11-21T09:00:00.5Z"),
      nextUpdate: new Date("2026-11-25T09:00:00.5Z"),
    });
    const basic = childrenOf(childrenOf(childrenOf(readWhole(resp))[1])[0])[1].value;
    const asn1 = opensslOk(["asn1parse", "-inform", "DER"], basic);
    expect(asn1).toContain("GENERALIZEDTIME   :20261121100000Z");
    expect(asn1).toContain("GENERALIZEDTIME   :20261121090000Z");
    expect(asn1).toContain("GENERALIZEDTIME   :20261125090000Z");
    expect(asn1).not.toMatch(/GENERALIZEDTIME\s+:\d{14}\./);
  });

  test("STAT-2: a response from another CA does not verify", async () => {
    const req = makeRequest("wrong-ca", ["-no_nonce"]);
    const parsed = parseOcspRequest(req);
    if (!parsed.ok) throw new Error(parsed.reason);
    const now = new Date();
    const resp = await buildOcspResponse({
      issuer: otherCa.issuing,
      responses: [{ certId: parsed.requests[0], status: "good" }],
      producedAt: now,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + HOUR * 8),
    });
    const r = openssl([
      "ocsp",
      "-respin",
      dir.file("wrong-ca.resp.der", resp),
      "-issuer",
      ca.issuingPath,
      "-cert",
      leafPath,
      "-CAfile",
      ca.rootPath,
      "-no_nonce",
    ]);
    expect(r.out).not.toContain("Response verify OK");
    expect(r.out).toContain("Response Verify Failure");
  });

  test("STAT-2: error responses carry only their status", () => {
    const codes = { malformedRequest: 1, internalError: 2, tryLater: 3, unauthorized: 6 } as const;
    for (const [status, code] of Object.entries(codes)) {
      const der = ocspErrorResponse(status as keyof typeof codes);
      expect(der.equals(Buffer.from([0x30, 0x03, 0x0a, 0x01, code]))).toBe(true);
      expect(AsnConvert.parse(der, OCSPResponse).responseStatus).toBe(code);
      const r = openssl(["ocsp", "-respin", dir.file(`err-${status}.der`, der), "-resp_text", "-noverify"]);
      expect(r.out.toLowerCase()).toContain(`responder error: ${status.toLowerCase()} (${code})`);
    }
  });
});
